"""Tile cells per month, kept current by the writes (#18 target 3).

incidents_tile_cell gains the month (so a low-zoom tile with a date range reads the cells) and
sum_id instead of min_id (a sum stays right when a row leaves); statement-level triggers on
incidents_incident keep it current on every insert, update and delete (incidents/sql/
tile_cell.sql). The table is rebuilt here once (~10 s per million incidents)."""
from importlib import import_module

from django.db import migrations

from incidents.sql import sql

REFRESH = """
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
SELECT z, cx >> (11 - z), cy >> (11 - z), status, is_synthetic, event_type,
       month, sum(n), sum(sx), sum(sy), sum(sid)
  FROM base CROSS JOIN generate_series(0, 11) AS z
 GROUP BY z, 2, 3, status, is_synthetic, event_type, month;
UPDATE incidents_data_version SET tile_cells_version = version WHERE id = 1;
"""

FORWARD = ["DROP TABLE IF EXISTS incidents_tile_cell;", sql("tile_cell.sql"), REFRESH]

BACKWARD = [
    """DROP TRIGGER IF EXISTS incidents_incident_tile_cells_insert ON incidents_incident;
    DROP TRIGGER IF EXISTS incidents_incident_tile_cells_update ON incidents_incident;
    DROP TRIGGER IF EXISTS incidents_incident_tile_cells_delete ON incidents_incident;
    DROP TRIGGER IF EXISTS incidents_incident_tile_cells_truncate ON incidents_incident;
    DROP FUNCTION IF EXISTS incidents_tile_cells_apply();
    DROP TABLE IF EXISTS incidents_tile_cell;
    UPDATE incidents_data_version SET tile_cells_version = NULL WHERE id = 1;""",
    # The 0008 form (emptied: a rebuild by hand, refresh_tile_cells of that version, fills it).
    import_module("incidents.migrations.0008_tile_cells").TILE_CELL_0008,
]


class Migration(migrations.Migration):
    dependencies = [("incidents", "0011_datasets")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
