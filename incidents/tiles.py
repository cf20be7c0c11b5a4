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
from datetime import date, timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Value

from core.replicas import read_connection

MAX_ZOOM = 20
CLUSTER_MAX_ZOOM = 12  # z <= 12: clusters with counts; z >= 13: one feature per incident
CELLS = 8  # cluster grid per tile side: 32 px cells on a 256 px tile
# The zooms incidents_tile_cell holds per month (incidents_tile_cell_zooms() in
# incidents/sql/tile_cell.sql) and incidents_tile_total holds for all dates
# (incidents_tile_total_zooms(), tile_total.sql); a tile of a zoom between them sums the cells of
# the next stored zoom (2x2 or 4x4 into one). With a date filter z9-z11 are counted live: with
# the month split most of their cells would hold one incident.
CELL_ZOOMS = (2, 5, 8)
TOTAL_ZOOMS = (2, 5, 8, 11)
SUMMARY_MAX_ZOOM = max(CELL_ZOOMS)  # up to here, clusters of a date range may come pre-counted
TOTAL_MAX_ZOOM = max(TOTAL_ZOOMS)  # up to here, clusters of all dates may come pre-counted
GRID_ZOOM = 11  # incidents_tile_cell_x / _y give a point's cell at this zoom
# Filters the pre-counted cells can answer (status too, from who asks); any other → live query.
SUMMARY_FILTERS = {"synthetic", "event_type", "date_from", "date_to"}
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


# The clusters of a tile from the cells (their whole months), plus, for a date range that
# starts or ends inside a month, the incidents of those partial months counted live on the same
# grid ({live}: the same cell functions as the triggers, so a point lands in the same cell).
SUMMARY_SQL = f"""
WITH c AS (
    SELECT cx, cy, sum(count) AS count, sum(sx) AS sx, sum(sy) AS sy, sum(sid)::bigint AS id,
           min(event_type) AS event_type
      FROM (
        SELECT cx >> {{shift}} AS cx, cy >> {{shift}} AS cy, count, sum_mx AS sx, sum_my AS sy,
               sum_id AS sid, event_type
          FROM {{table}}
         WHERE zoom = {{stored}} AND cx BETWEEN {{scx0}} AND {{scx1}} AND cy BETWEEN {{scy0}} AND {{scy1}} {{where}}
        {{live}}
      ) AS u
     GROUP BY cx, cy
)
SELECT ST_AsMVT(t, 'incidents', {EXTENT}, 'geom') FROM (
    SELECT count, CASE WHEN count = 1 {{shown}} THEN id END AS id,
           CASE WHEN count = 1 {{shown}} THEN event_type END AS event_type,
           ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(sx / count, sy / count), 3857),
                        ST_TileEnvelope({{z}}, {{x}}, {{y}}), {EXTENT}, {BUFFER}, true) AS geom
      FROM c
) AS t
"""

LIVE_SQL = f"""
        UNION ALL
        SELECT cx, cy, 1, mx, my, id, event_type FROM (
            SELECT incidents_tile_cell_x(mx) >> ({GRID_ZOOM} - {{z}}) AS cx,
                   incidents_tile_cell_y(my) >> ({GRID_ZOOM} - {{z}}) AS cy, mx, my, id, event_type
              FROM (SELECT incidents_mercator_x(f.location) AS mx, incidents_mercator_y(f.location) AS my,
                           f.id, f.event_type FROM ({{filtered}}) AS f) AS m
        ) AS l
         WHERE cx BETWEEN {{cx0}} AND {{cx1}} AND cy BETWEEN {{cy0}} AND {{cy1}}
"""



def counted_where(params: dict, *, published_only: bool) -> tuple[list[str], list]:
    """The WHERE lines (and their values) on the pre-counted tables (tile cells, month counts)
    for the filters they share: status, the synthetic flag and one or several event types."""
    where, values = [], []
    if published_only:
        where.append("AND status = 'published'")
    synthetic = params.get("synthetic", "exclude")
    if synthetic != "include":
        where.append(f"AND is_synthetic = {'true' if synthetic == 'only' else 'false'}")
    if "event_type" in params:
        types = params["event_type"]
        where.append("AND event_type = ANY(%s)")
        values.append(list(types) if isinstance(types, (list, tuple)) else [types])
    return where, values

def _execute(sql: str, params) -> bytes:
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def tile_cells_fresh() -> bool:
    """The pre-counted cells have been built (by migration 0012 or refresh_tile_cells); from
    then on the triggers of incidents/sql/tile_cell.sql keep them current."""
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT tile_cells_version IS NOT NULL FROM incidents_data_version WHERE id = 1")
        row = cursor.fetchone()
        return bool(row and row[0])


