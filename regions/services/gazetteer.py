"""Load the gazetteer (regions.Place): populated places, district capitals and area names."""
import math
from dataclasses import dataclass

import pandas as pd
from django.db import connection, transaction

from ..models import AdminArea, Place, PlaceCorrection
from ..text import display_name, normalise
from . import reference_data

PLACES_FILE = "populated_places.csv"
CAPITALS_FILE = "district_indicators.csv"
PLACE_COLUMNS = ["inei_ccpp", "inei_distrito", "ccpp", "tipo", "latitude", "longitude"]
CAPITAL_COLUMNS = ["inei", "capital", "latitude", "longitude"]
COPY_SQL = (
    "COPY regions_place (kind, code, name, name_norm, ubigeo, point, urban, district_id, area_id) "
    "FROM STDIN"
)


# An INEI point farther than this from its own district is taken to be a wrong coordinate, not a
# point just across a line: the place goes to the district's representative point (the geocoder
# then states district precision). Measured on the shipped data (1,536 points outside their own
# district): setting aside the 349 whose point lies in a district created after the gazetteer,
# the farthest is 14.1 km (Natividad, Pichari, inside Río Tambo), the 99th percentile 4.1 km.
# 20 km keeps every observed misplacement and catches swapped or mistyped coordinates.
IMPLAUSIBLE_KM = 20.0
# How far inside the polygon a moved point goes, so it is not on the boundary line itself
# (assigned to both neighbours by ST_Intersects). In UTM 18S, a metric SRID across Peru.
NUDGE_M = 10.0
METRIC_SRID = 32718

# One statement: every gazetteer entry with a district whose point lies outside it; the nearest
# point of the district less its neighbours (the published polygons overlap by slivers, and
# areas go to the lowest ubigeo that covers a point) shrunk by NUDGE_M, the district it falls in, and
# whether that district was created after the gazetteer (no place of its own, same department).
REFRESH_SQL = """
WITH outside AS MATERIALIZED (
    SELECT p.id AS place_id, p.point, d.id AS district_id, d.ubigeo, d.geom, d.label_point
    FROM regions_place p JOIN regions_adminarea d ON d.id = p.district_id
    WHERE NOT ST_Intersects(d.geom, p.point)
), shrunk AS MATERIALIZED (
    SELECT d.id, ST_Buffer(ST_Transform(COALESCE(ST_Difference(d.geom, (
               SELECT ST_Union(n.geom) FROM regions_adminarea n
               WHERE n.level = 'district' AND n.id <> d.id AND ST_Intersects(n.geom, d.geom))),
           d.geom), %(srid)s), -%(nudge)s) AS inner_geom
    FROM regions_adminarea d WHERE d.id IN (SELECT district_id FROM outside)
), placed AS (
    SELECT o.*,
           ST_Distance(o.point::geography, o.geom::geography) / 1000 AS distance_km,
           ST_Transform(ST_ClosestPoint(s.inner_geom, ST_Transform(o.point, %(srid)s)), 4326)
               AS nearest,
           (SELECT a.id FROM regions_adminarea a
            WHERE a.level = 'district' AND ST_Intersects(a.geom, o.point)
            ORDER BY a.ubigeo LIMIT 1) AS found_in_id
    FROM outside o JOIN shrunk s ON s.id = o.district_id
)
INSERT INTO regions_placecorrection (place_id, found_in_id, distance_km, inside_point, split)
SELECT p.place_id, p.found_in_id, p.distance_km,
       CASE WHEN p.distance_km <= %(implausible)s AND NOT ST_IsEmpty(p.nearest)
                 AND ST_Intersects(p.geom, p.nearest) THEN p.nearest
            ELSE p.label_point END,
       COALESCE(f.ubigeo LIKE left(p.ubigeo, 2) || '%%' AND NOT EXISTS (
           SELECT 1 FROM regions_place q
           WHERE q.kind = 'populated_place' AND q.district_id = f.id), false)
FROM placed p LEFT JOIN regions_adminarea f ON f.id = p.found_in_id
"""


class GazetteerDataError(Exception):
    pass


@dataclass(frozen=True)
class LoadResult:
    counts: dict[str, int]
    skipped: int = 0
    already_loaded: bool = False


