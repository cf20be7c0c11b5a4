"""Route check: which advisory zones a route crosses, which districts it passes through (km
inside each) and which incidents lie within N km of it in the last M days.

The route is a line of (longitude, latitude) points (regions.services.route_input reads it
from places, a drawn line or a file); between places it is the geodesic between them
(densified, see DENSIFY_KM), not roads: nothing offline here knows the roads. A drawn or
uploaded line is taken as given.

Each question is one set-based PostGIS statement (three in all), and each uses a spatial
index: zones and districts by `geom && route` (ST_Intersects), incidents by
`location && <the route's bounding box widened by N km>` before the exact geodesic
ST_DWithin on geography (a geography cast alone cannot use the geometry index).
tests/routes/test_route_service.py::test_each_corridor_query_can_use_its_spatial_index
shows the plans. Lengths and distances are geodesic (geography: metres on the WGS 84
spheroid); only "km from the start" of a crossing or incident is the fraction of the route
(ST_LineLocatePoint, in degrees) times its geodesic length, an approximation shown as such.

Read-only: nothing is written, so no acting user is needed.
"""
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON, Intersection
from django.contrib.gis.geos import LineString, Polygon
from django.db.models import Count, F, Value, Window
from pyproj import Geod

from regions.functions import (
    ClosestPoint,
    GeodesicDistance,
    GeodesicDWithin,
    GeodesicLength,
    LineLocatePoint,
    SimplifyPreserveTopology,
    StartPoint,
)
from regions.models import AdminArea
from regions.selectors import ZONE_ORDER, advisory_zones_in_force

from ..selectors import visible_incidents

WGS84 = Geod(ellps="WGS84")
# A crossing shorter than this (a route ending on a border, touching a corner) is no crossing.
MIN_CROSSING_KM = 0.001
OUTLINE_TOLERANCE = 0.0005  # degrees (~50 m): district outlines drawn on the route page


@dataclass
class RouteCheck:
    line: LineString
    length_km: float
    km: float  # corridor half-width
    days: int
    on: date
    since: date
    legs_km: list[float]
    zones: list[dict] = field(default_factory=list)
    districts: list[dict] = field(default_factory=list)
    incidents: list[dict] = field(default_factory=list)
    incidents_count: int = 0

    @property
    def incidents_capped(self) -> bool:
        return self.incidents_count > len(self.incidents)


def geodesic_km(points: list[tuple[float, float]]) -> float:
    lons, lats = zip(*points)
    return WGS84.line_length(lons, lats) / 1000.0


# Between places the route follows the geodesic: a vertex at least every DENSIFY_KM, so that the
# planar intersections PostGIS computes in degrees follow it too (a 65 km segment drawn straight
# in degrees strays up to ~15 m from the geodesic; with 1 km steps, under a metre).
DENSIFY_KM = 1.0


