"""Writes to incidents. Every path (demo data, admin, later imports and the API) ends here."""
from datetime import date

from django.contrib.gis.geos import Point
from django.db import transaction

from ..models import Actor, Alert, Incident, Source

AREA_FIELDS = ["department", "province", "district"]


@transaction.atomic
def incident_create(
    *,
    title: str,
    occurred_on: date,
    event_type: str,
    sub_event_type: str,
    location: Point,
    description: str = "",
    date_precision: int = Incident.DatePrecision.DAY,
    location_name: str = "",
    geo_precision: int = Incident.GeoPrecision.EXACT,
    area_level: str = "district",
    fatalities: int | None = None,
    injuries: int | None = None,
    actors: list[Actor] = (),
    sources: list[Source] = (),
    alert: Alert | None = None,
    status: str = Incident.Status.DRAFT,
) -> Incident:
    """Validate and save an incident; the database assigns its areas from `location`."""
    incident = Incident(
        title=title,
        description=description,
        occurred_on=occurred_on,
        date_precision=date_precision,
        event_type=event_type,
        sub_event_type=sub_event_type,
        location=location,
        location_name=location_name,
        geo_precision=geo_precision,
        area_level=area_level,
        fatalities=fatalities,
        injuries=injuries,
        alert=alert,
        status=status,
    )
    incident.full_clean()
    incident.save()
    incident.actors.set(actors)
    incident.sources.set(sources)
    incident.refresh_from_db(fields=AREA_FIELDS)
    return incident
