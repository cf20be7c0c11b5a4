"""GeoJSON features with ACLED-named properties (what export_incidents writes) to incidents.

Read with `json` and shapely (regions.services.geojson_reader), never GDAL: GDAL would choose
its driver from the content, and an `<OGRVRTDataSource>` named x.geojson would make it read
server files or fetch URLs. See that module for the threat line.
"""
import json

import shapely
from django.conf import settings
from django.contrib.gis.geos import Point

from regions.services import geojson_reader
from regions.services.geojson_reader import GeoJSONError

from ...models import Incident
from . import acled
from .common import RowData, RowError

REQUIRED = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "geo_precision",
            "time_precision"]


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
        raise RowError(f"{path} has {len(items):,} features, over the limit of "
                       f"{settings.IMPORT_MAX_ROWS:,} (IMPORT_MAX_ROWS); split it")
    present = {key for item in items for key in item.properties}
    missing = [c for c in REQUIRED if c not in present]
    if missing:
        raise RowError(f"{path}: missing propert(y/ies) {', '.join(missing)}")
    records = []
    for item in items:
        record = {str(k): _text(v) for k, v in item.properties.items()}
        record["_geometry"], record["_transform"] = item.geometry, transform
        records.append(record)
    return records


def map_feature(feature: dict, *, status: str = Incident.Status.DRAFT,
                status_column: bool = True) -> RowData:
    try:
        geometry = geojson_reader.shape(feature["_geometry"], feature["_transform"])
    except GeoJSONError as error:
        raise RowError(str(error)) from None
    if geometry is None or geometry.is_empty or geometry.geom_type != "Point":
        raise RowError(f"geometry is {getattr(geometry, 'geom_type', 'missing')}, not a Point")
    point = Point(shapely.get_x(geometry), shapely.get_y(geometry), srid=4326)
    properties = {k: v for k, v in feature.items() if not k.startswith("_")}
    row = {col: properties.get(col, "") for col in acled.REQUIRED} | properties
    return acled.map_row(row, point=point, status=status, status_column=status_column)
