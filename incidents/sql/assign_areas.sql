-- Trigger incidents_incident_assign_areas and its function: an incident's department_id,
-- province_id and district_id are assigned by the database from its point, on every insert and
-- whenever `location` or `area_level` is written, by any path (admin, API, importers, SQL).
-- The function asks incidents_areas_at (areas_at.sql).
--
-- A bulk writer defers the assignment to one set-based statement at its end: inside a
-- transaction that ran `SET LOCAL incidents.defer_area_assignment = 'on'` the trigger leaves
-- the areas alone, and the writer then calls incidents.services.areas.reassign_areas for the
-- rows it wrote (see deferred_area_assignment there; the synthetic generator and the
-- importers do this). Every other write keeps the per-row assignment.
--
-- The trigger's WHEN clause asks the same setting before calling the function: a deferred bulk
-- write (insert_with_areas: 100,000 rows) then pays an expression per row, not a PL/pgSQL
-- call (~0.5 s of CPU per 100,000 rows, docs/performance.md). The function keeps its own test
-- (a caller that changes the setting between rows of one statement sees the same answer).
--
-- History: created by incidents/0002_assign_areas_trigger; the function gained the deferral in
-- incidents/0004_deferrable_area_assignment (whose reverse restores the first form); the trigger
-- its WHEN clause in incidents/0020_cheaper_bulk_writes.
-- Loaded by: 0002_assign_areas_trigger, 0004_deferrable_area_assignment, 0020_cheaper_bulk_writes

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

CREATE OR REPLACE TRIGGER incidents_incident_assign_areas
BEFORE INSERT OR UPDATE OF location, area_level ON incidents_incident
FOR EACH ROW WHEN (coalesce(current_setting('incidents.defer_area_assignment', true), '') <> 'on')
EXECUTE FUNCTION incidents_incident_assign_areas();
