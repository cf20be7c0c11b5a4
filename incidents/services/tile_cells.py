"""Rebuild the pre-counted tile clusters (incidents_tile_cell: incidents/sql/tile_cell.sql) in one
transaction: every incident's Web Mercator cell at SUMMARY_MAX_ZOOM per status, synthetic flag,
event type and month, then each coarser zoom summed from it.

The triggers of tile_cell.sql keep the table current on every write; this rebuild is for a bulk
writer that skipped them (`deferred_tile_cells`) and for `manage.py refresh_tile_cells`."""
from contextlib import contextmanager

from django.db import connection, transaction

from ..tiles import SUMMARY_MAX_ZOOM

REFRESH_SQL = f"""
INSERT INTO incidents_tile_cell (zoom, cx, cy, status, is_synthetic, event_type, month, count, sum_mx, sum_my, sum_id)
WITH points AS (
    SELECT f.id, f.status, f.is_synthetic, f.event_type, date_trunc('month', f.occurred_on)::date AS month,
           incidents_mercator_x(f.location) AS mx, incidents_mercator_y(f.location) AS my
      FROM incidents_incident AS f
), base AS MATERIALIZED (
    SELECT incidents_tile_cell_x(mx) AS cx, incidents_tile_cell_y(my) AS cy,
           status, is_synthetic, event_type, month, count(*) AS n, sum(mx) AS sx, sum(my) AS sy, sum(id) AS sid
      FROM points GROUP BY 1, 2, status, is_synthetic, event_type, month
)
SELECT z, cx >> ({SUMMARY_MAX_ZOOM} - z), cy >> ({SUMMARY_MAX_ZOOM} - z), status, is_synthetic, event_type,
       month, sum(n), sum(sx), sum(sy), sum(sid)
  FROM base CROSS JOIN generate_series(0, {SUMMARY_MAX_ZOOM}) AS z
 GROUP BY z, 2, 3, status, is_synthetic, event_type, month
"""


def refresh_tile_cells() -> int:
    """Recount every cell; returns how many cell rows there are now. Readers keep using the
    old counts until the transaction commits."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT version FROM incidents_data_version WHERE id = 1 FOR UPDATE")
        cursor.execute("SET LOCAL work_mem = '64MB'")  # the sort of every cell's rows, in memory
        cursor.execute("DELETE FROM incidents_tile_cell")
        cursor.execute(REFRESH_SQL)
        rows = cursor.rowcount
        cursor.execute("UPDATE incidents_data_version SET tile_cells_version = version WHERE id = 1")
    return rows


@contextmanager
def deferred_tile_cells():
    """Within a transaction: the tile-cell triggers skip this transaction's writes; the block
    rebuilds the cells at its end (one pass over the table instead of one per statement)."""
    if not connection.in_atomic_block:
        raise RuntimeError("deferred_tile_cells() must run inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL incidents.defer_tile_cells = 'on'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL incidents.defer_tile_cells = 'off'")
    refresh_tile_cells()
