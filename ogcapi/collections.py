"""The feature collections the OGC API serves, each read straight from the tables the rest of
the app uses (no second copy), with the same visibility rules and the same GeoJSON expressions:
incidents (incidents.api.features.incident_feature, visible_incidents), departments, provinces
and districts (regions.api.views.area_feature, full detail) and advisory zones
(regions.api.features.zone_feature). Each collection's queryables are its property filters.

To add a property to a collection, change the one list it comes from (named above); to add a
filter, add a queryable here and its branch in the collection's `filter`.
"""
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from django.db.models import Q
from rest_framework import serializers

from core.params import validated
from incidents.api.features import incident_feature
from incidents.api.params import IncidentFilterParams
from incidents.models import Incident
from incidents.selectors import filter_incidents, visible_incidents
from incidents.taxonomy import EVENT_TYPES
from regions import geojson
from regions.api.features import zone_feature
from regions.api.views import area_feature
from regions.models import AdminArea, AdvisoryZone
from regions.selectors import ZONE_ORDER

MAX_DATE, MIN_DATE = date.max, date.min


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    model: type
    geom_field: str
    geometry_type: str  # the GeoJSON type of every feature's geometry
    rows: Callable  # (user) -> queryset of what this user may see, in a stable order
    feature: Callable  # () -> the feature expression (regions.geojson)
    id_field: str  # the model field that is the feature id
    id_pattern: str  # a regex of valid ids; others are a 404 without a query
    queryables: dict  # name -> JSON Schema of the property (also a query parameter)
    filter: Callable  # (queryset, QueryDict of the queryables given) -> queryset; raises ValidationError
    temporal: tuple[str, str | None] | None = None  # (start field, end field or None)
    colour: str = "#444444"  # how the app draws it (the QGIS project uses it)
    extra: dict = field(default_factory=dict)

    def during(self, queryset, start: date | None, end: date | None):
        """Rows whose time (a day, or a validity from/until) meets [start, end]."""
        if self.temporal is None:
            return queryset
        first, last = self.temporal
        last = last or first
        conditions = Q()
        if start is not None:
            conditions &= Q(**{f"{last}__gte": start}) | (Q(**{f"{last}__isnull": True}) if last != first else Q())
        if end is not None:
            conditions &= Q(**{f"{first}__lte": end})
        return queryset.filter(conditions)


def _incident_filter(queryset, values):
    """The incident API's own parameters and selector: same meanings, same 400s."""
    return filter_incidents(queryset, validated(IncidentFilterParams, values))


def _incident_rows(user):
    # Synthetic load-test rows stay out, as in the API by default.
    return visible_incidents(user).filter(is_synthetic=False).order_by("id")


INCIDENT_QUERYABLES = {
    "event_type": {"type": "string", "title": "ACLED event type", "enum": list(EVENT_TYPES)},
    "sub_event_type": {"type": "string", "title": "ACLED sub-event type",
                       "enum": [sub for subs in EVENT_TYPES.values() for sub in subs]},
    "actor": {"type": "string", "title": "Part of an actor's name or alias, ignoring case and "
              "accents; matches any of the incident's actors"},
    "region": {"type": "string", "title": "INEI ubigeo of the department, province or district "
               "the incident lies in", "pattern": "^(\\d{2}|\\d{4}|\\d{6})$"},
}


class _AreaFilterParams(serializers.Serializer):
    ubigeo = serializers.RegexField(r"^(\d{2}|\d{4}|\d{6})$", required=False,
                                    error_messages={"invalid": "Expected an ubigeo of 2, 4 or 6 digits."})
    name = serializers.CharField(required=False, max_length=200)
    parent = serializers.RegexField(r"^(\d{2}|\d{4})$", required=False, error_messages={
        "invalid": "Expected the ubigeo of a department (2 digits) or province (4)."})


def _area_filter(queryset, values):
    data = validated(_AreaFilterParams, values)
    if "ubigeo" in data:
        queryset = queryset.filter(ubigeo=data["ubigeo"])
    if "name" in data:
        queryset = queryset.filter(name__iexact=data["name"])
    if "parent" in data:
        queryset = queryset.filter(parent__ubigeo=data["parent"])
    return queryset


