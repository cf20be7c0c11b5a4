"""Tile cells for zooms 2, 5 and 8 only, a queue for writers of many statements, and the month
counts of the statistics (#18).

With the month split most cells of z9-z11 hold one incident (at 100,000 incidents: 94,637,
98,318 and 99,459 cell rows for z9, z10, z11), so counting them cost every write about as
many cell rows as it inserted, for tiles that the live query answers in ~10-20 ms. Tiles of
z9-z11 are now counted live; zooms 0-1, 3-4 and 6-7 are summed at read time from the next
stored zoom (incidents.tiles). The trigger's upsert is a function of its own
(incidents_tile_cells_sql) so a file import can queue its rows' changes and apply them once
(incidents_tile_cells_flush). Loads incidents/sql/tile_cell.sql; the cells of the dropped
zooms are deleted, the others stay as they are (same counts). incidents_month_count
(incidents/sql/month_count.sql) counts incidents per month, type, status, synthetic flag,
dataset and area for the statistics API, kept by triggers of the same kind; built here."""
from importlib import import_module

from django.db import migrations

from incidents.sql import sql

FORWARD = [
    sql("tile_cell.sql"),
    "DELETE FROM incidents_tile_cell WHERE zoom <> ALL (incidents_tile_cell_zooms());",
    sql("month_count.sql"),
    # The month counts of the incidents already there.
    """DO $$ BEGIN EXECUTE incidents_month_counts_sql('SELECT 1 AS sign, id, location, status, is_synthetic,
        event_type, occurred_on, dataset_id, department_id, province_id, district_id, fatalities, injuries
        FROM incidents_incident'); END $$;""",
]

# The 0012 form of the trigger function (zooms 0-11, the upsert inline), then the 0012 cells.
APPLY_0012 = r"""
CREATE OR REPLACE FUNCTION incidents_tile_cells_apply() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
    changes text;
BEGIN
    IF coalesce(current_setting('incidents.defer_tile_cells', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM incidents_tile_cell;
        RETURN NULL;
    END IF;
    changes := CASE TG_OP
        WHEN 'INSERT' THEN
            'SELECT 1 AS sign, id, location, status, is_synthetic, event_type, occurred_on FROM new_rows'
        WHEN 'DELETE' THEN
            'SELECT -1 AS sign, id, location, status, is_synthetic, event_type, occurred_on FROM old_rows'
        ELSE
            'SELECT s.* FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
              CROSS JOIN LATERAL (VALUES
                    (-1, o.id, o.location, o.status, o.is_synthetic, o.event_type, o.occurred_on),
                    (1, n.id, n.location, n.status, n.is_synthetic, n.event_type, n.occurred_on))
                    AS s(sign, id, location, status, is_synthetic, event_type, occurred_on)
              WHERE (o.status, o.is_synthetic, o.event_type, date_trunc(''month'', o.occurred_on), o.location)
                    IS DISTINCT FROM
                    (n.status, n.is_synthetic, n.event_type, date_trunc(''month'', n.occurred_on), n.location)'
        END;
    EXECUTE format($sql$
    INSERT INTO incidents_tile_cell AS t
           (zoom, cx, cy, status, is_synthetic, event_type, month, count, sum_mx, sum_my, sum_id)
    WITH points AS (
        SELECT sign, id, status, is_synthetic, event_type,
               date_trunc('month', occurred_on)::date AS month,
               incidents_mercator_x(location) AS mx, incidents_mercator_y(location) AS my
          FROM (%s) AS c
    ), base AS MATERIALIZED (  -- (inlined, the cell formulas were computed again per zoom)
        SELECT incidents_tile_cell_x(mx) AS cx, incidents_tile_cell_y(my) AS cy,
               status, is_synthetic, event_type, month,
               sum(sign) AS n, sum(sign * mx) AS sx, sum(sign * my) AS sy, sum(sign * id) AS sid
          FROM points GROUP BY 1, 2, status, is_synthetic, event_type, month
    )
    SELECT z, cx >> (11 - z), cy >> (11 - z), status, is_synthetic, event_type, month,
           sum(n), sum(sx), sum(sy), sum(sid)
      FROM base CROSS JOIN generate_series(0, 11) AS z
     GROUP BY z, 2, 3, status, is_synthetic, event_type, month
    HAVING sum(n) <> 0 OR sum(sid) <> 0 OR sum(sx) <> 0 OR sum(sy) <> 0
     ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (zoom, cx, cy, status, is_synthetic, event_type, month) DO UPDATE
       SET count = t.count + EXCLUDED.count, sum_mx = t.sum_mx + EXCLUDED.sum_mx,
           sum_my = t.sum_my + EXCLUDED.sum_my, sum_id = t.sum_id + EXCLUDED.sum_id
    $sql$, changes);
    -- The one order above (by key) is the order every writer locks cells in: two writers
    -- wait for each other rather than deadlock.
    DELETE FROM incidents_tile_cell WHERE count = 0;
    RETURN NULL;
END
$$;
"""

BACKWARD = [
    APPLY_0012,
    """DROP TRIGGER IF EXISTS incidents_incident_month_counts_insert ON incidents_incident;
    DROP TRIGGER IF EXISTS incidents_incident_month_counts_update ON incidents_incident;
    DROP TRIGGER IF EXISTS incidents_incident_month_counts_delete ON incidents_incident;
    DROP TRIGGER IF EXISTS incidents_incident_month_counts_truncate ON incidents_incident;
    DROP FUNCTION IF EXISTS incidents_month_counts_apply();
    DROP FUNCTION IF EXISTS incidents_month_counts_sql(text);
    DROP TABLE IF EXISTS incidents_month_count;
    DROP FUNCTION IF EXISTS incidents_tile_cells_flush();
    DROP FUNCTION IF EXISTS incidents_tile_cells_sql(text);
    DROP FUNCTION IF EXISTS incidents_tile_cell_zooms();
    DELETE FROM incidents_tile_cell;""",
    import_module("incidents.migrations.0012_tile_cells_month").REFRESH,
]


class Migration(migrations.Migration):
    dependencies = [("incidents", "0016_language_labels")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
