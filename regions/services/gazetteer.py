"""Load the gazetteer (regions.Place): populated places, district capitals and area names."""
import math
from dataclasses import dataclass

import pandas as pd
from django.db import connection, transaction

from ..models import AdminArea, Place
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


def place_counts() -> dict[str, int]:
    return {kind: Place.objects.filter(kind=kind).count() for kind in Place.Kind.values}


@transaction.atomic
def load_places(*, source: str | None = None, force: bool = False) -> LoadResult:
    """Replace the gazetteer from the reference files; skipped when loaded unless `force`."""
    if not AdminArea.objects.exists():
        raise GazetteerDataError("No boundaries are loaded: run `manage.py load_boundaries` first.")
    if not force and Place.objects.filter(kind=Place.Kind.POPULATED_PLACE).exists():
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
    return LoadResult(counts=place_counts(), skipped=skipped_places + skipped_capitals)
