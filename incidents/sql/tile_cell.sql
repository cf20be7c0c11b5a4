-- Table incidents_tile_cell: pre-counted clusters for low-zoom vector tiles. For every zoom up
-- to incidents.tiles.SUMMARY_MAX_ZOOM it holds the incidents counted per cell of the tile grid
-- (8 x 8 cells per tile, the grid incidents.tiles clusters on), split by status, synthetic flag
-- and event type, with the sums of their Web Mercator coordinates (for the mean position) and
-- the lowest id (the incident itself when a cell holds one). A low-zoom tile then reads at most
-- 64 cells x a few splits instead of every incident under it.
--
-- Rebuilt by incidents.services.tile_cells.refresh_tile_cells (`manage.py refresh_tile_cells`),
-- which also sets incidents_data_version.tile_cells_version (data_version.sql); read by
-- incidents.tiles only while that equals `version` (no write since the rebuild), otherwise
-- tiles are built from the incidents themselves.
--
-- History: created by incidents/0008_tile_cells (which also adds tile_cells_version to
-- incidents_data_version); unchanged since.
-- Loaded by: 0008_tile_cells

CREATE TABLE IF NOT EXISTS incidents_tile_cell (
    zoom smallint NOT NULL,
    cx integer NOT NULL,
    cy integer NOT NULL,
    status varchar(20) NOT NULL,
    is_synthetic boolean NOT NULL,
    event_type varchar(40) NOT NULL,
    count integer NOT NULL,
    sum_mx double precision NOT NULL,
    sum_my double precision NOT NULL,
    min_id bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS incidents_tile_cell_zoom_cx_cy ON incidents_tile_cell (zoom, cx, cy);