def _read_csv(path: str, filename: str, columns: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as error:
        raise GazetteerDataError(f"{filename}: cannot read ({error})") from error
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise GazetteerDataError(f"{filename}: missing column(s) {', '.join(missing)}")
    return frame


def _coordinates(
    frame: pd.DataFrame, filename: str, *, allow_missing: bool = False
) -> list[tuple[float, float]]:
    """(longitude, latitude) per row; a bad value stops the load naming the file's line."""
    coordinates = []
    for i, (lat, lon) in enumerate(zip(frame["latitude"], frame["longitude"])):
        if allow_missing and lat in ("", "NA") and lon in ("", "NA"):
            coordinates.append((math.nan, math.nan))
            continue
        try:
            lat_f, lon_f = float(lat), float(lon)
        except ValueError:
            lat_f = lon_f = math.nan
        if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
            raise GazetteerDataError(
                f"{filename} line {i + 2}: bad coordinates latitude={lat!r} longitude={lon!r}"
            )
        coordinates.append((lon_f, lat_f))
    return coordinates


def _place_rows(frame, districts: dict[str, int], filename: str):
    """Rows for COPY; places whose district is not in the boundaries are counted, not loaded."""
    rows, skipped = [], 0
    coordinates = _coordinates(frame, filename)
    for i, row in enumerate(frame.itertuples(index=False)):
        if not row.ccpp.strip() or len(row.inei_ccpp) != 10:
            raise GazetteerDataError(f"{filename} line {i + 2}: missing place name or code")
        district_id = districts.get(row.inei_distrito)
        if district_id is None:
            skipped += 1
            continue
        lon, lat = coordinates[i]
        rows.append((
            Place.Kind.POPULATED_PLACE, row.inei_ccpp, display_name(row.ccpp), normalise(row.ccpp),
            row.inei_distrito, f"SRID=4326;POINT({lon!r} {lat!r})", row.tipo == "Urban",
            district_id, None,
        ))
    return rows, skipped


def _capital_rows(frame, districts: dict[str, int], filename: str):
    rows, skipped = [], 0
    coordinates = _coordinates(frame, filename, allow_missing=True)
    for i, row in enumerate(frame.itertuples(index=False)):
        district_id = districts.get(row.inei)
        if district_id is None or not row.capital.strip() or math.isnan(coordinates[i][0]):
            skipped += 1
            continue
        lon, lat = coordinates[i]
        rows.append((
            Place.Kind.CAPITAL, row.inei, row.capital.strip(), normalise(row.capital),
            row.inei, f"SRID=4326;POINT({lon!r} {lat!r})", True, district_id, None,
        ))
    return rows, skipped


def _area_rows():
    """Area names; the point is the area's label point (always inside the area)."""
    rows = []
    for area in AdminArea.objects.only("id", "level", "ubigeo", "name", "label_point"):
        rows.append((
            area.level, area.ubigeo, area.name, normalise(area.name), area.ubigeo,
            area.label_point.ewkt, False,
            area.id if area.level == AdminArea.Level.DISTRICT else None, area.id,
        ))
    return rows


def _copy(rows) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(COPY_SQL) as copy:
        for row in rows:
            copy.write_row(row)


def refresh_place_corrections() -> int:
    """Recompute regions.PlaceCorrection from the gazetteer and the boundaries (set-based)."""
    PlaceCorrection.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_SQL, {"srid": METRIC_SRID, "nudge": NUDGE_M,
                                     "implausible": IMPLAUSIBLE_KM})
        return cursor.rowcount


def place_counts() -> dict[str, int]:
    return {kind: Place.objects.filter(kind=kind).count() for kind in Place.Kind.values}


@transaction.atomic
def load_places(*, source: str | None = None, force: bool = False) -> LoadResult:
    """Replace the gazetteer from the reference files; skipped when loaded unless `force`."""
    if not AdminArea.objects.exists():
        raise GazetteerDataError("No boundaries are loaded: run `manage.py load_boundaries` first.")
    if not force and Place.objects.filter(kind=Place.Kind.POPULATED_PLACE).exists():
        if not PlaceCorrection.objects.exists():  # loaded before the table existed
            refresh_place_corrections()
        return LoadResult(counts=place_counts(), already_loaded=True)
    paths = reference_data.resolve(source, [PLACES_FILE, CAPITALS_FILE])
    places = _read_csv(paths[PLACES_FILE], PLACES_FILE, PLACE_COLUMNS)
    capitals = _read_csv(paths[CAPITALS_FILE], CAPITALS_FILE, CAPITAL_COLUMNS)
    districts = dict(
        AdminArea.objects.filter(level=AdminArea.Level.DISTRICT).values_list("ubigeo", "id")
    )
    place_rows, skipped_places = _place_rows(places, districts, PLACES_FILE)
    capital_rows, skipped_capitals = _capital_rows(capitals, districts, CAPITALS_FILE)
    Place.objects.all().delete()
    _copy(_area_rows())
    _copy(capital_rows)
    _copy(place_rows)
    refresh_place_corrections()
    return LoadResult(counts=place_counts(), skipped=skipped_places + skipped_capitals)