# A cell of one incident names it (id, event type) unless that incident is of a dataset whose
# licence forbids redistribution and the reader may not have it: then it is only counted.
SHOWN_SQL = """AND NOT EXISTS (
    SELECT 1 FROM incidents_incident i JOIN incidents_dataset d ON d.slug = i.dataset_id
     WHERE i.id = c.id AND NOT d.redistribution)"""


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def whole_months(date_from: date | None, date_to: date | None) -> tuple[date | None, date | None]:
    """(first, last): the months (as their first day) a range from `date_from` to `date_to`
    (inclusive, either open) covers whole; None for an open end. first > last: none."""
    first = None if date_from is None else (date_from if date_from.day == 1 else _next_month(date_from))
    last = None
    if date_to is not None:
        month = date_to.replace(day=1)
        month_ends = (date_to + timedelta(days=1)).day == 1
        last = month if month_ends else (month - timedelta(days=1)).replace(day=1)
    return first, last


def _dated(params: dict) -> bool:
    """Whether `params` narrow the dates (the monthly cells answer it; else the totals)."""
    return "date_from" in params or "date_to" in params


def month_split(params: dict, queryset) -> tuple[list[str], list, object]:
    """For a table counted per month (`month`: its first day): the conditions (and their
    values) that keep the months the date range of `params` covers whole, and the incidents of
    `queryset` (already filtered by the whole range) in its partial first and last months, to
    be counted live (None when there are none)."""
    where, values = [], []
    if not _dated(params):
        return where, values, None
    first, last = whole_months(params.get("date_from"), params.get("date_to"))
    if first is not None and last is not None and first > last:
        return ["AND false"], values, queryset  # no whole month: every incident of the range is live
    if first is not None:
        where.append("AND month >= %s")
        values.append(first)
    if last is not None:
        where.append("AND month <= %s")
        values.append(last)
    edges = Q()
    if first is not None and first != params.get("date_from"):
        edges |= Q(occurred_on__lt=first)
    if last is not None and _next_month(last) - timedelta(days=1) != params.get("date_to"):
        edges |= Q(occurred_on__gte=_next_month(last))
    return where, values, (queryset.filter(edges) if edges and queryset is not None else None)


def summary_tile(z: int, x: int, y: int, *, params: dict, published_only: bool,
                 hide_restricted: bool = False, queryset=None) -> bytes:
    """The clusters of tile z/x/y read from the pre-counted cells (same grid, same answer as
    the live query for the filters in SUMMARY_FILTERS). A date range reads the months it covers
    whole from the cells and its partial first and last months from `queryset` (the incidents
    already filtered by the whole range), on the same grid."""
    from django.contrib.gis.geos import Polygon

    zooms, table = ((CELL_ZOOMS, "incidents_tile_cell") if _dated(params)
                    else (TOTAL_ZOOMS, "incidents_tile_total"))
    if z > max(zooms):
        raise ValueError(f"no tile cells above zoom {max(zooms)} for these filters, asked for {z}")
    stored = min(zoom for zoom in zooms if zoom >= z)
    shift = stored - z  # a cell of zoom z is 2^shift x 2^shift cells of the stored zoom
    tile = {"z": z, "x": x, "y": y, "cx0": CELLS * x, "cx1": CELLS * x + CELLS - 1,
            "cy0": CELLS * y, "cy1": CELLS * y + CELLS - 1, "stored": stored, "shift": shift,
            "scx0": (CELLS * x) << shift, "scx1": ((CELLS * x + CELLS) << shift) - 1,
            "scy0": (CELLS * y) << shift, "scy1": ((CELLS * y + CELLS) << shift) - 1}
    where, values = counted_where(params, published_only=published_only)
    live, live_values = "", []
    month_where, month_values, edges = month_split(params, queryset)
    where += month_where
    values += month_values
    if edges is not None:
        box = Polygon.from_bbox(tile_bounds_lonlat(z, x, y))
        box.srid = 4326
        filtered, live_values = (edges.filter(location__bboverlaps=box).order_by()
                                 .values("id", "event_type", "location").query.sql_with_params())
        live = LIVE_SQL.replace("{filtered}", filtered)
    # The tile's numbers are ours (ints), written into the text; the values are parameters.
    sql = SUMMARY_SQL.replace("{live}", live).replace("{where}", " ".join(where)).replace("{table}", table)
    sql = sql.replace("{shown}", SHOWN_SQL if hide_restricted else "")
    for key, value in tile.items():
        sql = sql.replace("{%s}" % key, str(int(value)))
    return _execute(sql, [*values, *live_values])


