"""Mapbox vector tiles of incidents and of incident counts per district, built by PostGIS
(ST_AsMVT) from the same filtered queryset as the API.

Tiles are addressed in Web Mercator (EPSG:3857, z/x/y as in OpenStreetMap). Each tile's WGS 84
bounding box is exact (Mercator keeps meridians and parallels straight), so incidents are
selected with `location && box` on the existing GiST index of `location`; no 3857 index is
needed (docs/performance.md has the EXPLAIN). Up to CLUSTER_MAX_ZOOM the incidents are counted
per cell of a CELLS x CELLS grid aligned on the tile, so a cell never straddles two tiles; the
Mercator coordinates of the points are computed with arithmetic instead of ST_Transform, and
only one point per cell (the mean of its points) is transformed into tile coordinates.
"""
import math

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Value

MAX_ZOOM = 20
CLUSTER_MAX_ZOOM = 12  # z <= 12: clusters with counts; z >= 13: one feature per incident
CELLS = 8  # cluster grid per tile side: 32 px cells on a 256 px tile
SUMMARY_MAX_ZOOM = 11  # up to here, clusters may come pre-counted (incidents_tile_cell)
# Filters the pre-counted cells can answer (status too, from who asks); any other → live query.
SUMMARY_FILTERS = {"synthetic", "event_type"}
EXTENT = 4096
BUFFER = 64
MERCATOR_HALF = 20037508.342789244  # half the Web Mercator world width, in metres
MAX_LATITUDE = 85.0511287798066


