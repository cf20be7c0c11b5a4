"""Assign department, province and district to many incidents in one set-based statement."""
from contextlib import contextmanager

from django.db import connection

# One UPDATE: each incident joined laterally to incidents_areas_at (the function the per-row
# trigger uses: the district covering the point through the spatial index, lowest ubigeo on a
# shared border, areas finer than `area_level` left empty). Rows already right are not touched.
REASSIGN_SQL = """
UPDATE incidents_incident AS i
   SET department_id = a.department_id, province_id = a.province_id, district_id = a.district_id
  FROM incidents_incident AS j
 CROSS JOIN LATERAL incidents_areas_at(j.location, j.area_level) AS a
 WHERE i.id = j.id {where}
   AND (i.department_id, i.province_id, i.district_id)
       IS DISTINCT FROM (a.department_id, a.province_id, a.district_id)
"""


def reassign_areas(*, ids: list[int] | None = None) -> int:
    """Re-assign the areas of the given incidents (all when `ids` is None); returns how many changed."""
    where, params = ("AND j.id = ANY(%s)", [list(ids)]) if ids is not None else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(REASSIGN_SQL.format(where=where), params)
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
