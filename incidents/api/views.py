from django.conf import settings
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core.answer_cache import cached_answer
from core.openapi import OneDocumentSchema, counts_schema, feature_collection_schema, feature_schema
from core.params import validated
from regions import geojson
from security.throttling import check_work_rate
from regions.models import AdminArea

from .. import tiles
from ..models import Incident
from ..month_counts import stats_from_counts
from ..selectors import (
    casualty_totals,
    counts_by_event_type,
    counts_by_month,
    date_extent,
    filter_incidents,
    hides_restricted,
    sees_unpublished,
    left_out,
    visible_incidents,
)
from ..services.incidents import EditConflict, incident_delete
from ..tiles import data_version
from . import exports
from .features import incident_feature
from .params import IncidentFilterParams, IncidentListParams
from .serializers import IncidentSerializer

# The typed OpenAPI schemas of the GeoJSON answers, read from the feature expression itself.
INCIDENT_FEATURE = feature_schema(Incident, incident_feature(), "Point", "integer")
INCIDENT_PAGE = feature_collection_schema(
    INCIDENT_FEATURE, count={"type": "integer", "description": "Matches (at most count_max)"},
    page={"type": "integer"}, page_size={"type": "integer"},
    next={"type": "string", "format": "uri", "nullable": True},
    previous={"type": "string", "format": "uri", "nullable": True},
    count_capped={"type": "boolean", "description": "Only with count_max: more matched than count"},
    left_out={"type": "object", "description": "Only with min_fatalities: what the filters leave "
              "out without saying so. unknown_fatalities: incidents that match every other filter "
              "but whose fatalities are unknown (NULL is not 'at least 0'); with count_max, at most "
              "count_max.",
              "required": ["unknown_fatalities"],
              "properties": {"unknown_fatalities": {"type": "integer"}}},
    extent={"type": "object", "description": "Only when count is 0: the oldest and newest date "
            "(YYYY-MM-DD) of the incidents that match every filter but date_from and date_to, "
            "or null when none does at any date.",
            "required": ["oldest", "newest"],
            "properties": {"oldest": {"type": "string", "format": "date", "nullable": True},
                           "newest": {"type": "string", "format": "date", "nullable": True}}},
)

GEOJSON = "application/geo+json"


