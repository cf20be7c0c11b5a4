"""Load Peru's departments, provinces and districts from the INEI/mapsPERU GeoJSON files."""
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Left, Length

from security.untrusted import excerpt

from ..models import AdminArea, Place
from . import geojson_reader, reference_data
from .geojson_reader import GeoJSONError

# Albers equal-area conic fitted to Peru (standard parallels 2°S and 16°S), for areas in km².
PERU_EQUAL_AREA_CRS = (
    "+proj=aea +lat_0=-9 +lon_0=-75 +lat_1=-2 +lat_2=-16 +datum=WGS84 +units=m +no_defs"
)

# A stray accent in the published province names.
NAME_FIXES = {"Pàucar del Sara Sara": "Páucar del Sara Sara"}


@dataclass(frozen=True)
class LevelFile:
    level: str
    filename: str
    ubigeo_length: int


@dataclass(frozen=True)
class Fields:
    """Where one level's code and name are in a file; `prefix` is stripped from the code."""
    code: str
    name: str
    prefix: str = ""


LEVEL_FILES = (
    LevelFile(AdminArea.Level.DEPARTMENT, "departments.geojson", 2),
    LevelFile(AdminArea.Level.PROVINCE, "provinces.geojson", 4),
    LevelFile(AdminArea.Level.DISTRICT, "districts.geojson", 6),
)
D, P, T = AdminArea.Level.DEPARTMENT, AdminArea.Level.PROVINCE, AdminArea.Level.DISTRICT

# Field mappings of the publishers the loader knows (`load_boundaries --preset NAME`); the file
# names stay departments/provinces/districts.geojson in the source directory.
PRESETS = {
    # mapsPERU (INEI limits), the shipped files: COD_DEPARTAMENTO "05", DEPARTAMENTO "Ayacucho".
    # Documented at https://search.r-project.org/CRAN/refmans/mapsPERU/html/map_DEP.html.
    "mapsperu": {D: Fields("COD_DEPARTAMENTO", "DEPARTAMENTO"),
                 P: Fields("COD_PROVINCIA", "PROVINCIA"),
                 T: Fields("COD_DISTRITO", "DISTRITO")},
    # OCHA Common Operational Dataset, administrative boundaries for Peru (COD-AB, HDX dataset
    # "cod-ab-per", https://data.humdata.org/dataset/cod-ab-per): levels ADM1 (departments),
    # ADM2 (provinces), ADM3 (districts), each with ADMn_PCODE = "PE" + the INEI ubigeo
    # ("PE05", "PE0502", "PE050201") and ADMn_ES the Spanish name (plus ADMn_REF, ADMn-1_PCODE…).
    "ocha-cod-ab": {D: Fields("ADM1_PCODE", "ADM1_ES", "PE"),
                    P: Fields("ADM2_PCODE", "ADM2_ES", "PE"),
                    T: Fields("ADM3_PCODE", "ADM3_ES", "PE")},
    # INEI's census limits of 2007 (the shapefiles of the "Límites censales" / national
    # cartography, converted to GeoJSON): IDDPTO "05" + NOMBDEP, IDPROV "0502" + NOMBPROV,
    # IDDIST "050201" + NOMBDIST.
    "inei-2007": {D: Fields("IDDPTO", "NOMBDEP"),
                  P: Fields("IDPROV", "NOMBPROV"),
                  T: Fields("IDDIST", "NOMBDIST")},
}
DEFAULT_PRESET = "mapsperu"


def parse_fields(specs: list[str], *, base: str = DEFAULT_PRESET) -> dict:
    """`["district:IDDIST,NOMBDIST", ...]` over a preset; a bad spec is a BoundaryDataError."""
    mapping = dict(PRESETS[base])
    levels = {spec.level for spec in LEVEL_FILES}
    for spec in specs:
        level, _, fields = spec.partition(":")
        code, _, name = fields.partition(",")
        if level not in levels or not code.strip() or not name.strip():
            raise BoundaryDataError(
                f"--fields {excerpt(spec)}: expected LEVEL:CODE_FIELD,NAME_FIELD with LEVEL one "
                f"of {', '.join(sorted(levels))}")
        mapping[level] = Fields(code.strip(), name.strip())
    return mapping


class BoundaryDataError(Exception):
    pass


