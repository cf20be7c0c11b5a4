"""Tile totals: the pre-counted clusters without the month split, for zooms 2, 5, 8 and 11 (#18).

Tiles with no date filter (the explorer's first view) read incidents_tile_total
(incidents/sql/tile_total.sql) instead of the monthly cells (a z6 tile over the VRAEM read
269,387 monthly rows at 1,000,000 incidents) or, at z9-z11, every incident under the tile.
Loads tile_total.sql (table, triggers), then month_count.sql (the queue's flush adds the
totals too), and counts the incidents already there."""
from django.db import migrations

from incidents.sql import sql

FORWARD = [
    sql("tile_total.sql"),
    sql("month_count.sql"),
    """DO $$ BEGIN EXECUTE incidents_tile_totals_sql(
        'SELECT 1 AS sign, id, location, status, is_synthetic, event_type FROM incidents_incident'); END $$;""",
]

# The 0017 form of the queue's flush (month_count.sql before this migration).
FLUSH_0017 = r"""
CREATE OR REPLACE FUNCTION incidents_tile_cells_flush() RETURNS void
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
BEGIN
    EXECUTE incidents_tile_cells_sql('SELECT * FROM pg_temp.incidents_tile_cell_queue');
    DELETE FROM incidents_tile_cell WHERE count = 0;
    EXECUTE incidents_month_counts_sql('SELECT * FROM pg_temp.incidents_tile_cell_queue');
    DELETE FROM incidents_month_count WHERE incidents = 0;
    TRUNCATE pg_temp.incidents_tile_cell_queue;
END
$$;
"""

BACKWARD = [
    FLUSH_0017,
    """DROP TRIGGER IF EXISTS incidents_incident_tile_totals_insert ON incidents_incident;
    DROP TRIGGER IF EXISTS incidents_incident_tile_totals_update ON incidents_incident;
    DROP TRIGGER IF EXISTS incidents_incident_tile_totals_delete ON incidents_incident;
    DROP TRIGGER IF EXISTS incidents_incident_tile_totals_truncate ON incidents_incident;
    DROP FUNCTION IF EXISTS incidents_tile_totals_apply();
    DROP FUNCTION IF EXISTS incidents_tile_totals_sql(text);
    DROP TABLE IF EXISTS incidents_tile_total;
    DROP FUNCTION IF EXISTS incidents_tile_total_zooms();""",
]


class Migration(migrations.Migration):
    dependencies = [("incidents", "0017_tile_cells_fewer_zooms")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
