"""`published_version` also moves with what a whole cached page shows beyond incidents, their
actor links, zones and areas: actors' names, sources and their links, bulletins, datasets and
district indicators (incidents/sql/page_data_version.sql; issue #18 target 1, web/page_cache.py).
"""
from django.db import migrations

from incidents.sql import sql

TABLES = ["incidents_actor", "incidents_source", "incidents_incident_sources", "incidents_alert",
          "incidents_dataset"]
EVENTS = ["insert", "update", "delete", "truncate"]
BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS {table}_page_version_{event} ON {table};\n"
    for table in TABLES for event in EVENTS
) + """
DROP TRIGGER IF EXISTS regions_districtindicators_page_version ON regions_districtindicators;
DROP FUNCTION IF EXISTS incidents_bump_published_version_for_pages();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0012_tile_cells_month"),
        ("regions", "0003_districtindicators"),
    ]

    operations = [migrations.RunSQL(sql("page_data_version.sql"), BACKWARD)]
