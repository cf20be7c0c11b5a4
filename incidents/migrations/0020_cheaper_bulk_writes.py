"""Cheaper bulk writes of incidents (#18, target 4: 100,000 imported incidents with their areas).

- The per-row area trigger gets a WHEN clause asking incidents.defer_area_assignment, so a
  deferred bulk write (insert_with_areas) evaluates an expression per row instead of calling the
  PL/pgSQL function (incidents/sql/assign_areas.sql).
- The tile-cell and month-count triggers skip their DELETE of emptied rows after an INSERT
  statement (an insert only adds; the month counts' DELETE scanned the whole table).
  Loads incidents/sql/tile_cell.sql and month_count.sql again.
- Drops the varchar_pattern_ops copies Django made of the indexes on `status` and `dataset_id`
  (the `_like` indexes): they serve only LIKE/startswith, and no query compares either column
  otherwise than with = or IN (grep of the code and the admin's search and filter fields), so
  every write paid for two indexes nothing reads. The model state is unchanged (Django makes
  them for any indexed varchar); its schema editor drops them with IF EXISTS if a field is ever
  altered.
"""
from django.db import migrations

from incidents.sql import sql

LIKE_INDEXES = {
    "incidents_incident_status_4ce5780f_like": "status",
    "incidents_incident_dataset_id_f18748a2_like": "dataset_id",
}

FORWARD = [
    sql("assign_areas.sql"),
    sql("tile_cell.sql"),
    sql("month_count.sql"),
    *(f"DROP INDEX IF EXISTS {name}" for name in LIKE_INDEXES),
]

# The 0004 trigger (no WHEN clause), the 0017 trigger functions, the _like indexes.
BACKWARD = [
    """CREATE OR REPLACE TRIGGER incidents_incident_assign_areas
BEFORE INSERT OR UPDATE OF location, area_level ON incidents_incident
FOR EACH ROW EXECUTE FUNCTION incidents_incident_assign_areas();""",
    r"""
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
        DELETE FROM incidents_tile_cell WHERE count = 0;
    END IF;
    RETURN NULL;
END
$$;
""",
    r"""
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
    DELETE FROM incidents_month_count WHERE incidents = 0;
    RETURN NULL;
END
$$;
""",
    *(f"CREATE INDEX IF NOT EXISTS {name} ON incidents_incident ({column} varchar_pattern_ops)"
      for name, column in LIKE_INDEXES.items()),
]


class Migration(migrations.Migration):
    dependencies = [("incidents", "0019_month_count_empty_index")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
