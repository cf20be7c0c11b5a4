"""/route/: check a route before a trip (incidents.services.routes), on a map and as a
printable page.

GET with `stops` (one place per line) or `line` (drawn on the map: lon,lat;lon,lat;…) makes a
shareable link; POST sends a GPX/KML/GeoJSON file (a form with its CSRF token). Parameters are
validated by the API's serializer (incidents.api.routes), so page and API accept and refuse the
same input.

Threat line: anyone may use it; the "pages" rate applies to every request, and every check
counts against the client's `route_checks` work rate (API_ROUTE_CHECK_RATE) shared with the
API. The map is built per request (a route is not worth caching). Place names, zone wording and
incident titles reach the page through Django's autoescaping and the map through
map_elements.escape.
"""
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from incidents.api.routes import STRAIGHT_LINES_NOTE, RouteCheckBody, run_check
from regions.selectors import advisory_zones_geojson
from regions.services.route_input import RouteError
from security.throttling import WorkRateThrottle

from .. import maps
from ..map_cache import render_parts
from ..throttle import throttled_page, too_many_requests
from .incidents import render_map

DEFAULT_KM, DEFAULT_DAYS = 10, 365


def _data(request) -> dict | None:
    """The route parameters sent, as the API's serializer takes them; None: nothing sent."""
    source = request.POST if request.method == "POST" else request.GET
    data = {key: source[key] for key in ("line", "km", "days") if source.get(key, "").strip()}
    stops = [line.strip() for line in source.get("stops", "").splitlines() if line.strip()]
    if stops:
        data["stop"] = stops
    if request.method == "POST" and "file" in request.FILES:
        data["file"] = request.FILES["file"]
    return data if {"stop", "line", "file"} & set(data) else None


def _choice_links(request, error: RouteError) -> list[dict]:
    """For each ambiguous or unknown place: the choices, each a link that puts the chosen
    place ('San Francisco [0505030001]') in that line of the route."""
    stops = [line.strip() for line in request.GET.get("stops", "").splitlines() if line.strip()]
    query = request.GET.copy()
    problems = []
    for problem in error.choices:
        links = []
        for choice in problem["choices"]:
            chosen = list(stops)
            if 0 < problem["stop"] <= len(chosen):
                chosen[problem["stop"] - 1] = choice.choice
            query["stops"] = "\n".join(chosen)
            links.append({"choice": choice, "url": f"{reverse('route-check')}?{query.urlencode()}"})
        problems.append({**problem, "links": links})
    return problems


@throttled_page()
def route_check_page(request):
    data = _data(request)
    context = {
        "stops_text": request.GET.get("stops", "") if request.method == "GET" else request.POST.get("stops", ""),
        "line_text": (request.GET if request.method == "GET" else request.POST).get("line", ""),
        "km": DEFAULT_KM, "days": DEFAULT_DAYS,
        "max_km": settings.ROUTE_MAX_KM, "max_days": settings.ROUTE_MAX_DAYS,
        "max_stops": settings.ROUTE_MAX_STOPS, "max_upload_kb": settings.ROUTE_UPLOAD_MAX_BYTES // 1024,
        "straight_lines_note": STRAIGHT_LINES_NOTE,
    }
    check, stops, source, status = None, [], None, 200
    if data is not None:
        params = RouteCheckBody(data=data)
        if not params.is_valid():
            context["errors"] = [f"{name}: {' '.join(str(m) for m in messages)}"
                                 for name, messages in params.errors.items()]
            status = 400
        else:
            context["km"], context["days"] = params.validated_data["km"], params.validated_data["days"]
            throttle = WorkRateThrottle("route_checks")
            if not throttle.allow_request(request, None):
                return too_many_requests(throttle.wait())
            try:
                check, stops, source = run_check(params.validated_data, outlines=True)
            except RouteError as error:
                context["errors"] = [error.message] if not error.choices else []
                context["problems"] = _choice_links(request, error)
                status = 400
    parts = render_parts(maps.route_map(
        advisory_zones=advisory_zones_geojson(), check=check, stops=stops,
        config={"lineInput": "id_line", "labels": {
            "points": _("Points drawn: %(n)s"), "draw": _("Draw on the map"),
            "stop": _("Stop drawing")}},
    ))
    context.update(check=check, stops=stops, source=source)
    response = render_map(request, "routes/check.html", parts, context)
    response.status_code = status
    return response
