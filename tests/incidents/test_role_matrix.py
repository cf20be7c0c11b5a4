"""Every role against every editorial action, in the admin and the API.

Each cell performs the action as that user and then looks at the database (or the page) to
decide whether it happened; the table below is what the roles promise.
"""
import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.models import Incident
from regions.models import AdminArea
from tests.places import SAN_MIGUEL_DEL_ENE
from tests.factories import make_incident, make_source

from tests.factories import incident_form_data, member

pytestmark = pytest.mark.django_db
S = Incident.Status
ROLES = ["anonymous", "staff", "editor", "reviewer", "administrator"]
API = "/api/v1/incidents/"


@pytest.fixture
def world():
    return {
        "draft": make_incident(title="A draft", status=S.DRAFT, sources=[make_source()]),
        "published": make_incident(title="A published one", status=S.PUBLISHED,
                                   location=SAN_MIGUEL_DEL_ENE),
    }


def _status(incident):
    return Incident.objects.get(pk=incident.pk).status


def _title(incident):
    return Incident.objects.get(pk=incident.pk).title


# Admin actions: (client, world) → did it happen?
def admin_list(client, world):
    return client.get(reverse("admin:incidents_incident_changelist")).status_code == 200


def admin_add_page(client, world):
    return client.get(reverse("admin:incidents_incident_add")).status_code == 200


def _admin_edit(client, incident):
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    client.post(url, incident_form_data(incident, title="Edited title", expected_version=incident.version))
    return _title(incident) == "Edited title"


def admin_edit_draft(client, world):
    return _admin_edit(client, world["draft"])


def admin_edit_published(client, world):
    return _admin_edit(client, world["published"])


def _admin_action(client, action, incident, target):
    client.post(reverse("admin:incidents_incident_changelist"),
                {"action": action, "_selected_action": [incident.pk]})
    return _status(incident) == target


def admin_submit(client, world):
    return _admin_action(client, "submit_for_review", world["draft"], S.IN_REVIEW)


def admin_publish(client, world):
    return _admin_action(client, "publish", world["draft"], S.PUBLISHED)


def admin_archive(client, world):
    return _admin_action(client, "archive", world["published"], S.ARCHIVED)


def _admin_delete(client, incident):
    client.post(reverse("admin:incidents_incident_delete", args=[incident.pk]), {"post": "yes"})
    return not Incident.objects.filter(pk=incident.pk).exists()


def admin_delete_draft(client, world):
    return _admin_delete(client, world["draft"])


def admin_delete_published(client, world):
    return _admin_delete(client, world["published"])


def admin_merge(client, world):
    client.post(reverse("admin:incidents_incident_changelist"), {
        "action": "merge_duplicates", "_selected_action": [world["draft"].pk, world["published"].pk],
        "survivor": world["published"].pk, "confirm": "yes",
    })
    return _status(world["draft"]) == S.ARCHIVED


def admin_review_queue(client, world):
    return client.get(reverse("admin:incidents_reviewitem_changelist")).status_code == 200


def admin_build_zone(client, world):
    district = AdminArea.objects.get(ubigeo="120609")
    client.post(reverse("admin:regions_advisoryzone_add"), {
        "name": "Test zone", "slug": "test-zone", "kind": "advice", "severity": 3, "issuer": "Test", "issuer_level": "Avoid non-essential travel", "definition": "", "exceptions": "", "last_reviewed": "", "construction": "areas", "construction_note": "", "same_as": "",
        "summary": "", "source_url": "", "valid_from": "2020-01-01", "valid_until": "",
        "areas": [district.pk], "buffer_km": "0", "geom": "",
    })
    from regions.models import AdvisoryZone

    return AdvisoryZone.objects.filter(slug="test-zone").exists()


def admin_manage_users(client, world):
    return client.get(reverse("admin:auth_user_changelist")).status_code == 200


# API actions.
def _feature(status):
    return {"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [SAN_MIGUEL_DEL_ENE.x, SAN_MIGUEL_DEL_ENE.y]},
            "properties": {"title": "Via the API", "occurred_on": "2018-06-24",
                           "event_type": "Battles", "sub_event_type": "Armed clash",
                           "status": status}}


def api_create_draft(client, world):
    client.post(API, _feature("draft"), format="json")
    return Incident.objects.filter(title="Via the API").exists()


