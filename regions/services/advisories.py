"""Build advisory zones from the districts listed in regions/data/advisory_zones.json."""
import json
from datetime import date
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import connection, transaction

from ..models import AdminArea, AdvisoryZone

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


@transaction.atomic
def load_advisory_zones(*, path: Path = ZONES_FILE) -> list[AdvisoryZone]:
    """Create or update each listed zone; unchanged zones are left untouched."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    zones = []
    for entry in spec["zones"]:
        wanted = [ubigeo for ubigeo, _name in entry["districts"]]
        areas = list(AdminArea.objects.filter(ubigeo__in=wanted, level=AdminArea.Level.DISTRICT))
        unknown = sorted(set(wanted) - {a.ubigeo for a in areas})
        if unknown:
            raise AdvisoryDataError(
                f"zone {entry['slug']!r}: unknown district ubigeo(s) {', '.join(unknown)} "
                "(are the boundaries loaded?)"
            )
        fields = {
            "name": entry["name"],
            "level": entry["level"],
            "issuer": entry["issuer"],
            "summary": entry["summary"],
            "source_url": entry["source_url"],
            "valid_from": date.fromisoformat(entry["valid_from"]),
            "valid_until": entry["valid_until"] and date.fromisoformat(entry["valid_until"]),
        }
        zone = AdvisoryZone.objects.filter(slug=entry["slug"]).first()
        same_areas = zone is not None and {a.pk for a in zone.areas.all()} == {a.pk for a in areas}
        if zone is not None and same_areas and all(getattr(zone, k) == v for k, v in fields.items()):
            zones.append(zone)
            continue
        zone = zone or AdvisoryZone(slug=entry["slug"])
        for key, value in fields.items():
            setattr(zone, key, value)
        zone.geom = zone_geometry([a.pk for a in areas])
        zone.full_clean()
        zone.save()
        zone.areas.set(areas)
        zones.append(zone)
    return zones
