"""Read queries over administrative areas and advisory zones."""
import json
from datetime import date

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import FloatField, Q
from django.db.models.expressions import RawSQL

from .functions import SimplifyPreserveTopology
from .models import AdminArea, AdvisoryZone

# The four departments that share the VRAEM.
VRAEM_DEPARTMENTS = ("05", "08", "09", "12")  # Ayacucho, Cusco, Huancavelica, Junín


def _feature_collection(rows, properties) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": json.loads(row.geojson), "properties": properties(row)}
            for row in rows
        ],
    }


def departments_geojson(*, tolerance: float = 0.02) -> dict:
    """All departments as a FeatureCollection, simplified in PostGIS for drawing."""
    rows = AdminArea.objects.filter(level=AdminArea.Level.DEPARTMENT).annotate(
        geojson=AsGeoJSON(SimplifyPreserveTopology("geom", tolerance), precision=5)
    ).only("ubigeo", "name")
    return _feature_collection(
        rows,
        lambda row: {
            "ubigeo": row.ubigeo,
            "name": row.name,
            "vraem": row.ubigeo in VRAEM_DEPARTMENTS,
        },
    )


def advisory_zones_in_force(*, on: date | None = None):
    on = on or date.today()
    return AdvisoryZone.objects.filter(valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def advisory_zones_geojson(*, on: date | None = None, tolerance: float = 0.002) -> dict:
    rows = advisory_zones_in_force(on=on).annotate(
        geojson=AsGeoJSON(SimplifyPreserveTopology("geom", tolerance), precision=5)
    )
    return _feature_collection(
        rows,
        lambda zone: {
            "slug": zone.slug,
            "name": zone.name,
            "level": zone.level,
            "level_label": zone.get_level_display(),
            "issuer": zone.issuer,
            "summary": zone.summary,
            "valid_from": zone.valid_from.isoformat(),
            "valid_until": zone.valid_until and zone.valid_until.isoformat(),
        },
    )


def advisories_at(point, *, on: date):
    """Zones in force on `on` that contain `point`, strictest first."""
    return advisory_zones_in_force(on=on).filter(geom__intersects=point).order_by("-level", "name")


def area_outline_geojson(area: AdminArea, *, tolerance: float = 0.001) -> dict:
    """One area's outline as a FeatureCollection, simplified in PostGIS."""
    rows = AdminArea.objects.filter(pk=area.pk).annotate(
        geojson=AsGeoJSON(SimplifyPreserveTopology("geom", tolerance), precision=5)
    )
    return _feature_collection(rows, lambda row: {"ubigeo": row.ubigeo, "name": row.name})


def zones_covering(area: AdminArea, *, on: date | None = None):
    """Advisory zones in force that overlap the area, with the share of the area they cover."""
    return (
        advisory_zones_in_force(on=on)
        .filter(geom__intersects=area.geom)
        .annotate(
            covered_share=RawSQL(
                "(SELECT ST_Area(ST_Intersection(regions_advisoryzone.geom, a.geom)::geography)"
                " / NULLIF(ST_Area(a.geom::geography), 0) FROM regions_adminarea a WHERE a.id = %s)",
                (area.pk,),
                output_field=FloatField(),
            )
        )
        .order_by("-level", "name")
    )
