"""Synthetic incidents (load tests) and a cheap data version for tile ETags.

`is_synthetic` marks the rows `manage.py generate_synthetic` writes; public reads leave them out
unless asked (synthetic=include|only).

`incidents_data_version` holds one row whose `version` grows with every statement that writes
incidents or their actors (a statement-level trigger: one UPDATE per statement, not per row).
Readers compare it instead of counting a million rows; it is read in the reader's own snapshot,
so a version never names data that is not committed yet.
"""
from django.db import migrations, models

FORWARD = r"""
CREATE TABLE incidents_data_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL,
    changed_at timestamptz NOT NULL
);
INSERT INTO incidents_data_version VALUES (1, 1, now());

CREATE FUNCTION incidents_bump_data_version() RETURNS trigger
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
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS incidents_incident_actors_data_version ON incidents_incident_actors;
DROP TRIGGER IF EXISTS incidents_incident_data_version ON incidents_incident;
DROP FUNCTION IF EXISTS incidents_bump_data_version();
DROP TABLE IF EXISTS incidents_data_version;
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0006_editor_workflow")]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="is_synthetic",
            field=models.BooleanField(
                default=False, db_default=False, editable=False,
                help_text="Made by `manage.py generate_synthetic` for load tests: never shown with "
                "real data unless a reader asks for it (synthetic=include|only).",
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
