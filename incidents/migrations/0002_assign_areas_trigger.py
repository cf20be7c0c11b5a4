"""Assign an incident's department, province and district in the database from its point.

`incidents_areas_at(point, finest_level)` finds the district that covers the point (the lowest
ubigeo wins on a shared border, so the choice is deterministic) and takes its province and
department from the hierarchy, falling back to province or department polygons where no
district covers the point. Areas finer than `finest_level` stay NULL. A trigger calls it on
every insert and whenever `location` or `area_level` is written; set-based re-assignment can
call it from one UPDATE ... FROM LATERAL statement.
"""
from django.db import migrations

FORWARD = r"""
CREATE FUNCTION incidents_areas_at(
    pt geometry, finest varchar,
    OUT department_id bigint, OUT province_id bigint, OUT district_id bigint
) LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT d.id, d.parent_id, p.parent_id INTO district_id, province_id, department_id
      FROM regions_adminarea d JOIN regions_adminarea p ON p.id = d.parent_id
     WHERE d.level = 'district' AND ST_Intersects(d.geom, pt)
     ORDER BY d.ubigeo LIMIT 1;
    IF province_id IS NULL THEN
        SELECT p.id, p.parent_id INTO province_id, department_id
          FROM regions_adminarea p
         WHERE p.level = 'province' AND ST_Intersects(p.geom, pt)
         ORDER BY p.ubigeo LIMIT 1;
    END IF;
    IF department_id IS NULL THEN
        SELECT a.id INTO department_id
          FROM regions_adminarea a
         WHERE a.level = 'department' AND ST_Intersects(a.geom, pt)
         ORDER BY a.ubigeo LIMIT 1;
    END IF;
    IF finest <> 'district' THEN district_id := NULL; END IF;
    IF finest = 'department' THEN province_id := NULL; END IF;
END
$$;

CREATE FUNCTION incidents_incident_assign_areas() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT a.department_id, a.province_id, a.district_id
      INTO NEW.department_id, NEW.province_id, NEW.district_id
      FROM incidents_areas_at(NEW.location, NEW.area_level) a;
    RETURN NEW;
END
$$;

CREATE TRIGGER incidents_incident_assign_areas
BEFORE INSERT OR UPDATE OF location, area_level ON incidents_incident
FOR EACH ROW EXECUTE FUNCTION incidents_incident_assign_areas();
"""

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

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
