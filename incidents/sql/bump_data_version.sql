-- Trigger function incidents_bump_data_version and the statement-level triggers that call it:
-- they move the counters of incidents_data_version (data_version.sql), one UPDATE per
-- statement, not per row.
--
-- Every statement that writes incidents or their actor links adds 1 to `version`; it adds 1 to
-- `published_version` too when it wrote a row that is or was published (for a link: of a
-- published incident), which the function sees in the statement's transition tables (new_rows,
-- old_rows: one EXISTS per statement, not a trigger call per row). A TRUNCATE counts as public.
-- A statement on the advisory zones or the administrative areas (drawn on every public map)
-- moves only `published_version`: it is not incident data, so the tile cells stay fresh.
-- Transition tables allow one event per trigger, hence four triggers per incidents table.
--
-- Readers: incidents.tiles.data_version (ETags, cached pages, tile-cell freshness).
--
-- History: created by incidents/0007_synthetic_and_data_version as a function that only moved
-- `version`, called by two triggers (incidents_incident_data_version,
-- incidents_incident_actors_data_version); incidents/0010_text_search_and_published_version
-- gave it `published_version` and replaced those two triggers by the ten below (its reverse
-- restores the first form).
-- Loaded by: 0007_synthetic_and_data_version, 0010_text_search_and_published_version

CREATE OR REPLACE FUNCTION incidents_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    public_change boolean := false;
BEGIN
    IF TG_OP = 'TRUNCATE' OR TG_TABLE_NAME IN ('regions_advisoryzone', 'regions_adminarea') THEN
        public_change := true;
    ELSIF TG_TABLE_NAME = 'incidents_incident' THEN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            public_change := EXISTS (SELECT 1 FROM new_rows WHERE status = 'published');
        END IF;
        IF NOT public_change AND TG_OP IN ('UPDATE', 'DELETE') THEN
            public_change := EXISTS (SELECT 1 FROM old_rows WHERE status = 'published');
        END IF;
    ELSE  -- incidents_incident_actors: a link of a published incident
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            public_change := EXISTS (SELECT 1 FROM new_rows r JOIN incidents_incident i ON i.id = r.incident_id
                                      WHERE i.status = 'published');
        END IF;
        IF NOT public_change AND TG_OP IN ('UPDATE', 'DELETE') THEN
            public_change := EXISTS (SELECT 1 FROM old_rows r JOIN incidents_incident i ON i.id = r.incident_id
                                      WHERE i.status = 'published');
        END IF;
    END IF;
    IF TG_TABLE_NAME IN ('regions_advisoryzone', 'regions_adminarea') THEN
        -- Not incident data: the tile cells stay fresh.
        UPDATE incidents_data_version SET published_version = published_version + 1, changed_at = now()
         WHERE id = 1;
    ELSE
        UPDATE incidents_data_version
           SET version = version + 1, changed_at = now(),
               published_version = published_version + public_change::int
         WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER incidents_incident_data_version_insert
AFTER INSERT ON incidents_incident REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();
CREATE OR REPLACE TRIGGER incidents_incident_data_version_update
AFTER UPDATE ON incidents_incident REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();
CREATE OR REPLACE TRIGGER incidents_incident_data_version_delete
AFTER DELETE ON incidents_incident REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();
CREATE OR REPLACE TRIGGER incidents_incident_data_version_truncate
AFTER TRUNCATE ON incidents_incident
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();

CREATE OR REPLACE TRIGGER incidents_incident_actors_data_version_insert
AFTER INSERT ON incidents_incident_actors REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();
CREATE OR REPLACE TRIGGER incidents_incident_actors_data_version_update
AFTER UPDATE ON incidents_incident_actors REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();
CREATE OR REPLACE TRIGGER incidents_incident_actors_data_version_delete
AFTER DELETE ON incidents_incident_actors REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();
CREATE OR REPLACE TRIGGER incidents_incident_actors_data_version_truncate
AFTER TRUNCATE ON incidents_incident_actors
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();

CREATE OR REPLACE TRIGGER regions_advisoryzone_published_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions_advisoryzone
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();
CREATE OR REPLACE TRIGGER regions_adminarea_published_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions_adminarea
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_data_version();
