"""A route as a person gives it, turned into a line of (longitude, latitude) points: places
named from the gazetteer, a line drawn on the map ("lon,lat;lon,lat;…"), or an uploaded GPX,
KML or GeoJSON file.

Threat line: anyone (anonymous included) sends these, through /route/ and
/api/v1/route-check/. What they can make the server do is bounded here:
- files: at most ROUTE_UPLOAD_MAX_BYTES (checked before reading), GPX and KML parsed by
  `security.untrusted.parse_xml` (defusedxml, no DTD: no entity expansion, no external
  entity), GeoJSON by `regions.services.geojson_reader` (json + shapely); never GDAL, which
  picks its driver from the content and would open files or URLs a crafted file names;
- at most ROUTE_MAX_POINTS vertices and ROUTE_MAX_STOPS places (each place is a few indexed
  gazetteer queries); coordinates must be finite WGS 84 longitudes and latitudes;
- every refusal is a RouteError naming the parameter; values from the input appear in it
  only as `security.untrusted.excerpt` (escaped, ≤ 40 characters).
"""
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from security.untrusted import UnsafeXML, excerpt, parse_xml

from ..geocoding import geocode
from ..models import AdminArea, Place
from . import geojson_reader
from .geojson_reader import GeoJSONError

# Two candidates of the same name closer than this are one place (INEI lists a district
# capital twice: as the capital and as a populated place, at the same point).
SAME_PLACE_KM = 2.0
# "San Francisco [0505030001]": a gazetteer code in brackets picks that place exactly (the
# choices offered for an ambiguous name are written this way).
_CODED = re.compile(r"^(?P<name>.*?)\s*\[(?P<code>\d{2,12})\]\s*$")
MAX_STOP_CHARS = 200


class RouteError(ValueError):
    """Input that gives no route; `param` names the parameter, `choices` (for ambiguous
    places) lists, per stop, the candidates to choose from."""

    def __init__(self, param: str, message: str, choices: list | None = None):
        super().__init__(message)
        self.param = param
        self.message = message
        self.choices = choices or []


@dataclass
class Stop:
    text: str  # as typed
    name: str
    kind: str
    code: str
    ubigeo: str
    longitude: float
    latitude: float
    areas: list[str] = field(default_factory=list)  # district, province, department names

    @property
    def choice(self) -> str:
        """The text that picks exactly this place: 'San Francisco [0505030001]'."""
        return f"{self.name} [{self.code}]"

    @property
    def label(self) -> str:
        return ", ".join([self.name, *self.areas])


def _check_count(points: list, param: str) -> None:
    if len(points) < 2:
        raise RouteError(param, _("A route needs at least two points, got %(n)d.") % {"n": len(points)})
    if len(points) > settings.ROUTE_MAX_POINTS:
        raise RouteError(param, _("A route has at most %(max)d points (ROUTE_MAX_POINTS), got %(n)d; "
                                  "simplify the line.") % {"max": settings.ROUTE_MAX_POINTS,
                                                           "n": len(points)})


def _check_lon_lat(lon: float, lat: float, param: str, where: str) -> tuple[float, float]:
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise RouteError(param, _("%(where)s: expected longitude in [-180, 180] and latitude in "
                                  "[-90, 90].") % {"where": where})
    return lon, lat


def parse_line_text(text: str, param: str = "line") -> list[tuple[float, float]]:
    """'lon,lat;lon,lat;…' → points. A drawn line arrives in this form."""
    parts = [p for p in text.strip().split(";") if p.strip()]
    if len(parts) > settings.ROUTE_MAX_POINTS:
        _check_count(parts, param)
    points = []
    for number, part in enumerate(parts, 1):
        try:
            lon, lat = (float(v) for v in part.split(","))
        except ValueError:
            raise RouteError(param, _("Point %(n)d: expected lon,lat, got %(value)s.")
                             % {"n": number, "value": excerpt(part)}) from None
        points.append(_check_lon_lat(lon, lat, param, _("Point %(n)d") % {"n": number}))
    _check_count(points, param)
    return points


# --- Files ---------------------------------------------------------------------------------

