import hashlib
import json
import math

from django.core.cache import caches
from django.db.models import Case, F, FloatField, JSONField, Value, When
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from core.answer_cache import cached_answer
from core.openapi import feature_collection_schema, feature_schema
from core.params import validated

from .. import geojson
from ..functions import Multi, SimplifyPreserveTopology
from ..models import AdminArea, AdvisoryZone
from ..selectors import ZONE_ORDER, advisory_zones_in_force, regions_version
from .features import zone_feature
from .params import AdvisoryParams, RegionListParams, default_tolerances

GEOJSON = "application/geo+json"
REGIONS_CACHE_SECONDS = 24 * 3600


def decimals_for(tolerance: float) -> int:
    """Coordinate decimals one order finer than the simplification: more are invisible bytes."""
    if not tolerance:
        return geojson.COORDINATE_DECIMALS
    return max(0, min(geojson.COORDINATE_DECIMALS, math.ceil(-math.log10(tolerance)) + 1))


def _geometry(tolerance: float | None, wanted: bool = True):
    """The outline as GeoJSON: unsimplified (tolerance 0), simplified by `tolerance` degrees,
    or (None) by the default tolerance of each area's level."""
    if not wanted:
        return Value(None, output_field=JSONField())
    if tolerance is None:
        tolerances = default_tolerances()
        by_level = Case(*(When(level=level, then=Value(value)) for level, value in tolerances.items()),
                        output_field=FloatField())
        return geojson.geometry(Multi(SimplifyPreserveTopology("geom", by_level)),
                                decimals_for(min(tolerances.values())))
    geom = Multi(SimplifyPreserveTopology("geom", tolerance)) if tolerance else F("geom")
    return geojson.geometry(geom, decimals_for(tolerance))


def area_feature(tolerance: float | None, geometry: bool = True, **extra):
    return geojson.feature(
        id=F("ubigeo"),
        geometry=_geometry(tolerance, geometry),
        properties={
            "ubigeo": F("ubigeo"),
            "name": F("name"),
            "level": F("level"),
            "parent": F("parent__ubigeo"),
            "area_km2": F("area_km2"),
            **extra,
        },
    )


# The typed OpenAPI schemas of the GeoJSON answers, read from the feature expressions.
REGIONS = feature_collection_schema(feature_schema(AdminArea, area_feature(0), "MultiPolygon"))
_ZONE = feature_schema(AdvisoryZone, zone_feature(geojson.geometry("geom")), "MultiPolygon")
ADVISORIES = feature_collection_schema(
    _ZONE, on={"type": "string", "format": "date", "description": "The day the zones are in force"},
    reference_areas={"type": "array", "items": _ZONE,
                     "description": "Zones that are not advice (the VRAEM intervention area)"},
)


class RegionListView(APIView):
    """Departments, provinces or districts, optionally of one parent, with simplified outlines
    (detail=full for the stored ones).

    Threat line: a stranger can ask for every area at full detail (4.7 MB for the districts)
    or at any tolerance; tolerances are snapped to the zoom levels' (regions/api/params.py), so
    each answer is built once per areas version and then served from the cache. The default
    answer is 1.1 MB."""

    queryset = AdminArea.objects.none()

    @extend_schema(operation_id="regions_list", parameters=[RegionListParams],
                   responses={200: OpenApiResponse(REGIONS, description="GeoJSON FeatureCollection "
                                                   "(geometry null with geometry=false)")})
    def get(self, request):
        params = validated(RegionListParams, request.query_params)
        # Simplifying 1,891 districts costs the database ~0.3-0.6 s: answers are kept until the
        # areas change (regions_version moves with any write to them), keyed on what decides
        # the answer: level, parent, geometry and the snapped tolerance (None: each level's
        # default; 0: full detail, whether asked as detail=full, simplify=0 or a fine zoom) —
        # at most FULL_DETAIL_ZOOM + 3 outlines per level and parent. An `ubigeo` list is
        # computed each time (at most 500 areas): keying on it would let anyone fill the cache.
        cache_key = None
        if "ubigeo" not in params:
            decisive = {k: v for k, v in params.items() if k not in ("simplify", "zoom", "detail")}
            text = f"{regions_version()}|{sorted(decisive.items())}"
            cache_key = "regions:" + hashlib.sha256(text.encode()).hexdigest()[:32]
            body = caches["default"].get(cache_key)
            if body is not None:
                return HttpResponse(body, content_type=GEOJSON)
        areas = AdminArea.objects.order_by("ubigeo")
        if "level" in params:
            areas = areas.filter(level=params["level"])
        if "parent" in params:
            areas = areas.filter(parent__ubigeo=params["parent"])
        if "ubigeo" in params:
            areas = areas.filter(ubigeo__in=params["ubigeo"])
        features = geojson.features_json(areas, area_feature(params["tolerance"], params["geometry"]))
        body = geojson.feature_collection(features)
        if cache_key:
            caches["default"].set(cache_key, body, REGIONS_CACHE_SECONDS)
        return HttpResponse(body, content_type=GEOJSON)


class AdvisoryListView(APIView):
    """Travel-advisory zones in force on a day; with `at`, the ones that apply at a point.

    `features` are advice, each with its issuer and the issuer's own level name
    (`issuer_level`, e.g. "Level 4: Do Not Travel"), the defining sentence, the stated
    exceptions and `severity` (1–4, normalised across issuers for colouring and filtering;
    it replaced `level`, which held the same number). `reference_areas` lists zones that are
    not advice (the Peruvian government's VRAEM area) in the same form."""

    queryset = AdvisoryZone.objects.none()

    @extend_schema(operation_id="advisories_list", parameters=[AdvisoryParams],
                   responses={200: OpenApiResponse(ADVISORIES, description="GeoJSON FeatureCollection "
                                                   "of advice, with the reference areas apart")})
    @cached_answer(version=regions_version)
    def get(self, request):
        params = validated(AdvisoryParams, request.query_params)
        zones = advisory_zones_in_force(on=params["on"]).order_by(*ZONE_ORDER)
        if "at" in params:
            zones = zones.filter(geom__intersects=params["at"])
        kind = AdvisoryZone.Kind
        feature = zone_feature(_geometry(params["tolerance"]))
        advice = geojson.features_json(zones.filter(kind=kind.ADVICE), feature)
        # Reference areas (the VRAEM intervention area) are not advice: listed apart.
        reference = json.loads(geojson.features_json(zones.filter(kind=kind.REFERENCE), feature))
        return HttpResponse(
            geojson.feature_collection(advice, on=params["on"].isoformat(), reference_areas=reference),
            content_type=GEOJSON,
        )
