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

UNION_WITHOUT_SLIVERS = """
WITH parts AS (
    SELECT (ST_Dump(ST_Union(geom))).geom AS part FROM regions_adminarea WHERE id = ANY(%s)
)
SELECT ST_AsEWKB(ST_Multi(ST_Collect(ST_MakePolygon(
    ST_ExteriorRing(part),
    ARRAY(SELECT ST_InteriorRingN(part, n)
          FROM generate_series(1, ST_NumInteriorRings(part)) AS n
          WHERE ST_Area(ST_MakePolygon(ST_InteriorRingN(part, n))::geography) >= %s)
))))
FROM parts
"""


def _union_of(areas) -> MultiPolygon:
    """The areas' union without sliver holes, computed in PostGIS, as a MultiPolygon."""
    with connection.cursor() as cursor:
        cursor.execute(UNION_WITHOUT_SLIVERS, [[a.pk for a in areas], SLIVER_MAX_M2])
        (ewkb,) = cursor.fetchone()
    return GEOSGeometry(memoryview(ewkb))


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
        zone.geom = _union_of(areas)
        zone.full_clean()
        zone.save()
        zone.areas.set(areas)
        zones.append(zone)
    return zones
