"""Open an import file by format and hand its rows to common.run_import."""
from functools import partial
from pathlib import Path

from . import acled, geojson, ucdp
from .common import ImportFailed, ImportSummary, RowError, run_import

FORMATS = ("acled", "ucdp", "geojson")


def import_file(*, path: str, format: str, skip_invalid: bool = False, status: str = "draft",
                progress=None) -> ImportSummary:
    """Import one file; raises ImportFailed (nothing written) on a bad file or row."""
    if format not in FORMATS:
        raise ImportFailed(f"format {format!r} is not one of {', '.join(FORMATS)}")
    try:
        if format == "geojson":
            records = geojson.read_features(path)
            mapper = partial(geojson.map_feature, status=status)
            first_row = 1  # features are numbered from 1
        else:
            text = Path(path).read_text(encoding="utf-8-sig")
            module = acled if format == "acled" else ucdp
            records = acled.read_csv(text, required=module.REQUIRED, filename=path)
            mapper = partial(module.map_row, status=status)
            first_row = 2  # CSV line numbers: the header is line 1
    except (OSError, UnicodeDecodeError, RowError) as error:
        raise ImportFailed(str(error)) from error
    except Exception as error:  # pyogrio/pandas read errors
        raise ImportFailed(f"{path}: cannot read as {format} ({error})") from error
    rows = ((i + first_row, partial(mapper, record)) for i, record in enumerate(records))
    return run_import(rows, source=format if format != "geojson" else "geojson",
                      total=len(records), skip_invalid=skip_invalid, progress=progress)
