"""PostGIS functions that django.contrib.gis does not ship."""
from django.contrib.gis.db.models.functions import GeomOutputGeoFunc
from django.db.models import Aggregate, FloatField


class SimplifyPreserveTopology(GeomOutputGeoFunc):
    """ST_SimplifyPreserveTopology(geom, tolerance in degrees): lighter polygons for maps."""

    function = "ST_SimplifyPreserveTopology"


class Percentile(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression): 0.5 is the median."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError(f"fraction must be between 0 and 1, got {fraction!r}")
        super().__init__(expression, fraction=float(fraction), **extra)


class Multi(GeomOutputGeoFunc):
    """ST_Multi(geom): a MultiPolygon stays one after ST_SimplifyPreserveTopology, which may
    return a Polygon for a single-part input."""

    function = "ST_Multi"


class ForcePolygonCCW(GeomOutputGeoFunc):
    """ST_ForcePolygonCCW(geom): exterior rings counter-clockwise, holes clockwise, as RFC 7946
    (section 3.1.6) asks of GeoJSON polygons; other geometries are returned unchanged."""

    function = "ST_ForcePolygonCCW"
