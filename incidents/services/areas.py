"""Assign department, province and district to many incidents in one set-based statement."""
from contextlib import contextmanager

from django.db import connection

# One UPDATE. `hit`: for each incident, the covering district with the lowest ubigeo (a point on
# a shared border touches both). The join runs district by district through the incidents'
# spatial index, so each district polygon is prepared once for all its points (point by point,
# probing the districts' index, the polygons would be re-prepared for almost every row: ~10x
# slower, see docs/performance.md). Points no district covers (slivers between the published
# districts, or outside Peru) fall back to incidents_areas_at, the per-row trigger's function
# (province, then department polygons), evaluated only for them. Areas finer than the
# incident's `area_level` stay empty. Rows already right are not touched.
# `{source}`: the table of the points (incidents_incident, or the staged rows of
# insert_with_areas), `{key}` its key column; `{where}` narrows it (alias j).
AREAS_SQL = """
WITH hit AS (
    SELECT DISTINCT ON (j.{key}) j.{key} AS key, d.id AS district_id, d.parent_id AS province_id,
           p.parent_id AS department_id
      FROM regions_adminarea AS d
      JOIN regions_adminarea AS p ON p.id = d.parent_id
      JOIN {source} AS j ON ST_Intersects(d.geom, j.location)
     WHERE d.level = 'district' {where}
     ORDER BY j.{key}, d.ubigeo
), assigned AS (
    SELECT j.{key} AS key,
           CASE WHEN h.key IS NULL THEN (incidents_areas_at(j.location, j.area_level)).department_id
                ELSE h.department_id END AS department_id,
           CASE WHEN h.key IS NULL THEN (incidents_areas_at(j.location, j.area_level)).province_id
                WHEN j.area_level = 'department' THEN NULL ELSE h.province_id END AS province_id,
           CASE WHEN h.key IS NULL THEN (incidents_areas_at(j.location, j.area_level)).district_id
                WHEN j.area_level <> 'district' THEN NULL ELSE h.district_id END AS district_id
      FROM {source} AS j
      LEFT JOIN hit AS h ON h.key = j.{key}
     WHERE true {where}
)
"""

REASSIGN_SQL = AREAS_SQL.replace("{source}", "incidents_incident").replace("{key}", "id") + """
UPDATE incidents_incident AS i
   SET department_id = a.department_id, province_id = a.province_id, district_id = a.district_id
  FROM assigned AS a
 WHERE i.id = a.key
   AND (i.department_id, i.province_id, i.district_id)
       IS DISTINCT FROM (a.department_id, a.province_id, a.district_id)
"""

STAGED = "incidents_staged"


def insert_with_areas(select_sql: str, params, *, columns: list[str], conflict: str = "") -> int:
    """INSERT INTO incidents_incident the rows of `select_sql` (its columns are `columns`, in
    that order; `location` and `area_level` among them), each written once with its
    department, province and district computed in the same INSERT ... SELECT. Returns how many
    rows were inserted. `conflict`: an ON CONFLICT clause for the INSERT.

    The rows are first staged in a temporary table (no WAL, dropped at commit) with a spatial
    index, so the same district-by-district join as reassign_areas finds their areas: points
    without an index would be matched point by point, each district polygon prepared again
    for almost every point (~10x slower, docs/performance.md). Must run inside a transaction
    (the per-row trigger is told to leave these rows alone)."""
    if not connection.in_atomic_block:
        raise RuntimeError("insert_with_areas() must run inside transaction.atomic()")
    names = ", ".join(columns)
    staged = ", ".join(f"s.{name}" for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGED}")
        cursor.execute(f"CREATE TEMP TABLE {STAGED} ON COMMIT DROP AS "
                       f"SELECT row_number() OVER () AS k, s.* FROM ({select_sql}) AS s({names})", params)
        cursor.execute(f"CREATE INDEX ON {STAGED} USING gist (location)")
        cursor.execute(f"ANALYZE {STAGED}")  # the join's plan needs its size (see reassign_areas)
        cursor.execute("SELECT set_config('incidents.defer_area_assignment', 'on', true)")
        try:
            cursor.execute(
                AREAS_SQL.replace("{source}", STAGED).replace("{key}", "k").replace("{where}", "")
                + f"INSERT INTO incidents_incident ({names}, department_id, province_id, district_id) "
                f"SELECT {staged}, a.department_id, a.province_id, a.district_id "
                f"FROM {STAGED} AS s JOIN assigned AS a ON a.key = s.k ORDER BY s.k {conflict}")
            inserted = cursor.rowcount
        finally:
            cursor.execute("SELECT set_config('incidents.defer_area_assignment', 'off', true)")
        cursor.execute(f"DROP TABLE {STAGED}")
    return inserted


# Re-assigning at least this many rows refreshes the incidents' statistics first (see below).
ANALYZE_ABOVE = 1000


def reassign_areas(
    *, ids: list[int] | None = None, id_above: int | None = None, synthetic: bool | None = None
) -> int:
    """Re-assign the areas of the given incidents (all when no argument narrows them): `ids`,
    those with an id above `id_above`, synthetic or real ones. Returns how many changed."""
    where, params = [], []
    if ids is not None:
        where.append("AND j.id = ANY(%s)")
        params.append(list(ids))
    if id_above is not None:
        where.append("AND j.id > %s")
        params.append(id_above)
    if synthetic is not None:
        where.append("AND j.is_synthetic = %s")
        params.append(synthetic)
    with connection.cursor() as cursor:
        if ids is None or len(ids) >= ANALYZE_ABOVE:
            # The plan above needs the planner to know how many incidents there are: with
            # statistics from an empty or much smaller table (a first import, rows written in
            # this same transaction) it scans the incidents once per district instead, 20x
            # slower (13 s → 266 s for 23,100 points in tests/incidents/test_reassign_vs_sjoin.py).
            # ANALYZE samples at most 30,000 rows (a fraction of a second at 1M) and counts the
            # rows this transaction wrote.
            cursor.execute("ANALYZE incidents_incident")
        cursor.execute(REASSIGN_SQL.replace("{where}", " ".join(where)), params * 2)
        return cursor.rowcount


@contextmanager
def deferred_area_assignment():
    """Within a transaction: the per-row trigger skips area assignment until the block ends;
    the caller runs `reassign_areas` for the rows it wrote."""
    if not connection.in_atomic_block:
        raise RuntimeError("deferred_area_assignment() must run inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL incidents.defer_area_assignment = 'on'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL incidents.defer_area_assignment = 'off'")
