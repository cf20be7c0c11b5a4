"""How an incident looks as a GeoJSON Feature, written as one database expression."""
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef

from regions import geojson

from ..models import Incident


def _actor_names():
    """By name, as the exports order them: the link order is not the writer's (Django's add()
    inserts a set of ids), so ordering by link made the list flicker between runs."""
    through = Incident.actors.through
    return ArraySubquery(
        through.objects.filter(incident_id=OuterRef("pk")).order_by("actor__name").values("actor__name")
    )


def incident_feature():
    return geojson.feature(
        id=F("id"),
        geometry=geojson.geometry("location"),
        properties={
            "id": F("id"),
            "title": F("title"),
            "description": F("description"),
            "language": F("language"),  # of the description (#14 part 5)
            "occurred_on": F("occurred_on"),
            "date_precision": F("date_precision"),
            "event_type": F("event_type"),
            "sub_event_type": F("sub_event_type"),
            "fatalities": F("fatalities"),
            "injuries": F("injuries"),
            "actors": _actor_names(),
            "location_name": F("location_name"),
            "geo_precision": F("geo_precision"),
            "uncertainty_km": F("location_uncertainty_km"),
            "area_level": F("area_level"),
            "department": F("department__ubigeo"),
            "department_name": F("department__name"),
            "province": F("province__ubigeo"),
            "province_name": F("province__name"),
            "district": F("district__ubigeo"),
            "district_name": F("district__name"),
            "status": F("status"),
            # Where an imported row came from (its namespace and id there; empty for the
            # editors' own): `import_incidents --format geojson` matches a download on these.
            "external_source": F("external_source"),
            "external_id": F("external_id"),
            # Where the row comes from and what its users owe (#13 part 5).
            "dataset": F("dataset_id"),
            "dataset_name": F("dataset__name"),
            "licence": F("dataset__licence_name"),
            "licence_url": F("dataset__licence_url"),
            "citation": F("dataset__citation"),
            "version": F("version"),
            "updated_at": F("updated_at"),
        },
    )
