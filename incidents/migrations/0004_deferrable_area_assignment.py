"""Let a bulk write defer area assignment to one set-based statement at its end.

Inside a transaction that ran `SET LOCAL incidents.defer_area_assignment = 'on'` the trigger
leaves the areas alone; the writer then calls `reassign_areas` (UPDATE ... FROM LATERAL
incidents_areas_at) once for the rows it wrote. Every other write keeps the per-row trigger.
"""
from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION incidents_incident_assign_areas() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('incidents.defer_area_assignment', true), '') = 'on' THEN
        RETURN NEW;
    END IF;
    SELECT a.department_id, a.province_id, a.district_id
      INTO NEW.department_id, NEW.province_id, NEW.district_id
      FROM incidents_areas_at(NEW.location, NEW.area_level) a;
    RETURN NEW;
END
$$;
"""

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

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
