-- regions_data_version: one row whose `version` grows with every statement that writes areas,
-- advisory zones or a zone's list of areas (statement-level triggers: one UPDATE per
-- statement, not per row). Read by regions.selectors.regions_version, the key of the regions
-- API's cached outlines, so a boundary reload or an edited zone is seen at once without
-- regions knowing of incidents (incidents keep their own version: incidents/sql/).
-- Created by regions 0005; unchanged since.
-- Loaded by: 0005_regions_data_version

CREATE TABLE IF NOT EXISTS regions_data_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO regions_data_version VALUES (1, 1) ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION regions_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE regions_data_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER regions_adminarea_regions_data_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions_adminarea
FOR EACH STATEMENT EXECUTE FUNCTION regions_bump_data_version();

CREATE OR REPLACE TRIGGER regions_advisoryzone_regions_data_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions_advisoryzone
FOR EACH STATEMENT EXECUTE FUNCTION regions_bump_data_version();

CREATE OR REPLACE TRIGGER regions_advisoryzone_areas_regions_data_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions_advisoryzone_areas
FOR EACH STATEMENT EXECUTE FUNCTION regions_bump_data_version();
