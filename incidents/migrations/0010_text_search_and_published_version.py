"""An indexed, accent- and case-insensitive text search, and a data version that only
published data moves (issue #12, findings 6 and 7).

Text search (incidents/sql/text_search.sql): `incidents_search_text(title, description,
location_name)` is the three fields joined, lower-cased and without accents; a trigram GIN index
holds it, so `q=` is `incidents_search_text(...) LIKE incidents_search_pattern(q)` served by the
index instead of three unindexed ILIKE '%…%' scans (docs/operations.md has the figures).

Published data version (incidents/sql/data_version.sql and bump_data_version.sql):
`incidents_data_version.published_version` grows only with statements
that write a row that is or was published (incidents, their actor links), or the advisory
zones and areas every public map draws. Anonymous ETags and cached pages are keyed by it, so a
stranger cannot watch drafts being written (`version` still grows with every write: staff
ETags and the tile-cell freshness use it). The statement-level triggers read the statement's
transition tables, so the check is one EXISTS per statement, not a trigger call per row.
"""
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

from incidents.sql import sql

SEARCH_FORWARD = sql("text_search.sql")

SEARCH_BACKWARD = r"""
DROP INDEX IF EXISTS incidents_incident_search_trgm;
DROP FUNCTION IF EXISTS incidents_search_pattern(text);
DROP FUNCTION IF EXISTS incidents_search_text(text, text, text);
DROP FUNCTION IF EXISTS incidents_unaccent_lower(text);
"""

# IF EXISTS / IF NOT EXISTS: a database created after this change got the column and the ten
# triggers from 0007 already.
VERSION_FORWARD = [
    """
    ALTER TABLE incidents_data_version ADD COLUMN IF NOT EXISTS published_version bigint NOT NULL DEFAULT 1;
    DROP TRIGGER IF EXISTS incidents_incident_data_version ON incidents_incident;
    DROP TRIGGER IF EXISTS incidents_incident_actors_data_version ON incidents_incident_actors;
    """,
    sql("bump_data_version.sql"),
]

# The reverse restores the function and the two triggers as 0007 first made them.
TABLES = ["incidents_incident", "incidents_incident_actors"]
EVENTS = ["insert", "update", "delete", "truncate"]
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
