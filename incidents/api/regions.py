"""One area with its incident counts: served by incidents, which builds on regions (the
outline and its simplification come from regions.api)."""
import json

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from core.openapi import counts_schema, feature_schema, with_properties
from core.params import validated
from regions import geojson
from regions.api.params import RegionDetailParams
from regions.api.views import GEOJSON, area_feature
from regions.models import AdminArea

from ..selectors import casualty_totals, counts_by_event_type, filter_incidents, visible_incidents


_COUNTS = counts_schema()["properties"]
REGION_FEATURE = with_properties(
    feature_schema(AdminArea, area_feature(0), "MultiPolygon"),
    period={"type": "object", "properties": {"from": {"type": "string", "format": "date", "nullable": True},
                                             "to": {"type": "string", "format": "date", "nullable": True}}},
    incident_count=_COUNTS["incidents"], fatalities=_COUNTS["fatalities"], injuries=_COUNTS["injuries"],
    by_event_type={"type": "object", "additionalProperties": {"type": "integer"},
                   "description": "Incidents by ACLED event type"},
)


class RegionDetailView(APIView):
    """One area with its incident counts (published incidents) for a period."""

    queryset = AdminArea.objects.none()

    @extend_schema(operation_id="regions_retrieve", parameters=[RegionDetailParams],
                   responses={200: OpenApiResponse(REGION_FEATURE, description="GeoJSON Feature")})
    def get(self, request, ubigeo):
        params = validated(RegionDetailParams, request.query_params)
        area = AdminArea.objects.filter(ubigeo=ubigeo).first()
        if area is None:
            raise Http404(_("No area with ubigeo %(ubigeo)r.") % {"ubigeo": ubigeo})
        filters = {"region": area, **{k: params[k] for k in ("date_from", "date_to") if k in params}}
        counted = filter_incidents(visible_incidents(request.user), filters)
        totals = counted.aggregate(**casualty_totals())
        by_type = {row["event_type"]: row["incidents"] for row in counts_by_event_type(counted)}
        text = geojson.feature_json(
            AdminArea.objects.filter(pk=area.pk), area_feature(params["tolerance"])
        )
        # Counts are a few numbers: added in Python to the database-built feature.
        feature = json.loads(text)
        feature["properties"].update(
            {
                "period": {"from": params.get("date_from"), "to": params.get("date_to")},
                "incident_count": totals["incidents"],
                "fatalities": totals["fatalities"],
                "injuries": totals["injuries"],
                "by_event_type": by_type,
            }
        )
        return HttpResponse(json.dumps(feature, default=str), content_type=GEOJSON)
