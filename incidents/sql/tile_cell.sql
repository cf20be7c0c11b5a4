-- Table incidents_tile_cell: pre-counted clusters for low-zoom vector tiles. For the zooms of
-- incidents_tile_cell_zooms() (2, 5 and 8: incidents.tiles.CELL_ZOOMS) it holds the incidents
-- counted per cell of the tile grid (8 x 8 cells per tile, the grid incidents.tiles clusters
-- on), split by status, synthetic flag, event type and month (the first day of the month of
-- occurred_on), with the sums of their Web Mercator coordinates (for the mean position) and the
-- sum of their ids (the incident itself when a cell holds one; a sum, unlike a minimum, stays
-- right when a row leaves). A tile of a zoom between them reads the next finer stored zoom and
-- adds 2x2 or 4x4 of its cells into one (incidents.tiles); z9-z11 are counted live (with the
-- month split most of their cells hold one incident: the cells would cost the writes as much
-- as they save the reads). A low-zoom tile then reads its cells x their splits instead of
-- every incident under it; a date range reads the months it covers whole (incidents.tiles).
--
-- Kept current by the writes themselves: the statement-level triggers below add every inserted
-- row, subtract every deleted one and move every updated row whose status, synthetic flag,
-- event type, month or location changed (one set-based upsert per statement, whatever wrote:
-- admin, API, services, importers, SQL); rows whose count falls to 0 are deleted. A writer of
-- many statements (the file importers: one INSERT per row) may queue them instead inside its
-- own transaction (`SET LOCAL incidents.defer_tile_cells = 'queue'`: the triggers copy the
-- changed rows into the temporary table incidents_tile_cell_queue) and apply the queue in one
-- upsert before committing (incidents_tile_cells_flush() in month_count.sql; incidents.
-- services.tile_cells.queued_tile_cells). A bulk writer may also skip them (`= 'on'`) and rebuild the table before
-- committing (refresh_tile_cells), which also sets incidents_data_version.tile_cells_version:
-- the cells are read once that is set (the migration that created this form rebuilt them).
--
-- incidents_tile_cell_x / _y: the column/row of a point's cell at zoom 11 (16,384 cells per
-- world side), from its Web Mercator coordinates computed by incidents_mercator_x / _y (the
-- formula PostGIS applies, in plain arithmetic); a coarser zoom's cell is a right shift. The
-- rebuild, the triggers and the live part of a tile use these same functions, so they agree to
-- the bit.
--
-- History: created by incidents/0008_tile_cells (per cell, status, synthetic flag and event
-- type with min_id; rebuilt by hand only, frozen inline there); 0012_tile_cells_month replaced
-- it with this form (month, sum_id, the triggers; zooms 0-11); 0017_tile_cells_fewer_zooms kept
-- zooms 2, 5 and 8 only and added the queue; 0020_cheaper_bulk_writes skips the DELETE of emptied
-- cells after an INSERT.
-- Loaded by: 0012_tile_cells_month, 0017_tile_cells_fewer_zooms, 0020_cheaper_bulk_writes