def _local(tag: str) -> str:
    """'{http://www.topografix.com/GPX/1/1}trkpt' → 'trkpt' (GPX 1.0/1.1 and KML 2.2 alike)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _gpx_points(root) -> list[tuple[float, float]]:
    """Track points (every segment of every track, in file order); else route points."""
    for wanted in ("trkpt", "rtept"):
        points = []
        for element in root.iter():
            if _local(element.tag) == wanted:
                try:
                    lon, lat = float(element.get("lon")), float(element.get("lat"))
                except (TypeError, ValueError):
                    raise RouteError("file", _("GPX point %(n)d has no valid lat/lon attributes.")
                                     % {"n": len(points) + 1}) from None
                points.append(_check_lon_lat(lon, lat, "file", _("GPX point %(n)d") % {"n": len(points) + 1}))
                if len(points) > settings.ROUTE_MAX_POINTS:
                    _check_count(points, "file")
        if points:
            return points
    raise RouteError("file", _("The GPX file holds no track (trkpt) or route (rtept) points."))


def _kml_points(root) -> list[tuple[float, float]]:
    """The coordinates of every LineString, in file order."""
    points = []
    for element in root.iter():
        if _local(element.tag) != "LineString":
            continue
        for child in element:
            if _local(child.tag) != "coordinates":
                continue
            for token in (child.text or "").split():
                values = token.split(",")
                try:
                    lon, lat = float(values[0]), float(values[1])
                except (IndexError, ValueError):
                    raise RouteError("file", _("KML coordinate %(n)d: expected lon,lat[,alt], got "
                                               "%(value)s.") % {"n": len(points) + 1,
                                                               "value": excerpt(token)}) from None
                points.append(_check_lon_lat(lon, lat, "file", _("KML coordinate %(n)d") % {"n": len(points) + 1}))
                if len(points) > settings.ROUTE_MAX_POINTS:
                    _check_count(points, "file")
    if not points:
        raise RouteError("file", _("The KML file holds no LineString."))
    return points


def _geojson_points(data: bytes) -> list[tuple[float, float]]:
    """Every LineString / MultiLineString of the document, in order (a bare geometry too)."""
    document = geojson_reader.parse(data)
    if document.get("type") in ("LineString", "MultiLineString"):
        document = {"type": "Feature", "properties": {}, "geometry": document}
    transform = geojson_reader.to_wgs84(document)
    points = []
    for item in geojson_reader.features(document):
        geometry = geojson_reader.shape(item.geometry, transform)
        if geometry is None or geometry.is_empty:
            continue
        lines = [geometry] if geometry.geom_type == "LineString" else (
            list(geometry.geoms) if geometry.geom_type == "MultiLineString" else [])
        for line in lines:
            points.extend((c[0], c[1]) for c in line.coords)
            if len(points) > settings.ROUTE_MAX_POINTS:
                _check_count(points, "file")
    if not points:
        raise RouteError("file", _("The GeoJSON holds no LineString or MultiLineString."))
    return [_check_lon_lat(x, y, "file", _("GeoJSON point %(n)d") % {"n": n})
            for n, (x, y) in enumerate(points, 1)]


def read_route_file(upload) -> list[tuple[float, float]]:
    """The line of an uploaded GPX, KML or GeoJSON file (told apart by content, not by name).
    Several tracks or lines are joined in file order."""
    size = getattr(upload, "size", None)
    limit = settings.ROUTE_UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise RouteError("file", _("The file is %(size)s bytes; the limit is %(limit)s bytes "
                                   "(ROUTE_UPLOAD_MAX_KB).") % {"size": f"{size:,}", "limit": f"{limit:,}"})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise RouteError("file", _("The file is larger than %(limit)s bytes (ROUTE_UPLOAD_MAX_KB).")
                         % {"limit": f"{limit:,}"})
    if not data.strip():
        raise RouteError("file", _("The file is empty."))
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        if head.startswith(b"<"):
            root = parse_xml(data)
            kind = _local(root.tag).lower()
            if kind == "gpx":
                points = _gpx_points(root)
            elif kind == "kml":
                points = _kml_points(root)
            else:
                raise RouteError("file", _("An XML file must be GPX or KML, not <%(tag)s>.")
                                 % {"tag": excerpt(_local(root.tag))})
        else:
            points = _geojson_points(data)
    except UnsafeXML as error:
        raise RouteError("file", _("The file is refused: %(reason)s.") % {"reason": error}) from None
    except GeoJSONError as error:
        raise RouteError("file", _("The file is not GPX, KML or GeoJSON: %(reason)s.")
                         % {"reason": error}) from None
    _check_count(points, "file")
    return points


# --- Places --------------------------------------------------------------------------------

def _stop(text: str, place_id: int, name: str, kind: str, code: str, ubigeo: str,
          lon: float, lat: float, names: dict) -> Stop:
    areas = [names[u] for u in (ubigeo[:6], ubigeo[:4], ubigeo[:2])
             if len(ubigeo) >= len(u) and u in names and names[u] != name]
    return Stop(text=text, name=name, kind=kind, code=code, ubigeo=ubigeo, longitude=lon,
                latitude=lat, areas=list(dict.fromkeys(areas)))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle km between two (lon, lat): only to tell one place from another."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _candidates(text: str) -> list:
    """Gazetteer candidates as the admin's place search finds them ('Name, district,
    province'), best first; towns rather than area names, one per place."""
    name, *qualifiers = [part.strip() for part in text.split(",") if part.strip()] or [""]
    found = geocode(name, qualifiers=qualifiers[:3], limit=12)
    towns = [c for c in found if c.kind in (Place.Kind.CAPITAL, Place.Kind.POPULATED_PLACE)]
    found = towns or found
    distinct = []
    for candidate in found:  # best first: a later one at the same place is the same place
        here = (candidate.longitude, candidate.latitude)
        if not any(o.name == candidate.name and _km(here, (o.longitude, o.latitude)) < SAME_PLACE_KM
                   for o in distinct):
            distinct.append(candidate)
    return distinct