def densified(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The points with intermediate points on the geodesic between each pair (pyproj)."""
    out = [points[0]]
    for (lon1, lat1), (lon2, lat2) in zip(points, points[1:]):
        steps = int(WGS84.inv(lon1, lat1, lon2, lat2)[2] / 1000.0 / DENSIFY_KM)
        if steps > 1:
            out.extend(WGS84.npts(lon1, lat1, lon2, lat2, steps - 1))
        out.append((lon2, lat2))
    return out


def _widened_box(line: LineString, km: float) -> Polygon:
    """The line's bounding box widened by at least `km` on every side: a degree of latitude is
    at least 110.57 km and a degree of longitude at least 111.32 km × cos(latitude) (WGS 84),
    so dividing by 110 and by 111 × cos(the box's highest latitude) never widens too little."""
    xmin, ymin, xmax, ymax = line.extent
    dy = km / 110.0
    top = min(89.0, max(abs(ymin), abs(ymax)) + dy)
    dx = min(360.0, km / (111.0 * math.cos(math.radians(top))))
    return Polygon.from_bbox((max(-180.0, xmin - dx), max(-90.0, ymin - dy),
                              min(180.0, xmax + dx), min(90.0, ymax + dy)))


def zones_crossed(line: LineString, *, on: date):
    """Advisory zones in force on `on` that the line crosses, strictest first, each with
    `km_inside` (geodesic) and `from_fraction` (where along the line it first enters)."""
    inside = Intersection("geom", line)
    return (
        advisory_zones_in_force(on=on)
        .filter(geom__intersects=line)
        .annotate(km_inside=GeodesicLength(inside) / 1000.0,
                  from_fraction=LineLocatePoint(line, ClosestPoint(inside, StartPoint(line))))
        .order_by(*ZONE_ORDER)
    )


def districts_crossed(line: LineString, *, outlines: bool = False):
    """Districts the line passes through, each with `km_inside` and `from_fraction`, in the
    order the line enters them; with `outlines`, their simplified outline as GeoJSON text."""
    inside = Intersection("geom", line)
    query = (
        AdminArea.objects.filter(level=AdminArea.Level.DISTRICT, geom__intersects=line)
        .annotate(km_inside=GeodesicLength(inside) / 1000.0,
                  from_fraction=LineLocatePoint(line, ClosestPoint(inside, StartPoint(line))),
                  province_name=F("parent__name"), department_name=F("parent__parent__name"))
    )
    if outlines:
        query = query.annotate(outline=AsGeoJSON(SimplifyPreserveTopology("geom", OUTLINE_TOLERANCE),
                                                 precision=5))
    return query.order_by("from_fraction", "ubigeo")


INCIDENT_FIELDS = ("id", "title", "occurred_on", "event_type", "sub_event_type", "fatalities",
                   "geo_precision", "location_name", "district__ubigeo", "district__name")


def incidents_near(line: LineString, *, km: float, since: date, on: date, limit: int):
    """Published incidents of public datasets (what an anonymous reader sees; synthetic ones
    never) within `km` (geodesic) of the line between `since` and `on`, in route order, each
    with `distance_km`, `fraction` and `total` (how many matched, before the limit)."""
    route = Value(line, output_field=GeometryField(srid=4326))
    return (
        visible_incidents(AnonymousUser())
        .filter(is_synthetic=False, occurred_on__gte=since, occurred_on__lte=on)
        .filter(location__bboverlaps=_widened_box(line, km))  # the index narrows…
        .filter(GeodesicDWithin("location", route, km * 1000.0))  # …the spheroid decides
        .annotate(distance_km=GeodesicDistance("location", route) / 1000.0,
                  fraction=LineLocatePoint(line, "location"),
                  total=Window(Count("id")))
        .order_by("fraction", "occurred_on", "id")
        .values(*INCIDENT_FIELDS, "location", "distance_km", "fraction", "total")[:limit]
    )


def route_check(*, points: list[tuple[float, float]], km: float, days: int,
                on: date | None = None, legs: list[int] | None = None,
                outlines: bool = False) -> RouteCheck:
    """Check the route through `points` (longitude, latitude). `legs`: indexes of the points
    that are stops (the km of each leg between them is reported); `outlines`: district
    outlines too (for the page's map)."""
    on = on or date.today()
    stops = legs or []
    line = LineString(densified(points) if stops else points, srid=4326)
    length = geodesic_km(points)
    check = RouteCheck(
        line=line, length_km=length, km=km, days=days, on=on, since=on - timedelta(days=days),
        legs_km=[geodesic_km(points[a:b + 1]) for a, b in zip(stops, stops[1:])],
    )
    for zone in zones_crossed(line, on=on):
        if zone.km_inside >= MIN_CROSSING_KM:
            check.zones.append({
                "zone": zone, "km_inside": zone.km_inside,
                "share": min(1.0, zone.km_inside / length) if length else 0.0,
                "from_km": (zone.from_fraction or 0.0) * length,
            })
    for area in districts_crossed(line, outlines=outlines):
        if area.km_inside >= MIN_CROSSING_KM:
            check.districts.append({
                "area": area, "km_inside": area.km_inside,
                "from_km": (area.from_fraction or 0.0) * length,
                "outline": getattr(area, "outline", None),
            })
    rows = list(incidents_near(line, km=km, since=check.since, on=on,
                               limit=settings.ROUTE_MAX_INCIDENTS))
    check.incidents_count = rows[0]["total"] if rows else 0
    for row in rows:
        point = row.pop("location")
        row.pop("total")
        row["longitude"], row["latitude"] = point.x, point.y
        row["along_km"] = row.pop("fraction") * length
        check.incidents.append(row)
    return check
