"""GeoJSON features with ACLED-named properties (what export_incidents writes) to incidents."""
import geopandas as gpd
import shapely
from django.contrib.gis.geos import Point

from ...models import Incident
from . import acled
from .common import RowData, RowError

REQUIRED = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "geo_precision",
            "time_precision"]


def read_features(path: str) -> list[dict]:
    frame = gpd.read_file(path, engine="pyogrio")
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise RowError(f"{path}: missing propert(y/ies) {', '.join(missing)}")
    if frame.crs is not None:
        frame = frame.to_crs(4326)
    records = frame.drop(columns="geometry").astype(object).where(frame.notna(), None)
    features = []
    for record, geometry in zip(records.to_dict("records"), frame.geometry):
        record = {k: ("" if v is None else str(v)) for k, v in record.items()}
        record["_geometry"] = geometry
        features.append(record)
    return features


def map_feature(feature: dict, *, status: str = Incident.Status.DRAFT,
                status_column: bool = True) -> RowData:
    geometry = feature["_geometry"]
    if geometry is None or geometry.is_empty or geometry.geom_type != "Point":
        raise RowError(f"geometry is {getattr(geometry, 'geom_type', 'missing')}, not a Point")
    point = Point(shapely.get_x(geometry), shapely.get_y(geometry), srid=4326)
    row = {col: feature.get(col, "") for col in acled.REQUIRED} | feature
    return acled.map_row(row, point=point, status=status, status_column=status_column)
