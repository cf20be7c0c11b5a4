"""Rebuild the pre-counted tile clusters (incidents_tile_cell: incidents/sql/tile_cell.sql,
migration 0008) in one transaction: every incident's Web Mercator cell at SUMMARY_MAX_ZOOM, then
each coarser zoom summed from it."""
from django.db import connection, transaction

from ..tiles import CELLS, MERC_X, MERC_Y, MERCATOR_HALF, SUMMARY_MAX_ZOOM

GRID = CELLS * 2 ** SUMMARY_MAX_ZOOM  # cells per world side at the finest summarised zoom

REFRESH_SQL = f"""
INSERT INTO incidents_tile_cell (zoom, cx, cy, status, is_synthetic, event_type, count, sum_mx, sum_my, min_id)
WITH points AS (
    SELECT f.id, f.status, f.is_synthetic, f.event_type, {MERC_X} AS mx, {MERC_Y} AS my
      FROM incidents_incident AS f
), base AS (
    SELECT least({GRID - 1}, greatest(0, floor((mx + {MERCATOR_HALF}) / {2 * MERCATOR_HALF} * {GRID})))::int AS cx,
           least({GRID - 1}, greatest(0, floor(({MERCATOR_HALF} - my) / {2 * MERCATOR_HALF} * {GRID})))::int AS cy,
           status, is_synthetic, event_type, count(*) AS n, sum(mx) AS sx, sum(my) AS sy, min(id) AS first
      FROM points GROUP BY 1, 2, status, is_synthetic, event_type
)
SELECT z, cx >> ({SUMMARY_MAX_ZOOM} - z), cy >> ({SUMMARY_MAX_ZOOM} - z), status, is_synthetic, event_type,
       sum(n), sum(sx), sum(sy), min(first)
  FROM base CROSS JOIN generate_series(0, {SUMMARY_MAX_ZOOM}) AS z
 GROUP BY z, 2, 3, status, is_synthetic, event_type
"""


def refresh_tile_cells() -> int:
    """Recount every cell; returns how many cell rows there are now. Readers keep using the
    old counts (or the incidents themselves) until the transaction commits."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT version FROM incidents_data_version WHERE id = 1 FOR UPDATE")
        cursor.execute("DELETE FROM incidents_tile_cell")
        cursor.execute(REFRESH_SQL)
        rows = cursor.rowcount
        cursor.execute("UPDATE incidents_data_version SET tile_cells_version = version WHERE id = 1")
    return rows
