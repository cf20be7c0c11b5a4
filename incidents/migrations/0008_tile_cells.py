"""Pre-counted clusters for low-zoom vector tiles.

`incidents_tile_cell` (incidents/sql/tile_cell.sql) holds, for every zoom up to
incidents.tiles.SUMMARY_MAX_ZOOM, the incidents counted per cell of the tile grid; a low-zoom tile
reads at most 64 cells x a few splits instead of every incident under it. The table is rebuilt by
`incidents.services.tile_cells.refresh_tile_cells` and is only used while
`incidents_data_version.tile_cells_version` (added here; incidents/sql/data_version.sql) equals
`version` (no write since the rebuild); otherwise tiles are built from the incidents themselves.
"""
from django.db import migrations

# The table as this migration created it, frozen here: incidents/sql/tile_cell.sql holds its
# current form (month and sum_id columns, kept current by triggers), which 0012_tile_cells_month
# loads.
TILE_CELL_0008 = """
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
"""

# IF NOT EXISTS: a database created after this change got the column from 0007 already.
FORWARD = [
    TILE_CELL_0008,
    "ALTER TABLE incidents_data_version ADD COLUMN IF NOT EXISTS tile_cells_version bigint;",
]

BACKWARD = """
ALTER TABLE incidents_data_version DROP COLUMN IF EXISTS tile_cells_version;
DROP TABLE IF EXISTS incidents_tile_cell;
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0007_synthetic_and_data_version")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
