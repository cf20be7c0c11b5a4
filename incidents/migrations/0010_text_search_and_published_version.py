"""An indexed, accent- and case-insensitive text search, and a data version that only
published data moves (issue #12, findings 6 and 7).

Text search: `incidents_search_text(title, description, location_name)` is the three fields
joined, lower-cased and without accents; a trigram GIN index holds it, so `q=` is
`incidents_search_text(...) LIKE incidents_search_pattern(q)` served by the index instead of
three unindexed ILIKE '%…%' scans (docs/operations.md has the figures). unaccent() is only
STABLE (its dictionary could change), so it is wrapped in an IMMUTABLE function naming the
dictionary with its schema, the usual way to index it; re-run `REINDEX INDEX
incidents_incident_search_trgm` if the unaccent rules file is ever edited.

Published data version: `incidents_data_version.published_version` grows only with statements
that write a row that is or was published (incidents, their actor links), or the advisory
zones and areas every public map draws. Anonymous ETags and cached pages are keyed by it, so a
stranger cannot watch drafts being written (`version` still grows with every write: staff
ETags and the tile-cell freshness use it). The statement-level triggers read the statement's
transition tables, so the check is one EXISTS per statement, not a trigger call per row.
"""
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

SEARCH_FORWARD = r"""
DO $$
DECLARE
    -- Schema-qualified names: an index expression is re-evaluated by pg_restore with an empty
    -- search_path.
    ext text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                  WHERE e.extname = 'unaccent');
    here text := current_schema();
BEGIN
    EXECUTE format($f$
        CREATE FUNCTION %1$I.incidents_unaccent_lower(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $body$ SELECT lower(%2$I.unaccent(%3$L::regdictionary, $1)) $body$
    $f$, here, ext, ext || '.unaccent');
    EXECUTE format($f$
        CREATE FUNCTION %1$I.incidents_search_text(title text, description text, location_name text)
        RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $body$ SELECT %1$I.incidents_unaccent_lower(
               coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(location_name, '')) $body$
    $f$, here);
    -- '%' || the normalised query with LIKE's wildcards escaped || '%' (format() doubles %).
    EXECUTE format($f$
        CREATE FUNCTION %1$I.incidents_search_pattern(query text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $body$ SELECT '%%' || replace(replace(replace(%1$I.incidents_unaccent_lower(query),
                  '\', '\\'), '%%', '\%%'), '_', '\_') || '%%' $body$
    $f$, here);
END
$$;

CREATE INDEX incidents_incident_search_trgm ON incidents_incident
 USING gin (incidents_search_text(title, description, location_name) gin_trgm_ops);
"""

SEARCH_BACKWARD = r"""
DROP INDEX IF EXISTS incidents_incident_search_trgm;
DROP FUNCTION IF EXISTS incidents_search_pattern(text);
DROP FUNCTION IF EXISTS incidents_search_text(text, text, text);
DROP FUNCTION IF EXISTS incidents_unaccent_lower(text);
"""

VERSION_FORWARD = r"""
ALTER TABLE incidents_data_version ADD COLUMN published_version bigint NOT NULL DEFAULT 1;

CREATE OR REPLACE FUNCTION incidents_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    public_change boolean := false;
BEGIN
    IF TG_OP = 'TRUNCATE' OR TG_TABLE_NAME IN ('regions_advisoryzone', 'regions_adminarea') THEN
        public_change := true;
    ELSIF TG_TABLE_NAME = 'incidents_incident' THEN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            public_change := EXISTS (SELECT 1 FROM new_rows WHERE status = 'published');
        END IF;
        IF NOT public_change AND TG_OP IN ('UPDATE', 'DELETE') THEN
            public_change := EXISTS (SELECT 1 FROM old_rows WHERE status = 'published');
        END IF;
    ELSE  -- incidents_incident_actors: a link of a published incident
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            public_change := EXISTS (SELECT 1 FROM new_rows r JOIN incidents_incident i ON i.id = r.incident_id
                                      WHERE i.status = 'published');
        END IF;
        IF NOT public_change AND TG_OP IN ('UPDATE', 'DELETE') THEN
            public_change := EXISTS (SELECT 1 FROM old_rows r JOIN incidents_incident i ON i.id = r.incident_id
                                      WHERE i.status = 'published');
        END IF;
    END IF;
    IF TG_TABLE_NAME IN ('regions_advisoryzone', 'regions_adminarea') THEN
        -- Not incident data: the tile cells stay fresh.
        UPDATE incidents_data_version SET published_version = published_version + 1, changed_at = now()
         WHERE id = 1;
    ELSE
        UPDATE incidents_data_version
           SET version = version + 1, changed_at = now(),
               published_version = published_version + public_change::int
         WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER incidents_incident_data_version ON incidents_incident;
DROP TRIGGER incidents_incident_actors_data_version ON incidents_incident_actors;
"""

# Transition tables allow one event per trigger: four triggers per table.
TABLES = ["incidents_incident", "incidents_incident_actors"]
EVENTS = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
    "truncate": "",
}
VERSION_FORWARD += "".join(
    f"CREATE TRIGGER {table}_data_version_{event} AFTER {event.upper()} ON {table} {referencing} "
    "FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();\n"
    for table in TABLES for event, referencing in EVENTS.items()
) + "".join(
    f"CREATE TRIGGER {table}_published_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();\n"
    for table in ("regions_advisoryzone", "regions_adminarea")
)

VERSION_BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS {table}_data_version_{event} ON {table};\n"
    for table in TABLES for event in EVENTS
) + "".join(
    f"DROP TRIGGER IF EXISTS {table}_published_version ON {table};\n"
    for table in ("regions_advisoryzone", "regions_adminarea")
) + r"""
CREATE OR REPLACE FUNCTION incidents_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE incidents_data_version SET version = version + 1, changed_at = now() WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER incidents_incident_data_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON incidents_incident
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();
CREATE TRIGGER incidents_incident_actors_data_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON incidents_incident_actors
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();
ALTER TABLE incidents_data_version DROP COLUMN published_version;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0009_historical_is_synthetic"),
        ("regions", "0004_editor_workflow"),  # pg_trgm comes with regions 0002
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(SEARCH_FORWARD, SEARCH_BACKWARD),
        migrations.RunSQL(VERSION_FORWARD, VERSION_BACKWARD),
    ]
