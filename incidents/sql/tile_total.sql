-- Table incidents_tile_total: the pre-counted clusters of a tile when no date filter applies (the
-- explorer's first view, "All dates"). The same cells as incidents_tile_cell (tile_cell.sql:
-- 8 x 8 per tile, the grid incidents.tiles clusters on), split by status, synthetic flag and
-- event type but not by month, for zooms 2, 5, 8 and 11 (incidents_tile_total_zooms();
-- incidents.tiles.TOTAL_ZOOMS). Why a second table: with the month split a z6 tile over the
-- VRAEM read 269,387 cell rows at 1,000,000 synthetic incidents spread over 546 months (~120 ms),
-- and z9-z11, which the monthly cells do not hold, were counted live (a z9 tile around Pichari:
-- 89,364 incidents, ~190-380 ms). Here a tile reads at most its 8 x 8 cells x 4 x 4 x their
-- splits. A tile of a zoom between the stored ones adds up 2x2 or 4x4 cells of the next finer
-- stored zoom (incidents.tiles.summary_tile).
--
-- Kept current by the writes themselves, as the monthly cells: statement-level triggers add
-- every inserted row, subtract every deleted one and move every updated row whose status,
-- synthetic flag, event type or location changed, in one set-based upsert per statement; rows
-- whose count falls to 0 are deleted. The setting incidents.defer_tile_cells steers them as it
-- steers the cells: 'on' skips them (refresh_tile_cells rebuilds every pre-counted table),
-- 'queue' leaves the changed rows in the queue the tile-cell trigger fills, and
-- incidents_tile_cells_flush() (month_count.sql) applies the queue here too.
--
-- History: created by incidents/0018_tile_totals.
-- Loaded by: 0018_tile_totals

CREATE OR REPLACE FUNCTION incidents_tile_total_zooms() RETURNS int[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ARRAY[2, 5, 8, 11] $$;

CREATE TABLE IF NOT EXISTS incidents_tile_total (
    zoom smallint NOT NULL,
    cx integer NOT NULL,
    cy integer NOT NULL,
    status varchar(20) NOT NULL,
    is_synthetic boolean NOT NULL,
    event_type varchar(40) NOT NULL,
    count integer NOT NULL,
    sum_mx double precision NOT NULL,
    sum_my double precision NOT NULL,
    sum_id bigint NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS incidents_tile_total_key
    ON incidents_tile_total (zoom, cx, cy, status, is_synthetic, event_type);
CREATE INDEX IF NOT EXISTS incidents_tile_total_empty ON incidents_tile_total (zoom) WHERE count = 0;

-- incidents_tile_totals_sql(changes): the statement that adds the rows of the query `changes`
-- (sign, id, location, status, is_synthetic, event_type, then any other columns) to the
-- totals, as incidents_tile_cells_sql does to the monthly cells (the same cell functions, so
-- a point lands in the same cell in both tables). The caller deletes the rows left at 0.
CREATE OR REPLACE FUNCTION incidents_tile_totals_sql(changes text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT format($sql$
    INSERT INTO incidents_tile_total AS t
           (zoom, cx, cy, status, is_synthetic, event_type, count, sum_mx, sum_my, sum_id)
    WITH points AS (
        SELECT sign, id, status, is_synthetic, event_type,
               incidents_mercator_x(location) AS mx, incidents_mercator_y(location) AS my
          FROM (%s) AS c
    ), base AS MATERIALIZED (
        SELECT incidents_tile_cell_x(mx) AS cx, incidents_tile_cell_y(my) AS cy,
               status, is_synthetic, event_type,
               sum(sign) AS n, sum(sign * mx) AS sx, sum(sign * my) AS sy, sum(sign * id) AS sid
          FROM points GROUP BY 1, 2, status, is_synthetic, event_type
    )
    SELECT z, cx >> (11 - z), cy >> (11 - z), status, is_synthetic, event_type,
           sum(n), sum(sx), sum(sy), sum(sid)
      FROM base CROSS JOIN unnest(incidents_tile_total_zooms()) AS z
     GROUP BY z, 2, 3, status, is_synthetic, event_type
    HAVING sum(n) <> 0 OR sum(sid) <> 0 OR sum(sx) <> 0 OR sum(sy) <> 0
     ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (zoom, cx, cy, status, is_synthetic, event_type) DO UPDATE
       SET count = t.count + EXCLUDED.count, sum_mx = t.sum_mx + EXCLUDED.sum_mx,
           sum_my = t.sum_my + EXCLUDED.sum_my, sum_id = t.sum_id + EXCLUDED.sum_id
    $sql$, changes)
$fn$;
-- (Ordered by key, as the cells: concurrent writers lock rows in one order and never deadlock.)

-- The trigger function (the tile-cell trigger's twin; in 'queue' mode that trigger queues the
-- rows for both).
CREATE OR REPLACE FUNCTION incidents_tile_totals_apply() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
    mode text := coalesce(current_setting('incidents.defer_tile_cells', true), '');
    changes text;
BEGIN
    IF mode IN ('on', 'queue') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM incidents_tile_total;
        RETURN NULL;
    END IF;
    changes := CASE TG_OP
        WHEN 'INSERT' THEN
            'SELECT 1 AS sign, id, location, status, is_synthetic, event_type FROM new_rows'
        WHEN 'DELETE' THEN
            'SELECT -1 AS sign, id, location, status, is_synthetic, event_type FROM old_rows'
        ELSE
            'SELECT s.* FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
              CROSS JOIN LATERAL (VALUES
                    (-1, o.id, o.location, o.status, o.is_synthetic, o.event_type),
                    (1, n.id, n.location, n.status, n.is_synthetic, n.event_type))
                    AS s(sign, id, location, status, is_synthetic, event_type)
              WHERE (o.status, o.is_synthetic, o.event_type, o.location)
                    IS DISTINCT FROM (n.status, n.is_synthetic, n.event_type, n.location)'
        END;
    EXECUTE incidents_tile_totals_sql(changes);
    IF TG_OP <> 'INSERT' THEN  -- an insert only adds: no count can fall to 0
        DELETE FROM incidents_tile_total WHERE count = 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER incidents_incident_tile_totals_insert
AFTER INSERT ON incidents_incident REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_tile_totals_apply();
CREATE OR REPLACE TRIGGER incidents_incident_tile_totals_update
AFTER UPDATE ON incidents_incident
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_tile_totals_apply();
CREATE OR REPLACE TRIGGER incidents_incident_tile_totals_delete
AFTER DELETE ON incidents_incident REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_tile_totals_apply();
CREATE OR REPLACE TRIGGER incidents_incident_tile_totals_truncate
AFTER TRUNCATE ON incidents_incident
FOR EACH STATEMENT EXECUTE FUNCTION incidents_tile_totals_apply();
