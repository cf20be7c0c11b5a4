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
REASSIGN_SQL = """
WITH hit AS (
    SELECT DISTINCT ON (j.id) j.id, d.id AS district_id, d.parent_id AS province_id,
           p.parent_id AS department_id
      FROM regions_adminarea AS d
      JOIN regions_adminarea AS p ON p.id = d.parent_id
      JOIN incidents_incident AS j ON ST_Intersects(d.geom, j.location)
     WHERE d.level = 'district' {where}
     ORDER BY j.id, d.ubigeo
), assigned AS (
    SELECT j.id,
           CASE WHEN h.id IS NULL THEN (incidents_areas_at(j.location, j.area_level)).department_id
                ELSE h.department_id END AS department_id,
           CASE WHEN h.id IS NULL THEN (incidents_areas_at(j.location, j.area_level)).province_id
                WHEN j.area_level = 'department' THEN NULL ELSE h.province_id END AS province_id,
           CASE WHEN h.id IS NULL THEN (incidents_areas_at(j.location, j.area_level)).district_id
                WHEN j.area_level <> 'district' THEN NULL ELSE h.district_id END AS district_id
      FROM incidents_incident AS j
      LEFT JOIN hit AS h ON h.id = j.id
     WHERE true {where}
)
UPDATE incidents_incident AS i
   SET department_id = a.department_id, province_id = a.province_id, district_id = a.district_id
  FROM assigned AS a
 WHERE i.id = a.id
   AND (i.department_id, i.province_id, i.district_id)
       IS DISTINCT FROM (a.department_id, a.province_id, a.district_id)
"""


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
        cursor.execute(REASSIGN_SQL.format(where=" ".join(where)), params * 2)
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
