"""An index of the month counts that fell to 0 (#18 target 5).

After every write to incidents the month-count trigger deletes the rows whose count fell to 0
(incidents/sql/month_count.sql). Without an index that DELETE read the whole table (227,035
rows, 61 MB at 1,000,000 incidents): ~40 ms added to every single INSERT, e.g. each draft of a
bulletin. The tile cells have had the same partial index since 0012 (incidents_tile_cell_empty);
it holds only the rows about to be deleted, so it stays empty between statements."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("incidents", "0018_tile_totals")]

    operations = [migrations.RunSQL(
        "CREATE INDEX IF NOT EXISTS incidents_month_count_empty ON incidents_month_count (month)"
        " WHERE incidents = 0;",
        "DROP INDEX IF EXISTS incidents_month_count_empty;",
    )]