def _to_geos(geometry) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geometry)), srid=4326)


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _read_level(spec: LevelFile, path: str, fields: Fields, preset: str) -> list[AdminArea]:
    """The areas of one level file. Parsed with json + shapely, never GDAL (which would pick its
    driver from the content: see geojson_reader), whether `path` is a file or a URL."""
    try:
        document = geojson_reader.parse(reference_data.read_bytes(path))
        transform = geojson_reader.to_wgs84(document)
        features = geojson_reader.features(document)
        shapes = [geojson_reader.shape(f.geometry, transform) for f in features]
    except GeoJSONError as error:
        raise BoundaryDataError(f"{spec.filename}: {error}") from error
    present = {key for f in features for key in f.properties}
    missing = {fields.code, fields.name} - present
    if missing:
        found = ", ".join(excerpt(k, 40) for k in sorted(present)[:30]) or "none"
        raise BoundaryDataError(
            f"{spec.filename}: no field(s) {', '.join(sorted(missing))} (mapping {preset}); the "
            f"file's fields are: {found}. Give --preset ({', '.join(PRESETS)}) or "
            f"--fields {spec.level}:CODE_FIELD,NAME_FIELD")
    empty = [f.number - 1 for f, g in zip(features, shapes) if g is None]
    if empty:
        raise BoundaryDataError(f"{spec.filename}: feature(s) {empty[:10]} are not polygons")
    geoms = shapely.make_valid(np.array(shapes, dtype=object))
    # Promote Polygon to MultiPolygon so every row fits the MultiPolygon column.
    geoms = [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in geoms]
    bad = [i for i, g in enumerate(geoms) if g.geom_type != "MultiPolygon" or g.is_empty]
    if bad:
        raise BoundaryDataError(f"{spec.filename}: feature(s) {bad[:10]} are not polygons")
    areas_km2 = gpd.GeoSeries(geoms, crs=4326).to_crs(PERU_EQUAL_AREA_CRS).area / 1e6

    rows = []
    for i, feature in enumerate(features):
        code, name = feature.properties.get(fields.code), feature.properties.get(fields.name)
        code = str(code)
        if fields.prefix and code.startswith(fields.prefix):
            code = code[len(fields.prefix):]
        ubigeo = code[: spec.ubigeo_length]
        if len(ubigeo) != spec.ubigeo_length or not ubigeo.isdigit():
            raise BoundaryDataError(f"{spec.filename}: feature {i} has a bad code {excerpt(code)}")
        if not isinstance(name, str) or not name.strip():
            raise BoundaryDataError(f"{spec.filename}: feature {i} has no name")
        x, y = (_number(feature.properties.get(k)) for k in ("coords_x", "coords_y"))
        label = shapely.Point(x, y) if x is not None and y is not None else None
        if label is None or not geoms[i].covers(label):
            label = geoms[i].representative_point()
        rows.append(
            AdminArea(
                level=spec.level,
                ubigeo=ubigeo,
                name=NAME_FIXES.get(name, name),
                geom=_to_geos(geoms[i]),
                area_km2=float(areas_km2.iat[i]),
                label_point=_to_geos(label),
            )
        )
    return rows


@transaction.atomic
def load_boundaries(*, source: str | None = None, preset: str = DEFAULT_PRESET,
                    fields: dict | None = None) -> dict[str, int]:
    """Upsert every area by ubigeo and link parents; returns the count per level. The files'
    code and name fields come from `fields` (level -> Fields) or the named `preset`."""
    if preset not in PRESETS:
        raise BoundaryDataError(f"unknown preset {excerpt(preset)}; known: {', '.join(PRESETS)}")
    mapping = fields or PRESETS[preset]
    paths = reference_data.resolve(source, [spec.filename for spec in LEVEL_FILES])
    for spec in LEVEL_FILES:
        AdminArea.objects.bulk_create(
            _read_level(spec, paths[spec.filename], mapping[spec.level],
                        "--fields" if fields else preset),
            update_conflicts=True,
            unique_fields=["ubigeo"],
            update_fields=["level", "name", "geom", "area_km2", "label_point"],
            batch_size=500,
        )
    # Parents in one statement: a province's parent is its first two digits, a district's four.
    parent = AdminArea.objects.filter(
        ubigeo=Left(OuterRef("ubigeo"), Length(OuterRef("ubigeo")) - 2)
    ).values("pk")[:1]
    AdminArea.objects.exclude(level=AdminArea.Level.DEPARTMENT).update(parent=Subquery(parent))
    orphans = list(
        AdminArea.objects.exclude(level=AdminArea.Level.DEPARTMENT)
        .filter(parent__isnull=True)
        .values_list("ubigeo", flat=True)[:10]
    )
    if orphans:
        raise BoundaryDataError(f"areas without a parent in the data: {', '.join(orphans)}")
    from .gazetteer import refresh_place_corrections  # the gazetteer's checks follow the lines
    if Place.objects.exists():
        refresh_place_corrections()
    return boundary_counts()


def boundary_counts() -> dict[str, int]:
    return {
        level: AdminArea.objects.filter(level=level).count() for level in AdminArea.Level.values
    }
