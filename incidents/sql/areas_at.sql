-- incidents_areas_at(pt, finest): the department, province and district an incident at point
-- `pt` belongs to, down to the level `finest` ('department', 'province' or 'district'; finer
-- areas stay NULL). The district covering the point wins (the lowest ubigeo on a shared border,
-- so the choice is deterministic) and brings its province and department from the hierarchy;
-- where no district covers the point (slivers between the published districts, or outside
-- Peru) it falls back to the province, then the department polygons.
--
-- Called by the trigger function incidents_incident_assign_areas (assign_areas.sql), by the
-- set-based reassignment for the points no district covers (incidents.services.areas,
-- REASSIGN_SQL) and by incidents.selectors.areas_at (the same answer without writing).
--
-- History: created by incidents/0002_assign_areas_trigger; unchanged since.
-- Loaded by: 0002_assign_areas_trigger

CREATE OR REPLACE FUNCTION incidents_areas_at(
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
