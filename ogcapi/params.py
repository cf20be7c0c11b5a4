"""The query parameters of /ogc/…/items, checked by hand because OGC names them with hyphens
(`bbox-crs`). A bad one is a 400 naming it and the accepted form (DRF ValidationError), as
everywhere in the API.

Threat line: any stranger sends these. `limit` is clamped to ITEMS_MAX_LIMIT (OGC permits it;
QGIS and GDAL ask for large pages), `offset` is bounded, `bbox` is four finite numbers within
WGS 84, `datetime` one or two ISO dates; every query is one indexed statement.
"""
import math
import re
from datetime import date, datetime

from django.conf import settings
from django.contrib.gis.geos import Polygon
from rest_framework.exceptions import ValidationError

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
COMMON = {"f", "limit", "offset", "bbox", "bbox-crs", "datetime"}
MAX_OFFSET = 10**7
FORMATS = ("json", "html")


def _error(name: str, message: str):
    raise ValidationError({name: [message]})


def output_format(request) -> str:
    """`f=json|html`; without it, HTML only for clients that ask for it first (browsers)."""
    wanted = request.query_params.get("f")
    if wanted is not None:
        if wanted not in FORMATS:
            _error("f", f"Expected one of {', '.join(FORMATS)}, got {wanted[:50]!r}.")
        return wanted
    accept = request.META.get("HTTP_ACCEPT", "")
    return "html" if accept.startswith("text/html") else "json"


def limit(value: str | None) -> int:
    if value is None:
        return settings.OGC_ITEMS_DEFAULT_LIMIT
    if not re.fullmatch(r"\d{1,9}", value) or int(value) < 1:
        _error("limit", f"Expected a whole number of at least 1, got {value[:50]!r}.")
    return min(int(value), settings.OGC_ITEMS_MAX_LIMIT)


def offset(value: str | None) -> int:
    if value is None:
        return 0
    if not re.fullmatch(r"\d{1,9}", value) or int(value) > MAX_OFFSET:
        _error("offset", f"Expected a whole number from 0 to {MAX_OFFSET}, got {value[:50]!r}.")
    return int(value)


def bbox(value: str | None, crs: str | None) -> Polygon | None:
    """`minx,miny,maxx,maxy` (or six numbers with heights, ignored) in `bbox-crs`: CRS84
    (longitude, latitude; the default) or EPSG:4326, whose axis order is latitude,
    longitude — converted here, the one place, to (lon, lat)."""
    if crs is not None and crs not in (CRS84, EPSG_4326):
        _error("bbox-crs", f"Expected {CRS84} or {EPSG_4326}, got {crs[:100]!r}.")
    if value is None:
        if crs is not None:
            _error("bbox-crs", "bbox-crs needs a bbox.")
        return None
    form = "bbox=minlon,minlat,maxlon,maxlat (CRS84) with longitude in [-180, 180] and latitude in [-90, 90]"
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        _error("bbox", f"Expected {form}, got {value[:100]!r}.")
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if crs == EPSG_4326:
        numbers = [numbers[1], numbers[0], numbers[3], numbers[2]]
    minlon, minlat, maxlon, maxlat = numbers
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= 90 and -90 <= maxlat <= 90):
        _error("bbox", f"Expected {form}, got {value[:100]!r}.")
    if minlon > maxlon or minlat > maxlat:
        # OGC allows minlon > maxlon across the antimeridian; nothing here is near it.
        _error("bbox", f"Expected minlon <= maxlon and minlat <= maxlat, got {value[:100]!r}.")
    return Polygon.from_bbox((minlon, minlat, maxlon, maxlat))


def _day(text: str) -> date | None:
    if text in ("..", ""):
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        _error("datetime", "Expected an RFC 3339 date or date-time, or an interval start/end with "
               f"'..' for an open end (2018-06-01/2018-06-30, ../2018-06-30), got {text[:60]!r}.")


def interval(value: str | None) -> tuple[date | None, date | None] | None:
    """`datetime`: an instant or an interval, to whole days (the data are days)."""
    if value is None:
        return None
    parts = value.split("/")
    if len(parts) > 2 or value in ("..", "../..", "/"):
        _error("datetime", f"Expected an instant or one interval start/end, got {value[:60]!r}.")
    if len(parts) == 1:
        day = _day(parts[0])
        return day, day
    start, end = _day(parts[0]), _day(parts[1])
    if start and end and start > end:
        _error("datetime", f"The interval's start is after its end: {value[:60]!r}.")
    return start, end


def unknown(query_params, queryables) -> None:
    """OGC Core: a parameter the API does not define is a 400."""
    extra = sorted(set(query_params) - COMMON - set(queryables))
    if extra:
        _error(extra[0], f"Unknown parameter; this collection takes {', '.join(sorted(COMMON | set(queryables)))}.")
