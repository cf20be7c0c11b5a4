-- Table incidents_month_count: incidents counted per month (the first day of the month of
-- occurred_on), event type, status, synthetic flag, dataset, department and province (not the
-- district: with it most rows would hold one incident, as the tile cells of z9-z11),
-- with the sums of their fatalities and injuries and how many of each are known (not NULL: a
-- sum of only unknown values stays unknown, as SQL's sum of NULLs). The statistics API (the
-- explorer's month chart, incidents.month_counts) reads it for the filters it can answer
-- (synthetic, event type, date range, a department or province) instead of every incident: a date range that
-- starts or ends inside a month reads its whole months here and its partial months live.
--
-- Kept current by the writes themselves, as incidents_tile_cell (tile_cell.sql): statement-
-- level triggers add every inserted row, subtract every deleted one and move every updated row
-- whose counted columns changed; rows whose count falls to 0 are deleted. The same setting
-- steers both: incidents.defer_tile_cells = 'on' skips them (refresh_tile_cells rebuilds both
-- tables), 'queue' leaves the changed rows in incidents_tile_cell_queue (the tile-cell trigger
-- queues them with every column counted here) and incidents_tile_cells_flush() applies the
-- queue to both tables in one upsert each.
--
-- History: created by incidents/0017_tile_cells_fewer_zooms; 0018_tile_totals added the tile
-- totals to the queue's flush; 0020_cheaper_bulk_writes skips the DELETE of emptied rows after
-- an INSERT. (0019_month_count_empty_index indexes the rows that fell to 0.)
-- Loaded by: 0017_tile_cells_fewer_zooms, 0018_tile_totals, 0020_cheaper_bulk_writes

CREATE TABLE IF NOT EXISTS incidents_month_count (
    month date NOT NULL,
    event_type varchar(40) NOT NULL,
    status varchar(20) NOT NULL,
    is_synthetic boolean NOT NULL,
    dataset_id varchar(20) NOT NULL,
    department_id bigint,
    province_id bigint,
    incidents integer NOT NULL,
    fatalities bigint NOT NULL,
    fatalities_known integer NOT NULL,
    injuries bigint NOT NULL,
    injuries_known integer NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS incidents_month_count_key ON incidents_month_count
    (month, event_type, status, is_synthetic, dataset_id, department_id, province_id)
    NULLS NOT DISTINCT;
-- The rows about to be deleted (their count fell to 0), so the triggers' DELETE reads only them
-- (without it, every write read the whole table: ~40 ms per INSERT at 1,000,000 incidents).
-- Made by 0019_month_count_empty_index in databases already past 0017.
CREATE INDEX IF NOT EXISTS incidents_month_count_empty ON incidents_month_count (month) WHERE incidents = 0;

-- The statement adding the rows of `changes` (sign and the incident's columns, as the tile-cell
-- trigger selects them) to the counts; the caller deletes the rows whose count fell to 0.
CREATE OR REPLACE FUNCTION incidents_month_counts_sql(changes text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT format($sql$
    INSERT INTO incidents_month_count AS t
           (month, event_type, status, is_synthetic, dataset_id, department_id, province_id,
            incidents, fatalities, fatalities_known, injuries, injuries_known)
    SELECT date_trunc('month', occurred_on)::date, event_type, status, is_synthetic, dataset_id,
           department_id, province_id,
           sum(sign), sum(sign * coalesce(fatalities, 0)), sum(sign * (fatalities IS NOT NULL)::int),
           sum(sign * coalesce(injuries, 0)), sum(sign * (injuries IS NOT NULL)::int)
      FROM (%s) AS c
     GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING sum(sign) <> 0 OR sum(sign * coalesce(fatalities, 0)) <> 0 OR sum(sign * coalesce(injuries, 0)) <> 0
           OR sum(sign * (fatalities IS NOT NULL)::int) <> 0 OR sum(sign * (injuries IS NOT NULL)::int) <> 0
     ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (month, event_type, status, is_synthetic, dataset_id, department_id, province_id)
    DO UPDATE SET incidents = t.incidents + EXCLUDED.incidents, fatalities = t.fatalities + EXCLUDED.fatalities,
                  fatalities_known = t.fatalities_known + EXCLUDED.fatalities_known,
                  injuries = t.injuries + EXCLUDED.injuries, injuries_known = t.injuries_known + EXCLUDED.injuries_known
    $sql$, changes)
$fn$;

-- The trigger function (the tile-cell trigger's twin; it queues for both, see above).
CREATE OR REPLACE FUNCTION incidents_month_counts_apply() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
    mode text := coalesce(current_setting('incidents.defer_tile_cells', true), '');
    columns text := 'id, location, status, is_synthetic, event_type, occurred_on, dataset_id, '
                    'department_id, province_id, district_id, fatalities, injuries';
    changes text;
BEGIN
    IF mode IN ('on', 'queue') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM incidents_month_count;
        RETURN NULL;
    END IF;
    changes := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT 1 AS sign, ' || columns || ' FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT -1 AS sign, ' || columns || ' FROM old_rows'
        ELSE
            'SELECT s.* FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
              CROSS JOIN LATERAL (VALUES
                    (-1, o.id, o.location, o.status, o.is_synthetic, o.event_type, o.occurred_on, o.dataset_id,
                     o.department_id, o.province_id, o.district_id, o.fatalities, o.injuries),
                    (1, n.id, n.location, n.status, n.is_synthetic, n.event_type, n.occurred_on, n.dataset_id,
                     n.department_id, n.province_id, n.district_id, n.fatalities, n.injuries))
                    AS s(sign, ' || columns || ')
              WHERE (o.status, o.is_synthetic, o.event_type, date_trunc(''month'', o.occurred_on), o.dataset_id,
                     o.department_id, o.province_id, o.fatalities, o.injuries)
                    IS DISTINCT FROM
                    (n.status, n.is_synthetic, n.event_type, date_trunc(''month'', n.occurred_on), n.dataset_id,
                     n.department_id, n.province_id, n.fatalities, n.injuries)'
        END;
    EXECUTE incidents_month_counts_sql(changes);
    IF TG_OP <> 'INSERT' THEN  -- an insert only adds: no count falls to 0 (the DELETE scans the table)
        DELETE FROM incidents_month_count WHERE incidents = 0;
    END IF;
    RETURN NULL;
END
$$;

-- The queue of a writer that set incidents.defer_tile_cells = 'queue', applied to the tile
-- cells, the month counts and (from 0018 on) the tile totals of tile_total.sql (replaces the
-- form in tile_cell.sql, which knows only the cells). Nothing calls it between 0017 and 0018.
CREATE OR REPLACE FUNCTION incidents_tile_cells_flush() RETURNS void
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
BEGIN
    EXECUTE incidents_tile_cells_sql('SELECT * FROM pg_temp.incidents_tile_cell_queue');
    DELETE FROM incidents_tile_cell WHERE count = 0;
    EXECUTE incidents_month_counts_sql('SELECT * FROM pg_temp.incidents_tile_cell_queue');
    DELETE FROM incidents_month_count WHERE incidents = 0;
    EXECUTE incidents_tile_totals_sql('SELECT * FROM pg_temp.incidents_tile_cell_queue');
    DELETE FROM incidents_tile_total WHERE count = 0;
    TRUNCATE pg_temp.incidents_tile_cell_queue;
END
$$;

CREATE OR REPLACE TRIGGER incidents_incident_month_counts_insert
AFTER INSERT ON incidents_incident REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_month_counts_apply();
CREATE OR REPLACE TRIGGER incidents_incident_month_counts_update
AFTER UPDATE ON incidents_incident
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_month_counts_apply();
CREATE OR REPLACE TRIGGER incidents_incident_month_counts_delete
AFTER DELETE ON incidents_incident REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_month_counts_apply();
CREATE OR REPLACE TRIGGER incidents_incident_month_counts_truncate
AFTER TRUNCATE ON incidents_incident
FOR EACH STATEMENT EXECUTE FUNCTION incidents_month_counts_apply();
