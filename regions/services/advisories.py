"""Build advisory zones from the districts listed in regions/data/advisory_zones.json."""
import json
from datetime import date
from pathlib import Path

from django.contrib.gis.db.models import Union
from django.contrib.gis.db.models.functions import MakeValid
from django.contrib.gis.geos import MultiPolygon
from django.db import transaction

from ..models import AdminArea, AdvisoryZone

ZONES_FILE = Path(__file__).resolve().parent.parent / "data" / "advisory_zones.json"


class AdvisoryDataError(Exception):
    pass


def _union_of(areas) -> MultiPolygon:
    """The areas' union, computed in PostGIS, as a MultiPolygon."""
    geom = AdminArea.objects.filter(pk__in=[a.pk for a in areas]).aggregate(
        union=Union(MakeValid("geom"))
    )["union"]
    return geom if isinstance(geom, MultiPolygon) else MultiPolygon(geom, srid=geom.srid)


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
