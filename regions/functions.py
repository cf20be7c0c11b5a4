"""PostGIS functions that django.contrib.gis does not ship."""
from django.contrib.gis.db.models.functions import GeomOutputGeoFunc


class SimplifyPreserveTopology(GeomOutputGeoFunc):
    """ST_SimplifyPreserveTopology(geom, tolerance in degrees): lighter polygons for maps."""

    function = "ST_SimplifyPreserveTopology"