def api_create_published(client, world):
    # The API names no sources, and publishing needs one (workflow.check_sourced): a role that
    # may publish is refused for that reason only, one that may not for its role.
    response = client.post(API, _feature("published"), format="json", HTTP_ACCEPT_LANGUAGE="en")
    created = Incident.objects.filter(title="Via the API").exists()
    return created or "names no source" in response.json().get("detail", "")


def _api_patch(client, incident, properties):
    incident.refresh_from_db(fields=["version"])  # an API client sends the version it read
    return client.patch(f"{API}{incident.pk}/",
                        {"type": "Feature", "properties": {"version": incident.version, **properties}},
                        format="json")


def api_edit_draft(client, world):
    _api_patch(client, world["draft"], {"title": "Edited title"})
    return _title(world["draft"]) == "Edited title"


def api_edit_published(client, world):
    _api_patch(client, world["published"], {"title": "Edited title"})
    return _title(world["published"]) == "Edited title"


def api_publish(client, world):
    _api_patch(client, world["draft"], {"status": "published"})
    return _status(world["draft"]) == S.PUBLISHED


def api_delete_draft(client, world):
    client.delete(f"{API}{world['draft'].pk}/")
    return not Incident.objects.filter(pk=world["draft"].pk).exists()


def api_delete_published(client, world):
    client.delete(f"{API}{world['published'].pk}/")
    return not Incident.objects.filter(pk=world["published"].pk).exists()


def api_read_draft(client, world):
    return client.get(f"{API}{world['draft'].pk}/").status_code == 200


def api_read_published(client, world):
    return client.get(f"{API}{world['published'].pk}/").status_code == 200


#                         anonymous staff  editor reviewer administrator
MATRIX = {
    admin_list:             (0, 0, 1, 1, 1),
    admin_add_page:         (0, 0, 1, 1, 1),
    admin_edit_draft:       (0, 0, 1, 1, 1),
    admin_edit_published:   (0, 0, 0, 1, 1),
    admin_submit:           (0, 0, 1, 1, 1),
    admin_publish:          (0, 0, 0, 1, 1),
    admin_archive:          (0, 0, 0, 1, 1),
    admin_delete_draft:     (0, 0, 0, 1, 1),
    admin_delete_published: (0, 0, 0, 0, 0),  # archived, never deleted
    admin_merge:            (0, 0, 0, 1, 1),
    admin_review_queue:     (0, 0, 1, 1, 1),
    admin_build_zone:       (0, 0, 0, 1, 1),
    admin_manage_users:     (0, 0, 0, 0, 1),
    api_create_draft:       (0, 0, 1, 1, 1),
    api_create_published:   (0, 0, 0, 1, 1),
    api_edit_draft:         (0, 0, 1, 1, 1),
    api_edit_published:     (0, 0, 0, 1, 1),
    api_publish:            (0, 0, 0, 1, 1),
    api_delete_draft:       (0, 0, 0, 1, 1),
    api_delete_published:   (0, 0, 0, 0, 0),
    api_read_draft:         (0, 0, 1, 1, 1),
    api_read_published:     (1, 1, 1, 1, 1),
}
CELLS = [(action, role, bool(allowed[i]))
         for action, allowed in MATRIX.items() for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("action", "role", "allowed"), CELLS,
                         ids=[f"{a.__name__}-{r}" for a, r, _ in CELLS])
def test_role_may_or_may_not(action, role, allowed, world):
    api = action.__name__.startswith("api_")
    client = APIClient() if api else Client()
    if role != "anonymous":
        user = member(role)
        client.force_authenticate(user) if api else client.force_login(user)
    assert action(client, world) is allowed


def test_groups_hold_the_listed_permissions():
    from django.contrib.auth.models import Group, Permission

    reviewers = Group.objects.get(name="Reviewers")
    codes = set(reviewers.permissions.values_list("codename", flat=True))
    assert {"publish_incident", "archive_incident", "merge_incident"} <= codes
    assert "publish_incident" not in set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert Group.objects.get(name="Administrators").permissions.count() == Permission.objects.count()


def test_an_editor_sees_why_a_published_incident_is_read_only():
    incident = make_incident(status=S.PUBLISHED)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(member("editor"))
    response = _api_patch(client, incident, {"title": "x"})
    assert response.status_code == 403
    assert "only reviewers may change" in json.loads(response.content)["detail"]
