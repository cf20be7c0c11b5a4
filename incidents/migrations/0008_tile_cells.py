"""Pre-counted clusters for low-zoom vector tiles.

`incidents_tile_cell` holds, for every zoom up to incidents.tiles.SUMMARY_MAX_ZOOM, the
incidents counted per cell of the tile grid (8 x 8 cells per tile, the grid incidents.tiles clusters on), split by status,
synthetic flag and event type, with the sums of their Web Mercator coordinates (for the mean
position) and the lowest id (the incident itself when a cell holds one). A low-zoom tile then
reads at most 64 cells x a few splits instead of every incident under it. The table is rebuilt
by `incidents.services.tile_cells.refresh_tile_cells` and is only used while
`incidents_data_version.tile_cells_version` equals `version` (no write since the rebuild);
otherwise tiles are built from the incidents themselves.
"""
from django.db import migrations

FORWARD = """
CREATE TABLE incidents_tile_cell (
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
CREATE INDEX incidents_tile_cell_zoom_cx_cy ON incidents_tile_cell (zoom, cx, cy);
ALTER TABLE incidents_data_version ADD COLUMN tile_cells_version bigint;
"""

BACKWARD = """
ALTER TABLE incidents_data_version DROP COLUMN IF EXISTS tile_cells_version;
DROP TABLE IF EXISTS incidents_tile_cell;
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0007_synthetic_and_data_version")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
