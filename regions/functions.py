"""PostGIS functions that django.contrib.gis does not ship."""
from django.contrib.gis.db.models import GeometryField, PointField
from django.contrib.gis.db.models.functions import GeoFunc, GeomOutputGeoFunc
from django.db.models import Aggregate, BooleanField, FloatField, Func


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


class Geography(Func):
    """geom::geography: ST_Area, ST_Distance and ST_DWithin then measure on the WGS 84 spheroid,
    in metres (the geometry must be in SRID 4326)."""

    template = "(%(expressions)s)::geography"
    output_field = GeometryField(geography=True)


class MakePoint(Func):
    """ST_SetSRID(ST_MakePoint(x, y), 4326): a WGS 84 point from its longitude and latitude."""

    template = "ST_SetSRID(ST_MakePoint(%(expressions)s), 4326)"
    output_field = PointField(srid=4326)


class GeodesicDWithin(Func):
    """ST_DWithin(a::geography, b::geography, metres): within `metres` on the WGS 84 spheroid.
    (contrib.gis's `dwithin` lookup takes degrees for a geometry field in SRID 4326.)"""

    function = "ST_DWithin"
    output_field = BooleanField()

    def __init__(self, a, b, metres, **extra):
        super().__init__(Geography(a), Geography(b), metres, **extra)


class GeodesicDistance(Func):
    """ST_Distance(a::geography, b::geography): metres on the WGS 84 spheroid, as a float.
    (contrib.gis's Distance returns a Distance object and picks ST_DistanceSpheroid for
    geometries.)"""

    function = "ST_Distance"
    output_field = FloatField()

    def __init__(self, a, b, **extra):
        super().__init__(Geography(a), Geography(b), **extra)


class GeodesicArea(Func):
    """ST_Area(geom::geography): square metres on the WGS 84 spheroid, as a float."""

    function = "ST_Area"
    output_field = FloatField()

    def __init__(self, expression, **extra):
        super().__init__(Geography(expression), **extra)


class ForcePolygonCCW(GeomOutputGeoFunc):
    """ST_ForcePolygonCCW(geom): exterior rings counter-clockwise, holes clockwise, as RFC 7946
    (section 3.1.6) asks of GeoJSON polygons; other geometries are returned unchanged."""

    function = "ST_ForcePolygonCCW"


class GeodesicLength(Func):
    """ST_Length(geom::geography): metres along the WGS 84 spheroid (0 for points and polygons'
    interiors: only lines have a length), as a float."""

    function = "ST_Length"
    output_field = FloatField()

    def __init__(self, expression, **extra):
        super().__init__(Geography(expression), **extra)


class LineLocatePoint(GeoFunc):
    """ST_LineLocatePoint(line, point): where along the line (0 at its start, 1 at its end) the
    point nearest to `point` lies, as a fraction of the line's length in its own coordinates."""

    function = "ST_LineLocatePoint"
    output_field = FloatField()


class ClosestPoint(GeomOutputGeoFunc):
    """ST_ClosestPoint(a, b): the point of `a` nearest to `b`."""

    function = "ST_ClosestPoint"


class StartPoint(GeomOutputGeoFunc):
    """ST_StartPoint(line): its first vertex."""

    function = "ST_StartPoint"
