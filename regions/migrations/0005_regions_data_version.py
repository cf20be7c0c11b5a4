"""A version of the areas and advisory zones, for caches of what is built from them
(regions/sql/data_version.sql)."""
from django.db import migrations

from regions.sql import sql

TABLES = ["regions_adminarea", "regions_advisoryzone", "regions_advisoryzone_areas"]

BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {table}_regions_data_version ON {table};\n"
                   for table in TABLES) + """
DROP FUNCTION IF EXISTS regions_bump_data_version();
DROP TABLE IF EXISTS regions_data_version;
"""


class Migration(migrations.Migration):
    dependencies = [("regions", "0004_editor_workflow")]

    operations = [migrations.RunSQL(sql("data_version.sql"), BACKWARD)]
