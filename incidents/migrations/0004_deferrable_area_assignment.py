"""Let a bulk write defer area assignment to one set-based statement at its end.

Inside a transaction that ran `SET LOCAL incidents.defer_area_assignment = 'on'` the trigger
leaves the areas alone; the writer then calls `reassign_areas` (UPDATE ... FROM LATERAL
incidents_areas_at) once for the rows it wrote. Every other write keeps the per-row trigger.
The trigger function's current form is incidents/sql/assign_areas.sql (a database created after
this change already got it from 0002; loading it again changes nothing).
"""
from django.db import migrations

from incidents.sql import sql

# The trigger function as 0002 first created it, without the deferral.
BACKWARD = r"""
CREATE OR REPLACE FUNCTION incidents_incident_assign_areas() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT a.department_id, a.province_id, a.district_id
      INTO NEW.department_id, NEW.province_id, NEW.district_id
      FROM incidents_areas_at(NEW.location, NEW.area_level) a;
    RETURN NEW;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_external_ids_alert_story")]

    operations = [migrations.RunSQL(sql("assign_areas.sql"), BACKWARD)]
