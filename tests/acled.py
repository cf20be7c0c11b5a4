"""Small ACLED CSV files built from the first fixture row, for the import tests."""
import csv
import io
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
ACLED = (FIXTURES / "acled_small.csv").read_text(encoding="utf-8")
ACLED_HEADER, ACLED_ROW = ACLED.splitlines()[:2]


def acled(*rows: str, header: str = ACLED_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def acled_row(**changes) -> str:
    """The first fixture row with some columns changed."""
    columns = ACLED_HEADER.split(",")
    cells = next(csv.reader([ACLED_ROW]))
    row = dict(zip(columns, cells)) | changes
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([row[c] for c in columns])
    return out.getvalue()