AREA_QUERYABLES = {
    "ubigeo": {"type": "string", "title": "INEI ubigeo", "pattern": "^(\\d{2}|\\d{4}|\\d{6})$"},
    "name": {"type": "string", "title": "Name (case-insensitive, exact)"},
    "parent": {"type": "string", "title": "Ubigeo of the parent department or province",
               "pattern": "^(\\d{2}|\\d{4})$"},
}


def _areas(level: str):
    def rows(user):
        return AdminArea.objects.filter(level=level).order_by("ubigeo")
    return rows


class _ZoneFilterParams(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AdvisoryZone.Kind.values, required=False)
    severity = serializers.ChoiceField(choices=AdvisoryZone.Severity.values, required=False)
    issuer = serializers.CharField(required=False, max_length=200)


def _zone_filter(queryset, values):
    data = validated(_ZoneFilterParams, values)
    for name in ("kind", "severity"):
        if name in data:
            queryset = queryset.filter(**{name: data[name]})
    if "issuer" in data:
        queryset = queryset.filter(issuer__iexact=data["issuer"])
    return queryset


ZONE_QUERYABLES = {
    "kind": {"type": "string", "title": "advice, or a reference area (not advice)",
             "enum": AdvisoryZone.Kind.values},
    "severity": {"type": "integer", "title": "Severity normalised across issuers (1 … 4; see "
                 "issuer_level for the issuer's own words)", "enum": AdvisoryZone.Severity.values},
    "issuer": {"type": "string", "title": "Issuer (case-insensitive, exact)"},
}

_AREA_TEXT = ("Peru's {plural} (INEI, {count}), full-detail outlines in WGS 84; feature id = "
              "ubigeo.")

COLLECTIONS = {
    collection.id: collection
    for collection in [
        Collection(
            id="incidents", title="Incidents",
            description="Published security incidents (ACLED taxonomy) as points; `datetime` "
            "filters the day each occurred on. Signed-in editors also see drafts.",
            model=Incident, geom_field="location", geometry_type="Point", rows=_incident_rows, feature=incident_feature, id_field="pk",
            id_pattern=r"^\d{1,18}$", queryables=INCIDENT_QUERYABLES, filter=_incident_filter,
            temporal=("occurred_on", None), colour="#c0392b",
        ),
        *[
            Collection(
                id=f"{level}s", title=f"{level.capitalize()}s",
                description=_AREA_TEXT.format(plural=f"{level}s", count=count),
                model=AdminArea, geom_field="geom", geometry_type="MultiPolygon", rows=_areas(level), feature=lambda: area_feature(0),
                id_field="ubigeo", id_pattern=pattern, queryables=AREA_QUERYABLES,
                filter=_area_filter, colour=colour,
            )
            for level, count, pattern, colour in [
                (AdminArea.Level.DEPARTMENT, 25, r"^\d{2}$", "#555555"),
                (AdminArea.Level.PROVINCE, 196, r"^\d{4}$", "#777777"),
                (AdminArea.Level.DISTRICT, "1,891", r"^\d{6}$", "#999999"),
            ]
        ],
        Collection(
            id="advisory-zones", title="Travel-advisory zones",
            description="Areas a government advises travellers about, with the issuer's own wording, "
            "and reference areas (the VRAEM intervention area); `datetime` keeps the zones in "
            "force at some time of the interval.",
            model=AdvisoryZone, geom_field="geom", geometry_type="MultiPolygon",
            rows=lambda user: AdvisoryZone.objects.order_by(*ZONE_ORDER),
            feature=lambda: zone_feature(geojson.geometry("geom")), id_field="slug",
            id_pattern=r"^[-a-zA-Z0-9_]{1,50}$", queryables=ZONE_QUERYABLES, filter=_zone_filter,
            temporal=("valid_from", "valid_until"), colour="#8e44ad",
        ),
    ]
}