def tile_bounds_lonlat(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(minlon, minlat, maxlon, maxlat) of tile z/x/y."""
    n = 2 ** z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return (x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y))


def tile_bounds_mercator(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    size = 2 * MERCATOR_HALF / 2 ** z
    return (-MERCATOR_HALF + x * size, MERCATOR_HALF - (y + 1) * size,
            -MERCATOR_HALF + (x + 1) * size, MERCATOR_HALF - y * size)


# Web Mercator from longitude/latitude in plain arithmetic (the same formula PostGIS applies),
# for grouping points into cells without transforming each one.
MERC_X = f"(ST_X(f.location) * {MERCATOR_HALF} / 180.0)"
MERC_Y = (f"(ln(tan(radians(90.0 + greatest(-{MAX_LATITUDE}, least({MAX_LATITUDE}, ST_Y(f.location))))"
          f" / 2.0)) * {MERCATOR_HALF} / pi())")

CLUSTER_SQL = f"""
WITH cells AS (
    SELECT least(floor(({MERC_X} - %(xmin)s) / %(cell)s), {CELLS - 1}) AS cx,
           least(floor(({MERC_Y} - %(ymin)s) / %(cell)s), {CELLS - 1}) AS cy,
           {MERC_X} AS mx, {MERC_Y} AS my, f.id, f.event_type, f.hidden
      FROM ({{filtered}}) AS f
), clusters AS (
    SELECT count(*) AS count, avg(mx) AS mx, avg(my) AS my,
           CASE WHEN count(*) = 1 AND NOT bool_or(hidden) THEN min(id) END AS id,
           CASE WHEN count(*) = 1 AND NOT bool_or(hidden) THEN min(event_type) END AS event_type
      FROM cells GROUP BY cx, cy
)
SELECT ST_AsMVT(t, 'incidents', {EXTENT}, 'geom') FROM (
    SELECT count, id, event_type,
           ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(mx, my), 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                        {EXTENT}, {BUFFER}, true) AS geom
      FROM clusters
) AS t
"""

POINTS_SQL = f"""
SELECT ST_AsMVT(t, 'incidents', {EXTENT}, 'geom') FROM (
    SELECT 1 AS count, f.id, f.event_type, f.sub_event_type, f.geo_precision,
           f.occurred_on::text AS occurred_on, f.fatalities,
           ST_AsMVTGeom(ST_Transform(f.location, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                        {EXTENT}, {BUFFER}, true) AS geom
      FROM ({{filtered}}) AS f
     WHERE NOT f.hidden
) AS t
"""

DISTRICTS_SQL = f"""
SELECT ST_AsMVT(t, 'districts', {EXTENT}, 'geom') FROM (
    SELECT d.ubigeo, d.name, c.incidents,
           ST_AsMVTGeom(ST_Transform(ST_SimplifyPreserveTopology(d.geom, %(tolerance)s), 3857),
                        ST_TileEnvelope(%(z)s, %(x)s, %(y)s), {EXTENT}, {BUFFER}, true) AS geom
      FROM unnest(%(ids)s::bigint[], %(counts)s::int[]) AS c(id, incidents)
      JOIN regions_adminarea AS d ON d.id = c.id
     WHERE d.geom && ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)
) AS t WHERE t.geom IS NOT NULL
"""


SUMMARY_SQL = f"""
WITH c AS (
    SELECT sum(count) AS count, sum(sum_mx) AS sx, sum(sum_my) AS sy, min(min_id) AS id,
           min(event_type) AS event_type
      FROM incidents_tile_cell
     WHERE zoom = %(z)s AND cx BETWEEN %(cx0)s AND %(cx1)s AND cy BETWEEN %(cy0)s AND %(cy1)s {{where}}
     GROUP BY cx, cy
)
SELECT ST_AsMVT(t, 'incidents', {EXTENT}, 'geom') FROM (
    SELECT count, CASE WHEN count = 1 {{shown}} THEN id END AS id,
           CASE WHEN count = 1 {{shown}} THEN event_type END AS event_type,
           ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(sx / count, sy / count), 3857),
                        ST_TileEnvelope(%(z)s, %(x)s, %(y)s), {EXTENT}, {BUFFER}, true) AS geom
      FROM c
) AS t
"""


def _execute(sql: str, params) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def tile_cells_fresh() -> bool:
    """The pre-counted cells were rebuilt after the last write to incidents."""
    with connection.cursor() as cursor:
        # The finest zoom must be there too: a table counted with another SUMMARY_MAX_ZOOM is not.
        cursor.execute(
            "SELECT version = tile_cells_version AND EXISTS ("
            "SELECT 1 FROM incidents_tile_cell WHERE zoom = %s) FROM incidents_data_version WHERE id = 1",
            [SUMMARY_MAX_ZOOM])
        return bool(cursor.fetchone()[0])


# A cell of one incident names it (id, event type) unless that incident is of a dataset whose
# licence forbids redistribution and the reader may not have it: then it is only counted.
SHOWN_SQL = """AND NOT EXISTS (
    SELECT 1 FROM incidents_incident i JOIN incidents_dataset d ON d.slug = i.dataset_id
     WHERE i.id = c.id AND NOT d.redistribution)"""


def summary_tile(z: int, x: int, y: int, *, params: dict, published_only: bool,
                 hide_restricted: bool = False) -> bytes:
    """The clusters of tile z/x/y read from the pre-counted cells (same grid, same answer as
    the live query for the filters in SUMMARY_FILTERS)."""
    where, values = [], {"z": z, "x": x, "y": y, "cx0": CELLS * x, "cx1": CELLS * x + CELLS - 1,
                         "cy0": CELLS * y, "cy1": CELLS * y + CELLS - 1}
    if published_only:
        where.append("AND status = 'published'")
    synthetic = params.get("synthetic", "exclude")
    if synthetic != "include":
        where.append(f"AND is_synthetic = {'true' if synthetic == 'only' else 'false'}")
    if "event_type" in params:
        where.append("AND event_type = ANY(%(event_type)s)")
        types = params["event_type"]
        values["event_type"] = list(types) if isinstance(types, (list, tuple)) else [types]
    sql = SUMMARY_SQL.replace("{where}", " ".join(where))
    return _execute(sql.replace("{shown}", SHOWN_SQL if hide_restricted else ""), values)


def incidents_tile(queryset, z: int, x: int, y: int, *, params: dict | None = None,
                   published_only: bool = True, hide_restricted: bool = False) -> bytes:
    """The incidents of `queryset` (already filtered) in tile z/x/y: clusters up to
    CLUSTER_MAX_ZOOM (`count`, plus `id` and `event_type` for a cell of one), then points.
    `hide_restricted`: incidents of a dataset whose licence forbids redistribution are only
    counted in clusters (no id, no type, even in a cell of one) and left out of the points.
    Up to SUMMARY_MAX_ZOOM, when `params` holds only filters the pre-counted cells know and
    those are fresh, the clusters are read from them instead of counted."""
    from django.contrib.gis.geos import Polygon

    if (params is not None and z <= SUMMARY_MAX_ZOOM and set(params) <= SUMMARY_FILTERS
            and tile_cells_fresh()):
        return summary_tile(z, x, y, params=params, published_only=published_only,
                            hide_restricted=hide_restricted)

    box = Polygon.from_bbox(tile_bounds_lonlat(z, x, y))
    box.srid = 4326
    columns = ["id", "event_type", "sub_event_type", "geo_precision", "occurred_on", "fatalities", "location"]
    hidden = (ExpressionWrapper(Q(dataset__redistribution=False), output_field=BooleanField())
              if hide_restricted else Value(False))
    filtered, params = (
        queryset.filter(location__bboverlaps=box).order_by().values(*columns, hidden=hidden)
        .query.sql_with_params()
    )
    tile = {"z": z, "x": x, "y": y}
    if z <= CLUSTER_MAX_ZOOM:
        xmin, ymin, xmax, _ = tile_bounds_mercator(z, x, y)
        tile.update(xmin=xmin, ymin=ymin, cell=(xmax - xmin) / CELLS)
        sql = CLUSTER_SQL
    else:
        sql = POINTS_SQL
    # The filtered query's parameters are positional (%s); the tile's are numbers we computed,
    # written into the text (repr of an int or float) before the filter is put in.
    text = sql % {key: repr(value) for key, value in tile.items()}
    return _execute(text.replace("{filtered}", filtered), params)


def district_counts(queryset) -> tuple[list[int], list[int]]:
    """(district ids, incident counts) of the filtered incidents, one grouped query."""
    rows = (
        queryset.filter(district__isnull=False).order_by().values_list("district_id")
        .annotate(n=Count("id")).values_list("district_id", "n")
    )
    ids, counts = [], []
    for district_id, n in rows:
        ids.append(district_id)
        counts.append(n)
    return ids, counts


def districts_tile(counts: tuple[list[int], list[int]], z: int, x: int, y: int) -> bytes:
    """District polygons in tile z/x/y with their incident count (`incidents`); districts
    without incidents are left out. Outlines are simplified to half a pixel."""
    minlon, minlat, maxlon, maxlat = tile_bounds_lonlat(z, x, y)
    ids, numbers = counts
    return _execute(DISTRICTS_SQL, {
        "z": z, "x": x, "y": y, "ids": ids, "counts": numbers,
        "minlon": minlon, "minlat": minlat, "maxlon": maxlon, "maxlat": maxlat,
        "tolerance": (maxlon - minlon) / 512,
    })


def data_version(*, published_only: bool = False) -> int:
    """`version` grows with every statement that writes incidents or their actor links;
    `published_version` only with those that write a row that is or was published, or the
    advisory zones and areas (the triggers of incidents/sql/bump_data_version.sql: migration
    0007, `published_version` since 0010). What anonymous users receive, ETags included, is
    keyed by the second, so drafts leave no trace in it."""
    column = "published_version" if published_only else "version"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM incidents_data_version WHERE id = 1")
        return cursor.fetchone()[0]

