"""Small builders for test data (real boundaries come from the session fixture)."""
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.gis.geos import Point
from django.test import Client
from django.db import connection
from django.urls import reverse
from django.utils import translation

from incidents.models import Actor, Incident, Source
from core.roles import ADMINISTRATORS, EDITORS, REVIEWERS, SUBSCRIBERS
from incidents.services.incidents import incident_create
from incidents.services.workflow import OPERATOR


def make_incident(*, user=OPERATOR, **overrides) -> Incident:
    fields = {
        "title": "Armed clash near Pichari",
        "occurred_on": date(2018, 6, 24),
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "location": Point(-73.8290288969999, -12.5195740239999, srid=4326),
        "status": Incident.Status.PUBLISHED,
    }
    fields.update(overrides)
    return incident_create(user=user, **fields)


def make_source(name="Andina, 25 June 2018", url="https://andina.pe/agencia/noticia-1") -> Source:
    """A source to link: users publish only incidents that name one (workflow.check_sourced)."""
    return Source.objects.get_or_create(name=name, url=url)[0]


def make_actor(name="Shining Path", kind=Actor.Kind.REBEL_GROUP) -> Actor:
    return Actor.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def page_url(name: str, *args, language: str = "en") -> str:
    """A public page's URL in one language: page_url("incident", 5) == "/en/incidents/5/"
    (public pages are under /es/ and /en/; the tests written against the English texts ask
    for English, the Spanish ones say language="es")."""
    with translation.override(language):
        return reverse(name, args=args)


# Users ------------------------------------------------------------------------------------

ROLES = {"editor": EDITORS, "reviewer": REVIEWERS, "administrator": ADMINISTRATORS}
PASSWORD = "pw-for-tests-only"


def member(role: str):
    """A staff user in the role's group ('staff': staff status and no group), named after the
    role (then role-2, role-3… when there are several)."""
    users = get_user_model().objects
    taken = users.filter(username__startswith=role).count()
    username = role if not taken else f"{role}-{taken + 1}"
    user = users.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    if role in ROLES:
        user.groups.add(Group.objects.get(name=ROLES[role]))
    return user

def subscriber(username: str = "subscriber", *, email: str | None = None):
    """An account without staff status in the Subscribers role (e-mail alerts only)."""
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org" if email is None else email, PASSWORD)
    user.groups.add(Group.objects.get(name=SUBSCRIBERS))
    return user


def user_with(*codenames):
    user = get_user_model().objects.create_user(f"user-{'-'.join(codenames) or 'none'}", password="x-for-tests")
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def logged_in(role: str, language: str | None = None) -> Client:
    """A test client logged in as a new member of the role; with `language`, every request
    asks for it (Accept-Language), else the site's default (Spanish) applies."""
    client = Client(**({"HTTP_ACCEPT_LANGUAGE": language} if language else {}))
    client.force_login(member(role))
    return client


# Admin forms ---------------------------------------------------------------------------------

def admin_change_url(incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def incident_form_data(incident, **changes):
    """The incident's admin change form as posted, with `changes` applied."""
    data = {
        "title": incident.title,
        "description": incident.description,
        "status": incident.status,
        "occurred_on": incident.occurred_on.isoformat(),
        "date_precision": incident.date_precision,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "fatalities": "",
        "injuries": "",
        "actors": [a.pk for a in incident.actors.all()],
        "location": incident.location.geojson,
        "location_name": incident.location_name,
        "geo_precision": incident.geo_precision,
        "area_level": incident.area_level,
        "sources": [source.pk for source in incident.sources.all()],
        "alert": incident.alert_id or "",
        "expected_version": incident.version,
    }
    data.update(changes)
    return data


# Servers the tests start (gunicorn, manage.py subprocesses) ---------------------------------

def database_url() -> str:
    """The URL of the database the tests use (the test database once it exists)."""
    db = connection.settings_dict
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("USER") else ""
    host = f"{db['HOST']}:{db['PORT'] or 5432}" if db.get("HOST") else ""
    return f"postgis://{auth}{host}/{db['NAME']}"
