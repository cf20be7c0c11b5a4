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
    location_uncertainty_km: float | None = None,
    area_level: str = "district",
    fatalities: int | None = None,
    injuries: int | None = None,
    actors: list[Actor] = (),
    sources: list[Source] = (),
    alert: Alert | None = None,
    status: str = Incident.Status.DRAFT,
    external_source: str = "",
    external_id: str = "",
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
        location_uncertainty_km=location_uncertainty_km,
        area_level=area_level,
        fatalities=fatalities,
        injuries=injuries,
        alert=alert,
        status=status,
        external_source=external_source,
        external_id=external_id,
    )
    # Field choices already cover the check constraints; the database enforces them and the
    # (source, external id) uniqueness (importers upsert). Skipping Django's per-constraint
    # SELECTs halves the cost of a bulk import.
    incident.full_clean(validate_constraints=False)
    incident.save()
    # A new incident has no links yet: one INSERT per relation instead of set()'s reads.
    for relation, objects in ((Incident.actors, actors), (Incident.sources, sources)):
        through = relation.through
        own, other = relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()
        through.objects.bulk_create(
            [through(**{f"{own}_id": incident.pk, f"{other}_id": obj.pk})
             for obj in dict.fromkeys(objects)]
        )
    incident.refresh_from_db(fields=AREA_FIELDS)
    return incident


UPDATABLE_FIELDS = {
    "title", "description", "occurred_on", "date_precision", "event_type", "sub_event_type",
    "location", "location_name", "geo_precision", "location_uncertainty_km", "area_level",
    "fatalities", "injuries", "status", "alert",
}


@transaction.atomic
def incident_update(
    *, incident: Incident, actors: list[Actor] | None = None, sources: list[Source] | None = None,
    **fields,
) -> Incident:
    """Validate and save changed fields (and actors/sources when given); areas follow the point."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"incident_update() cannot set {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(incident, name, value)
    incident.full_clean(validate_constraints=False)
    incident.save()
    if actors is not None:
        incident.actors.set(actors)
    if sources is not None:
        incident.sources.set(sources)
    incident.refresh_from_db(fields=AREA_FIELDS)
    return incident

