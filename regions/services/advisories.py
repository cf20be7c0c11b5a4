"""Build advisory zones from their definitions in regions/data/advisory_zones.json.

Each zone's `build` says how its shape follows from the issuer's words: the union of the
districts listed in a reference file (read from PERU_DATA_SOURCE at load time), the same shape
as another zone, or a geodesic buffer of a border line that is itself derived from Peru's
outline between two tripoints. One set-based PostGIS statement per shape.
"""
import csv
import io
import json
from datetime import date
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import connection, transaction

from ..models import AdminArea, AdvisoryZone
from . import reference_data

ZONES_FILE = Path(__file__).resolve().parent.parent / "data" / "advisory_zones.json"


class AdvisoryDataError(Exception):
    pass


# The districts' shared borders do not match exactly, so their union is riddled with sliver
# holes (median 0.03 km²). Holes under this size are filled; larger ones (an enclosed district
# that is not part of the zone) are kept.
SLIVER_MAX_M2 = 1_000_000

_ZONE = """
WITH parts AS (
    SELECT (ST_Dump(ST_Union(geom))).geom AS part FROM regions_adminarea WHERE id = ANY(%(ids)s)
), zone AS (
    SELECT ST_Multi(ST_Collect(ST_MakePolygon(
        ST_ExteriorRing(part),
        ARRAY(SELECT ST_InteriorRingN(part, n)
              FROM generate_series(1, ST_NumInteriorRings(part)) AS n
              WHERE ST_Area(ST_MakePolygon(ST_InteriorRingN(part, n))::geography) >= %(sliver)s)
    ))) AS geom
    FROM parts
), built AS (
    SELECT CASE WHEN %(buffer_m)s > 0
                THEN ST_Multi(ST_CollectionExtract(
                         ST_Buffer(geom::geography, %(buffer_m)s)::geometry, 3))
                ELSE geom END AS geom
    FROM zone
)
"""
ZONE_GEOMETRY = _ZONE + "SELECT ST_AsEWKB(geom) FROM built"
ZONE_PREVIEW = _ZONE + (
    "SELECT ST_Area(geom::geography) / 1e6, "
    "ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(geom, 0.002)), 5) FROM built"
)


def _run(sql: str, area_ids: list[int], buffer_km: float):
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": list(area_ids), "sliver": SLIVER_MAX_M2,
                             "buffer_m": buffer_km * 1000.0})
        return cursor.fetchone()


def zone_geometry(area_ids: list[int], *, buffer_km: float = 0) -> MultiPolygon:
    """The areas' union without sliver holes, widened by `buffer_km` (geodesic), in PostGIS."""
    (ewkb,) = _run(ZONE_GEOMETRY, area_ids, buffer_km)
    return GEOSGeometry(memoryview(ewkb))


def zone_preview(area_ids: list[int], *, buffer_km: float = 0) -> tuple[float, str]:
    """The zone's area in km² and its outline as GeoJSON text, simplified for a map."""
    return _run(ZONE_PREVIEW, area_ids, buffer_km)


# Peru's outline (exterior ring of the largest part of the departments' union), cut between
# the points nearest two tripoints; of the two stretches of the ring between them, the shorter
# one is the border between them (the other runs round the rest of the country).
BORDER_LINE = """
WITH outline AS (
    SELECT ST_ExteriorRing(part) AS ring
    FROM (SELECT (ST_Dump(ST_Union(geom))).geom AS part
          FROM regions_adminarea WHERE level = 'department') parts
    ORDER BY ST_Area(part) DESC LIMIT 1
), cut AS (
    SELECT ring,
           least(ST_LineLocatePoint(ring, ST_SetSRID(ST_MakePoint(%(lon1)s, %(lat1)s), 4326)),
                 ST_LineLocatePoint(ring, ST_SetSRID(ST_MakePoint(%(lon2)s, %(lat2)s), 4326))) AS a,
           greatest(ST_LineLocatePoint(ring, ST_SetSRID(ST_MakePoint(%(lon1)s, %(lat1)s), 4326)),
                    ST_LineLocatePoint(ring, ST_SetSRID(ST_MakePoint(%(lon2)s, %(lat2)s), 4326))) AS b
    FROM outline
), stretches AS (
    SELECT ST_LineSubstring(ring, a, b) AS inside,
           ST_LineMerge(ST_Collect(ST_LineSubstring(ring, b, 1), ST_LineSubstring(ring, 0, a))) AS wrapped
    FROM cut
)
SELECT ST_AsEWKB(CASE WHEN ST_Length(inside::geography) <= ST_Length(wrapped::geography)
                      THEN inside ELSE wrapped END)
FROM stretches
"""

