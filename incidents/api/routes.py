"""/api/v1/route-check/: the route check (incidents.services.routes) through the API.

GET with `stop` (repeated: gazetteer places, in order) or `line` (lon,lat;lon,lat;…); POST the
same as JSON or a form, or a GPX/KML/GeoJSON `file` (multipart). `km` and `days` bound the
incidents listed.

Threat line: anyone may call it. Parameters are validated here (km ≤ ROUTE_MAX_KM, days ≤
ROUTE_MAX_DAYS, text without NUL or lone surrogates), the route's size in
regions.services.route_input (points, places, upload bytes, safe XML), and every check counts
against the client's `route_checks` work rate (API_ROUTE_CHECK_RATE, shared with the /route/
page) besides the anonymous request rate.
"""
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from regions.services.route_input import RouteError, parse_line_text, read_route_file, resolve_stops
from security.throttling import check_work_rate

from ..services.routes import RouteCheck, geodesic_km, route_check

MIN_ROUTE_KM = 0.01
STRAIGHT_LINES_NOTE = _("Straight lines between the places, not roads.")


def _printable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise serializers.ValidationError(_("Expected text without lone surrogate characters.")) from None
    return value


class RouteCheckQuery(serializers.Serializer):
    stop = serializers.ListField(
        child=serializers.CharField(max_length=200, validators=[_printable]), required=False,
        max_length=settings.ROUTE_MAX_STOPS,
        help_text=f"A place of the route, in order (repeat: stop=Huanta&stop=Pichari; at most "
        f"{settings.ROUTE_MAX_STOPS}). A name as the gazetteer knows it, optionally followed by its "
        "district or province after a comma ('San Francisco, Ayna'), or a choice offered for an "
        "ambiguous name ('San Francisco [0505030001]'). Between places the route is the straight "
        "geodesic line, not the road.",
    )
    line = serializers.CharField(
        required=False, max_length=40 * settings.ROUTE_MAX_POINTS,
        help_text=f"The route as lon,lat;lon,lat;… (WGS 84, at most {settings.ROUTE_MAX_POINTS} "
        "points), e.g. a line drawn on a map. Give stop or line (or, with POST, file).",
    )
    km = serializers.FloatField(
        required=False, default=10, min_value=0, max_value=settings.ROUTE_MAX_KM,
        help_text=f"Incidents within this many km of the route (geodesic; at most {settings.ROUTE_MAX_KM}).",
    )
    days = serializers.IntegerField(
        required=False, default=365, min_value=1, max_value=settings.ROUTE_MAX_DAYS,
        help_text=f"Incidents of the last this many days (at most {settings.ROUTE_MAX_DAYS}).",
    )

    def validate(self, attrs):
        given = [name for name in ("stop", "line", "file") if attrs.get(name)]
        if len(given) != 1:
            raise serializers.ValidationError({"stop": [_(
                "Give the route one way: stop (places, repeated), line (lon,lat;lon,lat;…) or, "
                "with POST, file (GPX, KML or GeoJSON).")]})
        return attrs


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file field documented as the bytes of a multipart part (drf-spectacular would say
    "uri" unless requests and responses were split for the whole schema)."""


class RouteCheckBody(RouteCheckQuery):
    file = UploadField(
        required=False, allow_empty_file=False,
        help_text=f"A GPX (tracks or routes), KML (LineStrings) or GeoJSON (LineString, "
        f"MultiLineString) file of at most {settings.ROUTE_UPLOAD_MAX_BYTES // 1024} KB "
        "(ROUTE_UPLOAD_MAX_KB); several lines are joined in file order. XML with a DTD or "
        "entities is refused.",
    )


def route_from(params: dict) -> tuple[list[tuple[float, float]], list, str]:
    """(points, stops, source) of validated parameters; RouteError on a bad route."""
    if params.get("stop"):
        stops = resolve_stops(params["stop"])
        return [(s.longitude, s.latitude) for s in stops], stops, "places"
    if params.get("line"):
        return parse_line_text(params["line"]), [], "line"
    return read_route_file(params["file"]), [], "file"


def run_check(params: dict, *, outlines: bool = False) -> tuple[RouteCheck, list, str]:
    points, stops, source = route_from(params)
    if geodesic_km(points) < MIN_ROUTE_KM:  # refused before any corridor query
        raise RouteError(next(k for k in ("stop", "line", "file") if params.get(k)),
                         _("The route is shorter than %(m)d m; give two different places or points.")
                         % {"m": int(MIN_ROUTE_KM * 1000)})
    check = route_check(points=points, km=params["km"], days=params["days"],
                        legs=list(range(len(points))) if stops else None, outlines=outlines)
    return check, stops, source


def _round(value: float, digits: int = 3) -> float:
    return round(float(value), digits)


def check_json(check: RouteCheck, stops: list, source: str) -> dict:
    return {
        "route": {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[_round(x, 6), _round(y, 6)]
                                                               for x, y in check.line.coords]},
            "properties": {"source": source, "length_km": _round(check.length_km),
                           "legs_km": [_round(v) for v in check.legs_km],
                           "note": str(STRAIGHT_LINES_NOTE) if source == "places" else ""},
        },
        "stops": [{"text": s.text, "name": s.name, "kind": s.kind, "code": s.code,
                   "ubigeo": s.ubigeo, "areas": s.areas,
                   "longitude": _round(s.longitude, 6), "latitude": _round(s.latitude, 6)}
                  for s in stops],
        "km": check.km, "days": check.days,
        "date_from": check.since.isoformat(), "date_to": check.on.isoformat(),
        "zones": [{"slug": row["zone"].slug, "name": row["zone"].name, "kind": row["zone"].kind,
                   "issuer": row["zone"].issuer, "issuer_level": row["zone"].issuer_level,
                   "severity": row["zone"].severity, "km_inside": _round(row["km_inside"]),
                   "share": _round(row["share"]), "from_km": _round(row["from_km"], 1)}
                  for row in check.zones],
        "districts": [{"ubigeo": row["area"].ubigeo, "name": row["area"].name,
                       "province": row["area"].province_name,
                       "department": row["area"].department_name,
                       "km_inside": _round(row["km_inside"]), "from_km": _round(row["from_km"], 1)}
                      for row in check.districts],
        "incidents": {
            "count": check.incidents_count,
            "features": [{
                "type": "Feature", "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [_round(row["longitude"], 6),
                                                              _round(row["latitude"], 6)]},
                "properties": {
                    "id": row["id"], "title": row["title"], "occurred_on": row["occurred_on"].isoformat(),
                    "event_type": row["event_type"], "sub_event_type": row["sub_event_type"],
                    "fatalities": row["fatalities"], "geo_precision": row["geo_precision"],
                    "location_name": row["location_name"], "district": row["district__ubigeo"],
                    "district_name": row["district__name"],
                    "distance_km": _round(row["distance_km"]), "along_km": _round(row["along_km"], 1),
                    "url": reverse("incident", args=[row["id"]]),
                }} for row in check.incidents],
        },
    }


def error_json(error: RouteError) -> dict:
    body = {error.param: [error.message]}
    if error.choices:
        body["choices"] = [{
            "stop": problem["stop"], "text": problem["text"], "problem": problem["problem"],
            "choices": [{"value": c.choice, "name": c.name, "kind": c.kind, "ubigeo": c.ubigeo,
                         "areas": c.areas, "longitude": _round(c.longitude, 6),
                         "latitude": _round(c.latitude, 6)} for c in problem["choices"]],
        } for problem in error.choices]
    return body


_NUMBER = {"type": "number"}
_STRING = {"type": "string"}
ROUTE_CHECK = {
    "type": "object", "required": ["route", "stops", "km", "days", "zones", "districts", "incidents"],
    "properties": {
        "route": {"type": "object", "description": "GeoJSON Feature: the route's LineString, "
                  "length_km (geodesic), legs_km between places, source (places, line, file)"},
        "stops": {"type": "array", "items": {"type": "object", "properties": {
            "text": _STRING, "name": _STRING, "kind": _STRING, "code": _STRING, "ubigeo": _STRING,
            "areas": {"type": "array", "items": _STRING}, "longitude": _NUMBER, "latitude": _NUMBER}}},
        "km": _NUMBER, "days": {"type": "integer"},
        "date_from": {"type": "string", "format": "date"}, "date_to": {"type": "string", "format": "date"},
        "zones": {"type": "array", "description": "Advisory zones in force crossed, strictest "
                  "first: issuer, the issuer's own wording, km inside (geodesic), share of the "
                  "route, km from the start where the route first enters (approximate)",
                  "items": {"type": "object", "properties": {
                      "slug": _STRING, "name": _STRING, "kind": _STRING, "issuer": _STRING,
                      "issuer_level": _STRING, "severity": {"type": "integer", "nullable": True},
                      "km_inside": _NUMBER, "share": _NUMBER, "from_km": _NUMBER}}},
        "districts": {"type": "array", "description": "Districts passed through, in route order",
                      "items": {"type": "object", "properties": {
                          "ubigeo": _STRING, "name": _STRING, "province": _STRING,
                          "department": _STRING, "km_inside": _NUMBER, "from_km": _NUMBER}}},
        "incidents": {"type": "object", "description": "Published incidents (public datasets) "
                      f"within km of the route in the last days, in route order (at most "
                      f"ROUTE_MAX_INCIDENTS, default {settings.ROUTE_MAX_INCIDENTS}; count: all matches)",
                      "properties": {"count": {"type": "integer"},
                                     "features": {"type": "array", "items": {"type": "object"}}}},
    },
}
_RESPONSES = {
    200: OpenApiResponse(ROUTE_CHECK),
    400: OpenApiResponse(description="A bad parameter, named; an ambiguous or unknown place "
                         "also lists `choices` per stop (value: the text that picks it)."),
}


class RouteCheckView(APIView):
    """Which advisory zones a route crosses (issuer, wording, km inside), which districts it
    passes through (km in each) and which published incidents lie within `km` of it in the
    last `days` days. Distances are geodesic; between places the route is the straight line."""

    permission_classes = [AllowAny]  # a read: POST only because a file or long line is sent
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(operation_id="route_check", parameters=[RouteCheckQuery], responses=_RESPONSES)
    def get(self, request):
        data = {key: request.query_params[key] for key in ("line", "km", "days") if key in request.query_params}
        if "stop" in request.query_params:
            data["stop"] = request.query_params.getlist("stop")
        return self._answer(request, RouteCheckQuery(data=data))

    @extend_schema(operation_id="route_check_post", request={
        "application/json": RouteCheckQuery, "multipart/form-data": RouteCheckBody,
        "application/x-www-form-urlencoded": RouteCheckQuery}, responses=_RESPONSES)
    def post(self, request):
        data = request.data
        if hasattr(data, "getlist"):  # a form: stop may repeat
            values = {key: data[key] for key in ("line", "km", "days", "file") if key in data}
            if "stop" in data:
                values["stop"] = data.getlist("stop")
            data = values
        elif not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        return self._answer(request, RouteCheckBody(data=data))

    def _answer(self, request, params):
        params.is_valid(raise_exception=True)
        check_work_rate(request, self, "route_checks")
        try:
            check, stops, source = run_check(params.validated_data)
        except RouteError as error:
            return Response(error_json(error), status=400)
        return Response(check_json(check, stops, source))
