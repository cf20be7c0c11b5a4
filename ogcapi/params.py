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
from django.utils.translation import gettext as _
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
            _error("f", _("Expected one of %(formats)s, got %(wanted)r.") % {"formats": ", ".join(FORMATS), "wanted": wanted[:50]})
        return wanted
    accept = request.META.get("HTTP_ACCEPT", "")
    return "html" if accept.startswith("text/html") else "json"


def limit(value: str | None) -> int:
    if value is None:
        return settings.OGC_ITEMS_DEFAULT_LIMIT
    if not re.fullmatch(r"\d{1,9}", value) or int(value) < 1:
        _error("limit", _("Expected a whole number of at least 1, got %(value)r.") % {"value": value[:50]})
    return min(int(value), settings.OGC_ITEMS_MAX_LIMIT)


def offset(value: str | None) -> int:
    if value is None:
        return 0
    if not re.fullmatch(r"\d{1,9}", value) or int(value) > MAX_OFFSET:
        _error("offset", _("Expected a whole number from 0 to %(max)s, got %(value)r.") % {"max": MAX_OFFSET, "value": value[:50]})
    return int(value)


def bbox(value: str | None, crs: str | None) -> Polygon | None:
    """`minx,miny,maxx,maxy` (or six numbers with heights, ignored) in `bbox-crs`: CRS84
    (longitude, latitude; the default) or EPSG:4326, whose axis order is latitude,
    longitude — converted here, the one place, to (lon, lat)."""
    if crs is not None and crs not in (CRS84, EPSG_4326):
        _error("bbox-crs", _("Expected %(crs84)s or %(epsg4326)s, got %(crs)r.") % {"crs84": CRS84, "epsg4326": EPSG_4326, "crs": crs[:100]})
    if value is None:
        if crs is not None:
            _error("bbox-crs", _("bbox-crs needs a bbox."))
        return None
    form = _("bbox=minlon,minlat,maxlon,maxlat (CRS84) with longitude in [-180, 180] and latitude in [-90, 90]")
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        _error("bbox", _("Expected %(form)s, got %(value)r.") % {"form": form, "value": value[:100]})
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if crs == EPSG_4326:
        numbers = [numbers[1], numbers[0], numbers[3], numbers[2]]
    minlon, minlat, maxlon, maxlat = numbers
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= 90 and -90 <= maxlat <= 90):
        _error("bbox", _("Expected %(form)s, got %(value)r.") % {"form": form, "value": value[:100]})
    if minlon > maxlon or minlat > maxlat:
        # OGC allows minlon > maxlon across the antimeridian; nothing here is near it.
        _error("bbox", _("Expected minlon <= maxlon and minlat <= maxlat, got %(value)r.") % {"value": value[:100]})
    return Polygon.from_bbox((minlon, minlat, maxlon, maxlat))


def _day(text: str) -> date | None:
    if text in ("..", ""):
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        _error("datetime", _("Expected an RFC 3339 date or date-time, or an interval start/end with '..' for an open end (2018-06-01/2018-06-30, ../2018-06-30), got %(text)r.") % {"text": text[:60]})


def interval(value: str | None) -> tuple[date | None, date | None] | None:
    """`datetime`: an instant or an interval, to whole days (the data are days)."""
    if value is None:
        return None
    parts = value.split("/")
    if len(parts) > 2 or value in ("..", "../..", "/"):
        _error("datetime", _("Expected an instant or one interval start/end, got %(value)r.") % {"value": value[:60]})
    if len(parts) == 1:
        day = _day(parts[0])
        return day, day
    start, end = _day(parts[0]), _day(parts[1])
    if start and end and start > end:
        _error("datetime", _("The interval's start is after its end: %(value)r.") % {"value": value[:60]})
    return start, end


def unknown(query_params, queryables) -> None:
    """OGC Core: a parameter the API does not define is a 400."""
    extra = sorted(set(query_params) - COMMON - set(queryables))
    if extra:
        _error(extra[0], _("Unknown parameter; this collection takes %(names)s.") % {
            "names": ", ".join(sorted(COMMON | set(queryables)))})