def incidents_tile(queryset, z: int, x: int, y: int, *, params: dict | None = None,
                   published_only: bool = True, hide_restricted: bool = False) -> bytes:
    """The incidents of `queryset` (already filtered) in tile z/x/y: clusters up to
    CLUSTER_MAX_ZOOM (`count`, plus `id` and `event_type` for a cell of one), then points.
    `hide_restricted`: incidents of a dataset whose licence forbids redistribution are only
    counted in clusters (no id, no type, even in a cell of one) and left out of the points.
    Up to SUMMARY_MAX_ZOOM (a date range) or TOTAL_MAX_ZOOM (all dates), when `params` holds
    only filters the pre-counted cells know and those are fresh, the clusters are read from them
    instead of counted."""
    from django.contrib.gis.geos import Polygon

    if (params is not None and z <= (SUMMARY_MAX_ZOOM if _dated(params) else TOTAL_MAX_ZOOM)
            and set(params) <= SUMMARY_FILTERS
            and tile_cells_fresh()):
        return summary_tile(z, x, y, params=params, published_only=published_only,
                            hide_restricted=hide_restricted, queryset=queryset)

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
    with read_connection().cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM incidents_data_version WHERE id = 1")
        return cursor.fetchone()[0]



# The incidents counted in the stored cells of SUMMARY_MAX_ZOOM that lie wholly inside a
# bounding box, for the months a date range covers whole, minus (for a reader from whom they
# are hidden) every incident of a restricted dataset that the same filters count anywhere
# (incidents_month_count): a lower bound of the matches in the box (the box's edge cells and
# partial months are left out). The explorer's count probe only asks "more than count_max?":
# when the bound already says so, no incident is read. Every cell row counts at least one
# incident, so the sum stops after `enough` rows (plus the hidden ones it subtracts: the work
# of the probe is bounded, as its live
# count is, but by narrow index rows instead of incidents under the whole box).
LOWER_BOUND_SQL = """
WITH hidden AS (SELECT coalesce(sum(incidents), 0) AS n FROM incidents_month_count WHERE {restricted} {where})
SELECT (SELECT coalesce(sum(count), 0) FROM (
            SELECT count FROM incidents_tile_cell
             WHERE zoom = %s AND cx BETWEEN %s AND %s AND cy BETWEEN %s AND %s {where}
             LIMIT %s + (SELECT n FROM hidden)) AS c)
     - (SELECT n FROM hidden)
"""


def count_at_least(params: dict, *, published_only: bool, hide_restricted: bool,
                   enough: int = 1_000_000) -> int | None:
    """A lower bound of the incidents matching `params` (a bounding box and filters the cells
    know), or None when a filter is not one of those or the cells are not built. Counting stops
    after `enough` cell rows (so a bound of `enough` or more is not the whole count)."""
    filters = {key for key in params if key not in ("page", "page_size", "ordering", "format", "hxl", "count_max")}
    if "bbox" not in filters or not filters - {"bbox"} <= SUMMARY_FILTERS or not tile_cells_fresh():
        return None
    minlon, minlat, maxlon, maxlat = params["bbox"].extent
    where, values = counted_where(params, published_only=published_only)
    month_where, month_values, _ = month_split(params, None)
    where += month_where
    values += month_values
    restricted = ("dataset_id IN (SELECT slug FROM incidents_dataset WHERE NOT redistribution)"
                  if hide_restricted else "false")
    sql = LOWER_BOUND_SQL.replace("{where}", " ".join(where)).replace("{restricted}", restricted)

    def mercator_y(lat: float) -> float:
        lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
        return math.log(math.tan(math.radians(90 + lat) / 2)) * MERCATOR_HALF / math.pi

    bound = 0
    # The coarsest zoom first: few rows with large counts; a finer one reaches closer to the
    # box's edges.
    for zoom in CELL_ZOOMS:
        size = 2 * MERCATOR_HALF / (2 ** zoom * CELLS)  # a cell's side at this zoom
        # Cells wholly inside the box (a little inwards: no point on the box's edge is in doubt).
        cx0 = math.ceil((minlon * MERCATOR_HALF / 180 + MERCATOR_HALF) / size + 1e-9)
        cx1 = math.floor((maxlon * MERCATOR_HALF / 180 + MERCATOR_HALF) / size - 1e-9) - 1
        cy0 = math.ceil((MERCATOR_HALF - mercator_y(maxlat)) / size + 1e-9)
        cy1 = math.floor((MERCATOR_HALF - mercator_y(minlat)) / size - 1e-9) - 1
        if cx0 > cx1 or cy0 > cy1:
            continue
        with read_connection().cursor() as cursor:
            cursor.execute(sql, [*values, zoom, cx0, cx1, cy0, cy1, *values, enough])
            bound = max(bound, int(cursor.fetchone()[0]))
        if bound >= enough:
            break
    return bound
