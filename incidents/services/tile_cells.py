"""Rebuild the pre-counted tile clusters (incidents_tile_cell: incidents/sql/tile_cell.sql; without
the month split, incidents_tile_total: tile_total.sql) in one transaction: every incident's Web
Mercator cell at zoom 11 per status, synthetic flag, event type and month, then each stored zoom
(CELL_ZOOMS, TOTAL_ZOOMS) summed from it.

The triggers of tile_cell.sql keep the table current on every write; this rebuild is for a bulk
writer that skipped them (`deferred_tile_cells`) and for `manage.py refresh_tile_cells`. A writer
of many statements queues them instead (`queued_tile_cells`: one upsert at its end)."""
from contextlib import contextmanager

from django.db import connection, transaction

from ..tiles import GRID_ZOOM

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
SELECT z, cx >> ({GRID_ZOOM} - z), cy >> ({GRID_ZOOM} - z), status, is_synthetic, event_type,
       month, sum(n), sum(sx), sum(sy), sum(sid)
  FROM base CROSS JOIN unnest(incidents_tile_cell_zooms()) AS z
 GROUP BY z, 2, 3, status, is_synthetic, event_type, month
"""


TOTALS_SQL = """
SELECT incidents_tile_totals_sql('SELECT 1 AS sign, id, location, status, is_synthetic, event_type
  FROM incidents_incident')
"""

MONTH_COUNTS_SQL = """
SELECT incidents_month_counts_sql('SELECT 1 AS sign, id, location, status, is_synthetic, event_type,
       occurred_on, dataset_id, department_id, province_id, district_id, fatalities, injuries
  FROM incidents_incident')
"""


def refresh_tile_cells() -> int:
    """Recount every cell, the tile totals (incidents_tile_total, tile_total.sql) and the month
    counts (incidents_month_count, month_count.sql);
    returns how many cell rows there are now. Readers keep using the old counts until the
    transaction commits."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT version FROM incidents_data_version WHERE id = 1 FOR UPDATE")
        cursor.execute("SET LOCAL work_mem = '64MB'")  # the sort of every cell's rows, in memory
        cursor.execute("DELETE FROM incidents_tile_cell")
        cursor.execute(REFRESH_SQL)
        rows = cursor.rowcount
        cursor.execute("DELETE FROM incidents_tile_total")
        cursor.execute(TOTALS_SQL)
        cursor.execute(cursor.fetchone()[0])
        cursor.execute("DELETE FROM incidents_month_count")
        cursor.execute(MONTH_COUNTS_SQL)
        cursor.execute(cursor.fetchone()[0])
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


@contextmanager
def queued_tile_cells():
    """Within a transaction: the tile-cell triggers queue the changed rows of this block's
    statements (a temporary table) instead of upserting the cells once per statement; the
    block applies the queue in one upsert at its end (incidents_tile_cells_flush). For writers
    of one statement per row (the file importers): 100,000 small upserts become one. Readers
    of the cells see the block's writes once the transaction commits, as before."""
    if not connection.in_atomic_block:
        raise RuntimeError("queued_tile_cells() must run inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS incidents_tile_cell_queue (sign int, id bigint, location geometry,"
            " status varchar(20), is_synthetic boolean, event_type varchar(40), occurred_on date,"
            " dataset_id varchar(20), department_id bigint, province_id bigint, district_id bigint,"
            " fatalities integer, injuries integer) ON COMMIT DROP")
        cursor.execute("SET LOCAL incidents.defer_tile_cells = 'queue'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL incidents.defer_tile_cells = 'off'")
    with connection.cursor() as cursor:
        cursor.execute("SELECT incidents_tile_cells_flush()")
