"""Assign an incident's department, province and district in the database from its point.

`incidents_areas_at(point, finest_level)` (incidents/sql/areas_at.sql) finds the areas that
cover a point; the trigger `incidents_incident_assign_areas` (incidents/sql/assign_areas.sql)
calls it on every insert and whenever `location` or `area_level` is written; set-based
re-assignment can call it from one UPDATE ... FROM LATERAL statement. Both files hold the
current form: the trigger function's deferral came with 0004.
"""
from django.db import migrations

from incidents.sql import sql

BACKWARD = """
DROP TRIGGER IF EXISTS incidents_incident_assign_areas ON incidents_incident;
DROP FUNCTION IF EXISTS incidents_incident_assign_areas();
DROP FUNCTION IF EXISTS incidents_areas_at(geometry, varchar);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [migrations.RunSQL([sql("areas_at.sql"), sql("assign_areas.sql")], BACKWARD)]
