-- Trigger function incidents_bump_published_version_for_pages and the statement-level triggers
-- that call it: they move `published_version` of incidents_data_version (data_version.sql)
-- when a statement writes something else a public page shows whole, so the page cache
-- (web/page_cache.py, keyed by `published_version`) drops those pages at once.
--
-- bump_data_version.sql covers incidents, their actor links, advisory zones and areas. Public
-- pages also show actors' names, an incident's sources, the bulletins of its story, the
-- datasets credited in the footer and the district indicators. A statement on actors, sources,
-- source links, bulletins (incidents_alert) or datasets moves `published_version` only when a
-- row it wrote (new_rows) or replaced (old_rows) is shown by a published incident, so an
-- Editor's draft-only bulletin, actor or source leaves no trace a stranger can see; the
-- district indicators are public as a whole, and a TRUNCATE counts as public. `version` stays:
-- none of these rows is incident data (the tile cells stay fresh).
-- Transition tables allow one event per trigger, hence up to four triggers per table.
--
-- Readers: incidents.tiles.data_version(published_only=True) (anonymous ETags, cached pages).
--
-- History: created by incidents/0013_page_cache_published_version.
-- Loaded by: 0013_page_cache_published_version

CREATE OR REPLACE FUNCTION incidents_bump_published_version_for_pages() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    public_change boolean := TG_OP = 'TRUNCATE' OR TG_TABLE_NAME = 'regions_districtindicators';
BEGIN
    -- One branch per table: PL/pgSQL plans a statement when it first runs it, and a transition
    -- table's columns are those of the trigger's own table.
    IF NOT public_change AND TG_OP IN ('INSERT', 'UPDATE') THEN
        IF TG_TABLE_NAME = 'incidents_actor' THEN
            public_change := EXISTS (SELECT 1 FROM new_rows r JOIN incidents_incident_actors l ON l.actor_id = r.id
                      JOIN incidents_incident i ON i.id = l.incident_id
                                      WHERE i.status = 'published');
        ELSIF TG_TABLE_NAME = 'incidents_source' THEN
            public_change := EXISTS (SELECT 1 FROM new_rows r JOIN incidents_incident_sources l ON l.source_id = r.id
                      JOIN incidents_incident i ON i.id = l.incident_id
                                      WHERE i.status = 'published');
        ELSIF TG_TABLE_NAME = 'incidents_incident_sources' THEN
            public_change := EXISTS (SELECT 1 FROM new_rows r JOIN incidents_incident i ON i.id = r.incident_id
                                      WHERE i.status = 'published');
        ELSIF TG_TABLE_NAME = 'incidents_alert' THEN
            public_change := EXISTS (SELECT 1 FROM new_rows r JOIN incidents_incident i ON i.alert_id = r.id
                                      WHERE i.status = 'published');
        ELSIF TG_TABLE_NAME = 'incidents_dataset' THEN  -- its key is the slug
            public_change := EXISTS (SELECT 1 FROM new_rows r JOIN incidents_incident i ON i.dataset_id = r.slug
                                      WHERE i.status = 'published');
        END IF;
    END IF;
    IF NOT public_change AND TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_TABLE_NAME = 'incidents_actor' THEN
            public_change := EXISTS (SELECT 1 FROM old_rows r JOIN incidents_incident_actors l ON l.actor_id = r.id
                      JOIN incidents_incident i ON i.id = l.incident_id
                                      WHERE i.status = 'published');
        ELSIF TG_TABLE_NAME = 'incidents_source' THEN
            public_change := EXISTS (SELECT 1 FROM old_rows r JOIN incidents_incident_sources l ON l.source_id = r.id
                      JOIN incidents_incident i ON i.id = l.incident_id
                                      WHERE i.status = 'published');
        ELSIF TG_TABLE_NAME = 'incidents_incident_sources' THEN
            public_change := EXISTS (SELECT 1 FROM old_rows r JOIN incidents_incident i ON i.id = r.incident_id
                                      WHERE i.status = 'published');
        ELSIF TG_TABLE_NAME = 'incidents_alert' THEN
            public_change := EXISTS (SELECT 1 FROM old_rows r JOIN incidents_incident i ON i.alert_id = r.id
                                      WHERE i.status = 'published');
        ELSIF TG_TABLE_NAME = 'incidents_dataset' THEN  -- its key is the slug
            public_change := EXISTS (SELECT 1 FROM old_rows r JOIN incidents_incident i ON i.dataset_id = r.slug
                                      WHERE i.status = 'published');
        END IF;
    END IF;
    IF public_change THEN
        UPDATE incidents_data_version SET published_version = published_version + 1, changed_at = now()
         WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER incidents_actor_page_version_insert
AFTER INSERT ON incidents_actor REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_actor_page_version_update
AFTER UPDATE ON incidents_actor REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_actor_page_version_delete
AFTER DELETE ON incidents_actor REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_actor_page_version_truncate
AFTER TRUNCATE ON incidents_actor
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();

CREATE OR REPLACE TRIGGER incidents_source_page_version_insert
AFTER INSERT ON incidents_source REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_source_page_version_update
AFTER UPDATE ON incidents_source REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_source_page_version_delete
AFTER DELETE ON incidents_source REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_source_page_version_truncate
AFTER TRUNCATE ON incidents_source
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();

CREATE OR REPLACE TRIGGER incidents_incident_sources_page_version_insert
AFTER INSERT ON incidents_incident_sources REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_incident_sources_page_version_update
AFTER UPDATE ON incidents_incident_sources REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_incident_sources_page_version_delete
AFTER DELETE ON incidents_incident_sources REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_incident_sources_page_version_truncate
AFTER TRUNCATE ON incidents_incident_sources
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();

CREATE OR REPLACE TRIGGER incidents_alert_page_version_insert
AFTER INSERT ON incidents_alert REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_alert_page_version_update
AFTER UPDATE ON incidents_alert REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_alert_page_version_delete
AFTER DELETE ON incidents_alert REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_alert_page_version_truncate
AFTER TRUNCATE ON incidents_alert
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();

CREATE OR REPLACE TRIGGER incidents_dataset_page_version_insert
AFTER INSERT ON incidents_dataset REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_dataset_page_version_update
AFTER UPDATE ON incidents_dataset REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_dataset_page_version_delete
AFTER DELETE ON incidents_dataset REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
CREATE OR REPLACE TRIGGER incidents_dataset_page_version_truncate
AFTER TRUNCATE ON incidents_dataset
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();

CREATE OR REPLACE TRIGGER regions_districtindicators_page_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions_districtindicators
FOR EACH STATEMENT EXECUTE FUNCTION incidents_bump_published_version_for_pages();