-- The zooms the table holds (incidents.tiles.CELL_ZOOMS; tests/api/test_tiles.py compares).
CREATE OR REPLACE FUNCTION incidents_tile_cell_zooms() RETURNS int[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ARRAY[2, 5, 8] $$;

CREATE OR REPLACE FUNCTION incidents_mercator_x(pt geometry) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ST_X(pt) * 20037508.342789244 / 180.0 $$;

CREATE OR REPLACE FUNCTION incidents_mercator_y(pt geometry) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ln(tan(radians(90.0 + greatest(-85.0511287798066, least(85.0511287798066, ST_Y(pt)))) / 2.0))
          * 20037508.342789244 / pi() $$;

CREATE OR REPLACE FUNCTION incidents_tile_cell_x(mx double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT least(16383, greatest(0, floor((mx + 20037508.342789244) / 40075016.68557849 * 16384)))::int $$;

CREATE OR REPLACE FUNCTION incidents_tile_cell_y(my double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT least(16383, greatest(0, floor((20037508.342789244 - my) / 40075016.68557849 * 16384)))::int $$;

CREATE TABLE IF NOT EXISTS incidents_tile_cell (
    zoom smallint NOT NULL,
    cx integer NOT NULL,
    cy integer NOT NULL,
    status varchar(20) NOT NULL,
    is_synthetic boolean NOT NULL,
    event_type varchar(40) NOT NULL,
    month date NOT NULL,
    count integer NOT NULL,
    sum_mx double precision NOT NULL,
    sum_my double precision NOT NULL,
    sum_id bigint NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS incidents_tile_cell_key
    ON incidents_tile_cell (zoom, cx, cy, status, is_synthetic, event_type, month);
-- A date range at a low zoom reads its months first (the key's order would read every month
-- of the tile's cells).
CREATE INDEX IF NOT EXISTS incidents_tile_cell_month ON incidents_tile_cell (zoom, month, cx, cy);
CREATE INDEX IF NOT EXISTS incidents_tile_cell_empty ON incidents_tile_cell (zoom) WHERE count = 0;

-- incidents_tile_cells_sql(changes): the statement that adds the rows of the query `changes`
-- (sign, id, location, status, is_synthetic, event_type, occurred_on; sign +1 inserted or the
-- new form of an updated row, -1 deleted or its old form) to the cells: summed per cell at zoom
-- 11, then per cell of every stored zoom, upserted. The caller runs it (EXECUTE) and deletes the
-- cells whose count fell to 0: a trigger's transition tables are visible only to the trigger
-- function itself, not to a function it calls.
CREATE OR REPLACE FUNCTION incidents_tile_cells_sql(changes text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT format($sql$
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
      FROM base CROSS JOIN unnest(incidents_tile_cell_zooms()) AS z
     GROUP BY z, 2, 3, status, is_synthetic, event_type, month
    HAVING sum(n) <> 0 OR sum(sid) <> 0 OR sum(sx) <> 0 OR sum(sy) <> 0
     ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (zoom, cx, cy, status, is_synthetic, event_type, month) DO UPDATE
       SET count = t.count + EXCLUDED.count, sum_mx = t.sum_mx + EXCLUDED.sum_mx,
           sum_my = t.sum_my + EXCLUDED.sum_my, sum_id = t.sum_id + EXCLUDED.sum_id
    $sql$, changes)
$fn$;
-- (The one order above, by key, is the order every writer locks cells in: two writers wait
-- for each other rather than deadlock.)

-- The trigger function: the rows the statement changed, with their sign, added to the cells
-- (or queued, see above). An update that changes none of the counted columns adds nothing
-- (PostgreSQL allows no column list on a trigger with transition tables).
-- work_mem: a statement of 100,000 rows sorts ~300,000 cell deltas; with the default 4 MB the
-- sort spills to disk; set for the function only.
CREATE OR REPLACE FUNCTION incidents_tile_cells_apply() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
    mode text := coalesce(current_setting('incidents.defer_tile_cells', true), '');
    queued text := 'id, location, status, is_synthetic, event_type, occurred_on, dataset_id, '
                   'department_id, province_id, district_id, fatalities, injuries';
    changes text;
BEGIN
    IF mode = 'on' THEN
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
    IF mode = 'queue' THEN
        -- Every column the cells and the month counts (month_count.sql) count, for both.
        EXECUTE 'INSERT INTO pg_temp.incidents_tile_cell_queue ' || CASE TG_OP
            WHEN 'INSERT' THEN 'SELECT 1, ' || queued || ' FROM new_rows'
            WHEN 'DELETE' THEN 'SELECT -1, ' || queued || ' FROM old_rows'
            ELSE 'SELECT -1, o.* FROM (SELECT ' || queued || ' FROM old_rows) AS o
                   JOIN (SELECT ' || queued || ' FROM new_rows) AS n ON n.id = o.id WHERE o IS DISTINCT FROM n
                  UNION ALL
                  SELECT 1, n.* FROM (SELECT ' || queued || ' FROM old_rows) AS o
                   JOIN (SELECT ' || queued || ' FROM new_rows) AS n ON n.id = o.id WHERE o IS DISTINCT FROM n'
            END;
    ELSE
        EXECUTE incidents_tile_cells_sql(changes);
        IF TG_OP <> 'INSERT' THEN  -- an insert only adds: no count falls to 0
            DELETE FROM incidents_tile_cell WHERE count = 0;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- The queue (incidents_tile_cell_queue: sign, then the columns of `queued` above) is applied by
-- incidents_tile_cells_flush(), in month_count.sql (it adds the rows to both tables).

CREATE OR REPLACE TRIGGER incidents_incident_tile_cells_insert
AFTER INSERT ON incidents_incident REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_tile_cells_apply();
CREATE OR REPLACE TRIGGER incidents_incident_tile_cells_update
AFTER UPDATE ON incidents_incident
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_tile_cells_apply();
CREATE OR REPLACE TRIGGER incidents_incident_tile_cells_delete
AFTER DELETE ON incidents_incident REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_tile_cells_apply();
CREATE OR REPLACE TRIGGER incidents_incident_tile_cells_truncate
AFTER TRUNCATE ON incidents_incident
FOR EACH STATEMENT EXECUTE FUNCTION incidents_tile_cells_apply();
