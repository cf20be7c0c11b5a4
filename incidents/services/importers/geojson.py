"""GeoJSON features to incidents: with ACLED-named properties (what export_incidents writes) or
with the API's own (a download of /api/v1/incidents/?format=geojson or an OGC items page).

Read with `json` and shapely (regions.services.geojson_reader), never GDAL: GDAL would choose
its driver from the content, and an `<OGRVRTDataSource>` named x.geojson would make it read
server files or fetch URLs. See that module for the threat line.
"""
import json

import shapely
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from regions import geojson
from regions.services import geojson_reader
from regions.services.geojson_reader import GeoJSONError

from ...models import Incident
from . import acled
from .common import OWN_PREFIX, OWN_SOURCE, RowData, RowError, parse_float

REQUIRED = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "geo_precision",
            "time_precision"]
# A feature of the API (incidents.api.features.incident_feature) has these instead.
API_REQUIRED = ["id", "occurred_on", "date_precision", "event_type", "sub_event_type",
                "geo_precision"]
# An API feature of an incident written in this application (no external id of its own) is
# known by its id: namespace OWN_SOURCE, external id OWN_PREFIX + id (common._Lookups).
# The API's property -> the ACLED row mapper's column.
API_COLUMNS = {"occurred_on": "event_date", "date_precision": "time_precision",
               "description": "notes", "location_name": "location"}


def _text(value) -> str:
    """A property as the text the ACLED row mapper expects (null is empty, as with a CSV)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def read_features(path: str) -> list[dict]:
    """Each feature's properties as text, with its (unparsed) geometry under `_geometry` and the
    declared CRS's transform under `_transform`. Raises GeoJSONError or RowError for the file."""
    with open(path, "rb") as f:
        data = f.read(settings.IMPORT_GEOJSON_MAX_BYTES + 1)  # files.import_file checked the size
    document = geojson_reader.parse(data)
    transform = geojson_reader.to_wgs84(document)
    items = geojson_reader.features(document)
    if len(items) > settings.IMPORT_MAX_ROWS:
        raise RowError(_("%(path)s has %(count)s features, over the limit of %(limit)s (IMPORT_MAX_ROWS); split it") % {
            "path": path, "count": f"{len(items):,}", "limit": f"{settings.IMPORT_MAX_ROWS:,}"})
    present = {key for item in items for key in item.properties}
    api_form = "event_id_cnty" not in present and all(c in present for c in API_REQUIRED)
    missing = [c for c in REQUIRED if c not in present]
    if missing and not api_form:
        raise RowError(_("%(path)s: missing propert(y/ies) %(missing)s (or, for a download of the API, %(api_missing)s)") % {
            "path": path, "missing": ", ".join(missing),
            "api_missing": ", ".join(c for c in API_REQUIRED if c not in present)})
    records = []
    for item in items:
        record = {str(k): _text(v) for k, v in item.properties.items()}
        if api_form:
            record = _from_api(record, item.properties.get("actors"))
        record["_geometry"], record["_transform"] = item.geometry, transform
        records.append(record)
    return records


def _from_api(properties: dict, actors) -> dict:
    """An API feature's properties as the ACLED row mapper's columns, plus what it does not
    know: every actor (not only two), the uncertainty, and `_api` (sources are not in the API's
    features: an update keeps the incident's own)."""
    record = {API_COLUMNS.get(k, k): v for k, v in properties.items()}
    source, external_id = properties.get("external_source", ""), properties.get("external_id", "")
    if not (source and external_id):
        source, external_id = OWN_SOURCE, f"{OWN_PREFIX}{properties['id']}"
    record["event_id_cnty"], record["external_source"] = external_id, source
    names = actors if isinstance(actors, list) else []
    if not all(isinstance(name, str) for name in names):
        raise RowError(_("actors is not a list of names"))
    record["_actors"] = names
    record["_api"] = "1"
    return record


def map_feature(feature: dict, *, status: str = Incident.Status.DRAFT,
                status_column: bool = True) -> RowData:
    try:
        geometry = geojson_reader.shape(feature["_geometry"], feature["_transform"])
    except GeoJSONError as error:
        raise RowError(str(error)) from None
    if geometry is None or geometry.is_empty or geometry.geom_type != "Point":
        raise RowError(_("geometry is %(kind)s, not a Point") % {"kind": getattr(geometry, "geom_type", "missing")})
    point = Point(shapely.get_x(geometry), shapely.get_y(geometry), srid=4326)
    properties = {k: v for k, v in feature.items() if not k.startswith("_")}
    row = {col: properties.get(col, "") for col in acled.REQUIRED} | properties
    data = acled.map_row(row, point=point, status=status, status_column=status_column)
    if "_api" in feature:
        data.actors = [(name.strip(), acled.actor_kind(name, None))
                       for name in feature["_actors"] if name.strip()]
        data.sources = None  # not in the API's features: kept as they are
        data.tolerance = 10.0 ** -geojson.COORDINATE_DECIMALS  # the API rounds coordinates
        data.fields["location_uncertainty_km"] = parse_float(
            properties.get("uncertainty_km"), column="uncertainty_km")
    return data