# A geodesic band (geography buffer, metres) round the line, clipped to the department.
BORDER_BAND = """
SELECT ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_Intersection(
           ST_Buffer(ST_GeomFromEWKB(%(line)s)::geography, %(distance_m)s)::geometry, d.geom), 3)))
FROM regions_adminarea d WHERE d.level = 'department' AND d.ubigeo = %(department)s
"""


def border_line(spec: dict, name: str) -> GEOSGeometry:
    """The named border line of the definitions file, derived from Peru's outline in PostGIS.

    Raises AdvisoryDataError when the stretch found is not as long as the file says it must be
    (wrong tripoints, or boundaries from another publisher with a different outline)."""
    line = spec["border_lines"][name]
    with connection.cursor() as cursor:
        cursor.execute(BORDER_LINE, {"lon1": line["from"]["lon"], "lat1": line["from"]["lat"],
                                     "lon2": line["to"]["lon"], "lat2": line["to"]["lat"]})
        row = cursor.fetchone()
    if row is None or row[0] is None:
        raise AdvisoryDataError(f"border line {name!r}: no departments loaded")
    geom = GEOSGeometry(memoryview(row[0]))
    low, high = line["expected_length_km"]
    km = geodesic_length_km(geom)
    if not low <= km <= high:
        raise AdvisoryDataError(
            f"border line {name!r}: the outline between the tripoints measures {km:,.0f} km, "
            f"not {low:,}–{high:,} km; check the tripoints in the definitions file"
        )
    return geom


def geodesic_length_km(geom) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Length(ST_GeomFromEWKB(%s)::geography) / 1000", [bytes(geom.ewkb)])
        return cursor.fetchone()[0]


def _border_band(line: GEOSGeometry, *, distance_km: float, department: str) -> MultiPolygon:
    with connection.cursor() as cursor:
        cursor.execute(BORDER_BAND, {"line": bytes(line.ewkb), "distance_m": distance_km * 1000.0,
                                     "department": department})
        row = cursor.fetchone()
    if row is None:
        raise AdvisoryDataError(f"unknown department {department!r} (are the boundaries loaded?)")
    return GEOSGeometry(memoryview(row[0]))


def _listed_districts(entry: dict, build: dict, *, source: str | None) -> list[AdminArea]:
    """The districts whose ubigeos a reference file lists, checked against the expected count."""
    name = build["districts_file"]
    location = reference_data.resolve(source, [name])[name]
    text = reference_data.read_bytes(location).decode("utf-8-sig")
    column = build["ubigeo_column"]
    rows = list(csv.DictReader(io.StringIO(text)))
    if rows and column not in rows[0]:
        raise AdvisoryDataError(f"{name}: no {column!r} column (found {', '.join(rows[0])})")
    wanted = [row[column].strip().zfill(6) for row in rows]
    if len(set(wanted)) != build["expected_count"]:
        raise AdvisoryDataError(
            f"zone {entry['slug']!r}: {name} lists {len(set(wanted))} districts, "
            f"the definition expects {build['expected_count']}"
        )
    areas = list(AdminArea.objects.filter(ubigeo__in=wanted, level=AdminArea.Level.DISTRICT))
    unknown = sorted(set(wanted) - {a.ubigeo for a in areas})
    if unknown:
        raise AdvisoryDataError(
            f"zone {entry['slug']!r}: unknown district ubigeo(s) {', '.join(unknown)} "
            "(are the boundaries loaded?)"
        )
    return areas