def _page_link(request, page: int) -> str:
    """The same request's URL for another page: every value of a repeated filter kept
    (QueryDict.urlencode; urllib's urlencode would keep only the last one)."""
    query = request.query_params.copy()
    query["page"] = page
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class IncidentViewSet(viewsets.ModelViewSet):
    """Incidents as GeoJSON. Reads are public (published only); writes need model permissions."""

    queryset = Incident.objects.all()  # for DjangoModelPermissions; reads use visible_incidents
    serializer_class = IncidentSerializer
    lookup_value_regex = r"\d{1,18}"  # longer cannot be an id (bigint); the router gives 404
    schema = OneDocumentSchema()  # `list` answers one FeatureCollection

    def get_queryset(self):
        return visible_incidents(self.request.user)

    def _feature_response(self, queryset, pk, status_code=status.HTTP_200_OK):
        text = geojson.feature_json(queryset.filter(pk=pk), incident_feature())
        if text is None:
            raise Http404
        return HttpResponse(text, content_type=GEOJSON, status=status_code)

    @extend_schema(
        operation_id="api_v1_incidents_list", parameters=[IncidentListParams],
        responses={200: OpenApiResponse(INCIDENT_PAGE, description="GeoJSON FeatureCollection "
                                        "with count, next and previous (format=json); with "
                                        "format=csv, geojson, gpkg or kml, a download of every match.")},
    )
    @cached_answer(version=lambda: data_version(published_only=True))
    def list(self, request, *args, **kwargs):
        params = validated(IncidentListParams, request.query_params)
        ordering = [params["ordering"]] + ([] if params["ordering"].lstrip("-") == "id" else ["-id"])
        queryset = filter_incidents(self.get_queryset(), params).order_by(*ordering)
        if params["format"] != "json":
            self._check_download(request, queryset)
        if params["format"] == "csv":
            return exports.csv_response(queryset, hxl=params["hxl"])
        if params["format"] == "geojson":
            return exports.geojson_response(queryset)
        if params["format"] in exports.FILE_TYPES:
            return exports.file_response(queryset, format=params["format"])
        page, size = params["page"], params["page_size"]
        extra = {}
        if "count_max" in params:
            # The pre-counted cells wholly inside the box may already hold more than count_max
            # (incidents.tiles.count_at_least); else counting stops after count_max + 1 rows:
            # "more than N" costs N rows, not all.
            at_least = None if page > 1 or size else tiles.count_at_least(
                params, published_only=not sees_unpublished(request.user),
                hide_restricted=hides_restricted(request.user), enough=params["count_max"] + 1)
            if at_least is not None and at_least > params["count_max"]:
                count = at_least
            else:
                count = queryset.order_by()[: params["count_max"] + 1].count()
            extra["count_capped"] = count > params["count_max"]
            count = min(count, params["count_max"])
        else:
            count = queryset.count()
        # Say what the filters leave out and, for an empty answer, where the data is (#19 part 4).
        extra.update(left_out=left_out(self.get_queryset(), params, cap=params.get("count_max")) or None)
        if count == 0:
            extent = date_extent(self.get_queryset(), params)
            extra["extent"] = {k: v and v.isoformat() for k, v in extent.items()}
        extra = {k: v for k, v in extra.items() if v is not None}
        features = (
            geojson.features_json(queryset[(page - 1) * size : page * size], incident_feature()) if size else "[]"
        )
        body = geojson.feature_collection(
            features,
            count=count,
            page=page,
            page_size=size,
            next=_page_link(request, page + 1)
            if size and (page * size < count or extra.get("count_capped")) else None,
            previous=_page_link(request, page - 1) if page > 1 else None,
            **extra,
        )
        return HttpResponse(body, content_type=GEOJSON)

    def _check_download(self, request, queryset) -> None:
        """Threat line: anyone may ask for a whole download (every match, synthetic rows too,
        streamed row by row through Python) as one request. Downloads have their own low rate
        (`exports`, API_EXPORT_RATE); an anonymous one holds at most EXPORT_MAX_ROWS_ANON rows,
        counted with a LIMIT (the check costs at most that many rows, not the whole table).
        Refused rather than cut short: a truncated file is easily taken for the whole."""
        check_work_rate(request, self, "exports")
        if request.user.is_authenticated:
            return
        limit = settings.EXPORT_MAX_ROWS_ANON
        if queryset.order_by()[: limit + 1].count() > limit:
            raise serializers.ValidationError({"format": [
                _("An anonymous download holds at most %(limit)s incidents (EXPORT_MAX_ROWS_ANON) and these filters match more: narrow them (date_from, date_to, region, bbox, event_type, synthetic=exclude) or download with an API token.") % {"limit": f"{limit:,}"}]})

    @extend_schema(responses={200: OpenApiResponse(INCIDENT_FEATURE, description="GeoJSON Feature")})
    def retrieve(self, request, *args, **kwargs):
        return self._feature_response(self.get_queryset(), kwargs["pk"])

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = serializer.save()
        # The writer sees what was written, whatever its status.
        return self._feature_response(Incident.objects.all(), incident.pk, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(
            self.get_object(), data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        try:
            incident = serializer.save()
        except EditConflict as conflict:
            return Response({"detail": str(conflict), "current_version": conflict.incident.version,
                             "changes": conflict.changes}, status=status.HTTP_409_CONFLICT)
        return self._feature_response(Incident.objects.all(), incident.pk)

    def destroy(self, request, *args, **kwargs):
        try:
            incident_delete(user=request.user, incident=self.get_object())
            return Response(status=status.HTTP_204_NO_CONTENT)
        except ProtectedError:
            return Response({"detail": _("Merged duplicates point to this incident; archive it instead.")}, status=status.HTTP_409_CONFLICT)


class StatsParams(IncidentFilterParams):
    level = serializers.ChoiceField(
        choices=AdminArea.Level.values, required=False, default=AdminArea.Level.DEPARTMENT,
        help_text="Administrative level of the by_region breakdown.",
    )


STATS = {"type": "object", "required": ["total", "by_month", "by_event_type", "by_region"],
         "properties": {
             "total": counts_schema(),
             "by_month": {"type": "array", "items": counts_schema(
                 month={"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "YYYY-MM"})},
             "by_event_type": {"type": "array", "items": counts_schema(event_type={"type": "string"})},
             "by_region": {"type": "array", "items": counts_schema(
                 ubigeo={"type": "string"}, name={"type": "string"})},
         }}


def live_stats(incidents, level: str) -> dict:
    """StatsView's answer counted from the incidents themselves (every filter)."""
    totals = casualty_totals()
    return {
        "total": incidents.aggregate(**totals),
        "by_month": [
            {**row, "month": row["month"].strftime("%Y-%m")} for row in counts_by_month(incidents)
        ],
        "by_event_type": list(counts_by_event_type(incidents)),
        "by_region": [
            {"ubigeo": row[f"{level}__ubigeo"], "name": row[f"{level}__name"], **{
                k: row[k] for k in totals}}
            for row in incidents.exclude(**{f"{level}__isnull": True})
            .values(f"{level}__ubigeo", f"{level}__name").annotate(**totals)
            .order_by(f"{level}__ubigeo")
        ],
    }


class StatsView(APIView):
    """Counts and casualties by month, event type and region, for the incident filters."""

    queryset = Incident.objects.none()  # read-only: anonymous allowed

    @extend_schema(parameters=[StatsParams], responses={200: OpenApiResponse(STATS)})
    @cached_answer(version=lambda: data_version(published_only=True))
    def get(self, request):
        params = validated(StatsParams, request.query_params)
        incidents = filter_incidents(visible_incidents(request.user), params)
        # From the month counts when the filters allow (equal to the live counts), else live.
        counted = stats_from_counts(incidents, params, published_only=not sees_unpublished(request.user),
                                    hide_restricted=hides_restricted(request.user))
        if counted is not None:
            return Response(counted)
        return Response(live_stats(incidents, params["level"]))
