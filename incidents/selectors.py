"""Read queries over incidents. Spatial predicates run in PostGIS on indexed columns."""
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, Value
from django.db.models.expressions import RawSQL

from regions.models import AdminArea

from .models import Actor, Incident


class HasItemIgnoringCase(Func):
    """EXISTS (SELECT 1 FROM unnest(array) AS item WHERE lower(item) = lower(value))."""

    template = "EXISTS (SELECT 1 FROM unnest(%(expressions)s))"
    arg_joiner = ") AS item WHERE lower(item) = lower("
    output_field = BooleanField()


def actors_named(name: str):
    """Actors whose name or one of whose aliases is `name`, ignoring case."""
    return Actor.objects.filter(
        Q(name__iexact=name) | Q(HasItemIgnoringCase(F("aliases"), Value(name)))
    )


def within_km(point, radius_km: float) -> RawSQL:
    """Geodesic distance on the WGS 84 spheroid, exact in km (uses the geography index)."""
    return RawSQL(
        "ST_DWithin(incidents_incident.location::geography, "
        "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s)",
        (point.x, point.y, radius_km * 1000.0),
        output_field=BooleanField(),
    )


AREA_FIELD = {
    AdminArea.Level.DEPARTMENT: "department",
    AdminArea.Level.PROVINCE: "province",
    AdminArea.Level.DISTRICT: "district",
}


def filter_incidents(queryset, params: dict):
    """Apply validated filter parameters (incidents.api.params) to a queryset."""
    filters = Q()
    if "bbox" in params:
        filters &= Q(location__intersects=params["bbox"])
    if "date_from" in params:
        filters &= Q(occurred_on__gte=params["date_from"])
    if "date_to" in params:
        filters &= Q(occurred_on__lte=params["date_to"])
    if "event_type" in params:
        filters &= Q(event_type=params["event_type"])
    if "sub_event_type" in params:
        filters &= Q(sub_event_type=params["sub_event_type"])
    if "min_fatalities" in params:
        filters &= Q(fatalities__gte=params["min_fatalities"])
    if "region" in params:
        # Areas are assigned from the point down to the level the location is known to, so an
        # incident known only "in Junín" is in department 12 but in none of its provinces.
        area = params["region"]
        filters &= Q(**{f"{AREA_FIELD[area.level]}_id": area.pk})
    if "q" in params:
        text = params["q"]
        filters &= (
            Q(title__icontains=text) | Q(description__icontains=text) | Q(location_name__icontains=text)
        )
    queryset = queryset.filter(filters)
    if "actor" in params:
        queryset = queryset.filter(
            Exists(
                Incident.actors.through.objects.filter(
                    incident_id=OuterRef("pk"), actor__in=actors_named(params["actor"])
                )
            )
        )
    if "near" in params:
        queryset = queryset.filter(within_km(params["near"], params["radius_km"]))
    return queryset
