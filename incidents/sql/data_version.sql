-- Table incidents_data_version: one row (id = 1) of counters that readers compare instead of
-- counting a million incidents. It is read in the reader's own snapshot, so a version never
-- names data that is not committed yet.
--
--   version             grows with every statement that writes incidents or their actor links;
--                       staff ETags and the tile-cell freshness use it (incidents.tiles.data_version).
--   changed_at          when a counter last moved.
--   tile_cells_version  the `version` incidents_tile_cell (tile_cell.sql) was rebuilt at
--                       (incidents.services.tile_cells); the cells are used only while it equals
--                       `version`.
--   published_version   grows only with statements that write a row that is or was published,
--                       or the advisory zones and areas every public map draws; anonymous ETags
--                       and cached pages are keyed by it, so drafts leave no trace in it.
--
-- The trigger function incidents_bump_data_version (bump_data_version.sql) moves the counters;
-- every incident writer locks this row first (incidents.services.incidents.lock_for_write).
--
-- History: created by incidents/0007_synthetic_and_data_version with id, version and changed_at;
-- incidents/0008_tile_cells added tile_cells_version and
-- incidents/0010_text_search_and_published_version added published_version (both with ADD COLUMN
-- IF NOT EXISTS there, for databases created before them; a fresh database gets the table in
-- this form from 0007).
-- Loaded by: 0007_synthetic_and_data_version

CREATE TABLE IF NOT EXISTS incidents_data_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL,
    changed_at timestamptz NOT NULL,
    tile_cells_version bigint,
    published_version bigint NOT NULL DEFAULT 1
);
INSERT INTO incidents_data_version (id, version, changed_at) VALUES (1, 1, now())
    ON CONFLICT (id) DO NOTHING;
