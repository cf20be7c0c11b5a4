"""Small builders for test data (real boundaries come from the session fixture)."""
from datetime import date

from django.contrib.gis.geos import Point

from incidents.models import Actor, Incident
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


def make_actor(name="Shining Path", kind=Actor.Kind.REBEL_GROUP) -> Actor:
    return Actor.objects.get_or_create(name=name, defaults={"kind": kind})[0]
