"""Synthetic incidents (load tests) and a cheap data version for tile ETags.

`is_synthetic` marks the rows `manage.py generate_synthetic` writes; public reads leave them out
unless asked (synthetic=include|only).

`incidents_data_version` (incidents/sql/data_version.sql) holds one row whose `version` grows
with every statement that writes incidents or their actors (statement-level triggers calling
`incidents_bump_data_version`, incidents/sql/bump_data_version.sql: one UPDATE per statement, not
per row). Readers compare it instead of counting a million rows; it is read in the reader's own
snapshot, so a version never names data that is not committed yet.
"""
from django.db import migrations, models

from incidents.sql import sql

# The table and the trigger function in their current form (incidents/sql/): a database created
# now gets here the columns 0008 and 0010 add and the ten triggers 0010 puts in place of this
# migration's first two; those migrations then skip what it already has.
FORWARD = [sql("data_version.sql"), sql("bump_data_version.sql")]

# CASCADE: with the function go the triggers that call it, the two this migration first made
# or the ten of bump_data_version.sql.
BACKWARD = """
DROP FUNCTION IF EXISTS incidents_bump_data_version() CASCADE;
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
