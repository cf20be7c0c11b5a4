"""A version of the areas and advisory zones, for caches of what is built from them.

`regions_data_version` holds one row whose `version` grows with every statement that writes
areas, advisory zones or a zone's list of areas (statement-level triggers: one UPDATE per
statement). The regions API keys its cached outlines by it (regions.selectors.regions_version),
so a boundary reload or an edited zone is seen at once, and regions need not know of incidents.
"""
from django.db import migrations

TABLES = ["regions_adminarea", "regions_advisoryzone", "regions_advisoryzone_areas"]

FORWARD = r"""
CREATE TABLE regions_data_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO regions_data_version VALUES (1, 1);

CREATE FUNCTION regions_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE regions_data_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
""" + "".join(f"""
CREATE TRIGGER {table}_regions_data_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION regions_bump_data_version();
""" for table in TABLES)

BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {table}_regions_data_version ON {table};\n"
                   for table in TABLES) + """
DROP FUNCTION IF EXISTS regions_bump_data_version();
DROP TABLE IF EXISTS regions_data_version;
"""


class Migration(migrations.Migration):
    dependencies = [("regions", "0004_editor_workflow")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