def resolve_stops(texts: list[str], param: str = "stop") -> list[Stop]:
    """Each text → one gazetteer place. Raises RouteError listing, for every stop that is not
    found or matches several places equally well, the problem and the choices
    ('San Francisco [0505030001]' picks one)."""
    texts = [t.strip() for t in texts if t and t.strip()]
    if len(texts) < 2:
        raise RouteError(param, _("Give at least two places, one per line."))
    if len(texts) > settings.ROUTE_MAX_STOPS:
        raise RouteError(param, _("A route has at most %(max)d places (ROUTE_MAX_STOPS), got %(n)d.")
                         % {"max": settings.ROUTE_MAX_STOPS, "n": len(texts)})
    for text in texts:
        if len(text) > MAX_STOP_CHARS:
            raise RouteError(param, _("A place name has at most %(max)d characters: %(value)s.")
                             % {"max": MAX_STOP_CHARS, "value": excerpt(text)})
    resolved, problems = [], []
    for index, text in enumerate(texts):
        coded = _CODED.match(text)
        if coded:
            place = (Place.objects.filter(code=coded["code"])
                     .exclude(kind__in=Place.AREA_KINDS).order_by("kind").first()
                     or Place.objects.filter(code=coded["code"]).order_by("kind").first())
            if place is None:
                problems.append({"stop": index + 1, "text": text, "problem": "not_found",
                                 "message": _("No gazetteer place has the code %(code)s.") % {"code": coded["code"]},
                                 "choices": []})
                continue
            resolved.append((text, [place]))
            continue
        candidates = _candidates(text)
        if not candidates:
            problems.append({"stop": index + 1, "text": text, "problem": "not_found",
                             "message": _("%(text)s is not in the gazetteer (type at least 3 letters; "
                                          "add its district after a comma).") % {"text": excerpt(text)},
                             "choices": []})
            continue
        best = [c for c in candidates if c.score == candidates[0].score]
        if len(best) > 1:
            problems.append({"stop": index + 1, "text": text, "problem": "ambiguous",
                             "message": _("%(text)s names %(n)d places; choose one, or add its "
                                          "district after a comma.") % {"text": excerpt(text), "n": len(best)},
                             "choices": best})
            continue
        resolved.append((text, [best[0]]))
    # Area names for every place and choice, in one query.
    ubigeos = set()
    for _text, (item,) in resolved:
        ubigeos.add(item.ubigeo)
    for problem in problems:
        ubigeos.update(c.ubigeo for c in problem["choices"])
    prefixes = {u[:n] for u in ubigeos for n in (2, 4, 6) if len(u) >= n}
    names = dict(AdminArea.objects.filter(ubigeo__in=prefixes).values_list("ubigeo", "name"))
    codes = _codes({c.place_id for p in problems for c in p["choices"]}
                   | {item.place_id for _t, (item,) in resolved if not isinstance(item, Place)})
    if problems:
        for problem in problems:
            problem["choices"] = [
                _stop(problem["text"], c.place_id, c.name, c.kind, codes[c.place_id], c.ubigeo,
                      c.longitude, c.latitude, names)
                for c in problem["choices"]
            ]
        raise RouteError(param, "; ".join(p["message"] for p in problems), problems)
    stops = []
    for text, (item,) in resolved:
        if isinstance(item, Place):
            stops.append(_stop(text, item.pk, item.name, item.kind, item.code, item.ubigeo,
                               item.point.x, item.point.y, names))
        else:
            stops.append(_stop(text, item.place_id, item.name, item.kind, codes[item.place_id],
                               item.ubigeo, item.longitude, item.latitude, names))
    return stops


def _codes(place_ids: set[int]) -> dict[int, str]:
    return dict(Place.objects.filter(pk__in=place_ids).values_list("pk", "code")) if place_ids else {}