def _day(value):
    return value and date.fromisoformat(value)


@transaction.atomic
def load_advisory_zones(*, path: Path = ZONES_FILE, source: str | None = None) -> list[AdvisoryZone]:
    """Create or update each defined zone; a zone whose fields and shape are unchanged is not
    saved again (no new history row), so a second run changes nothing."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    built: dict[str, tuple] = {}  # slug -> (geom, areas, zone)
    lines: dict[str, GEOSGeometry] = {}
    zones = []
    for entry in spec["zones"]:
        build = entry["build"]
        method = build["method"]
        same_as = None
        if method == "areas":
            areas = _listed_districts(entry, build, source=source)
            geom = zone_geometry([a.pk for a in areas])
            construction = AdvisoryZone.Construction.AREAS
            note = (f"Union of the {len(areas)} districts listed in {build['districts_file']} "
                    "(read from PERU_DATA_SOURCE at load time), sliver holes filled.")
        elif method == "reference":
            if build["zone"] not in built:
                raise AdvisoryDataError(
                    f"zone {entry['slug']!r} refers to {build['zone']!r}, which must come earlier")
            geom, areas, same_as = built[build["zone"]]
            construction = AdvisoryZone.Construction.REFERENCE
            note = f"The same shape as {same_as.name}. {build.get('note', '')}".strip()
        elif method == "border_buffer":
            if build["line"] not in lines:
                lines[build["line"]] = border_line(spec, build["line"])
            line = lines[build["line"]]
            geom = _border_band(line, distance_km=build["distance_km"],
                                department=build["clip_to_department"])
            areas = []
            construction = AdvisoryZone.Construction.BORDER_BUFFER
            note = (f"Geodesic buffer of {build['distance_km']:g} km round the {build['line']} "
                    f"border line ({geodesic_length_km(line):,.0f} km, derived from Peru's outline "
                    f"between the tripoints), clipped to department {build['clip_to_department']}. "
                    f"{build.get('note', '')}").strip()
        else:
            raise AdvisoryDataError(f"zone {entry['slug']!r}: unknown build method {method!r}")
        fields = {
            "name": entry["name"],
            "kind": entry["kind"],
            "issuer": entry["issuer"],
            "issuer_level": entry["issuer_level"],
            "severity": entry["severity"],
            "definition": entry["definition"],
            "exceptions": entry["exceptions"],
            "summary": entry["summary"],
            "language": entry["language"],
            "source_url": entry["source_url"],
            "valid_from": _day(entry["valid_from"]),
            "valid_until": _day(entry["valid_until"]),
            "last_reviewed": _day(entry["last_reviewed"]),
            "construction": construction,
            "construction_note": note,
            "same_as": same_as,
            "buffer_km": 0,
        }
        zone = AdvisoryZone.objects.filter(slug=entry["slug"]).first()
        if zone is None and entry.get("replaces"):
            # An older data file's slug for the same zone: keep the row and its history.
            zone = AdvisoryZone.objects.filter(slug=entry["replaces"]).first()
            if zone is not None:
                zone.slug = entry["slug"]
        unchanged = (
            zone is not None and zone.slug == entry["slug"]
            and {a.pk for a in zone.areas.all()} == {a.pk for a in areas}
            and all(getattr(zone, k) == v for k, v in fields.items())
            and zone.geom.equals_exact(geom, 0)
        )
        if not unchanged:
            zone = zone or AdvisoryZone(slug=entry["slug"])
            for key, value in fields.items():
                setattr(zone, key, value)
            zone.geom = geom
            zone.full_clean()
            zone.save()
            zone.areas.set(areas)
        built[entry["slug"]] = (geom, areas, zone)
        zones.append(zone)
    return zones
