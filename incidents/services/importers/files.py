"""Open an import file by format and hand its rows to common.run_import.

Threat line: the path comes from the operator (`import_incidents FILE`) or from the admin's
upload directory; the bytes from whoever uploaded them (an Editor at least). CSV rows are
streamed (acled.CsvRows) and counted (IMPORT_MAX_ROWS) before the first is written; GeoJSON,
parsed whole, has its own lower size limit (IMPORT_GEOJSON_MAX_BYTES) and the same row limit. Nothing here hands
them to GDAL: CSV is read by the csv module, GeoJSON by json + shapely. A path that GDAL would
take for a URL or a virtual file system (/vsicurl/…) is refused by name before anything is read.
"""
import csv
from functools import partial
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from regions.services.geojson_reader import GeoJSONError
from security.untrusted import UnsafePath, excerpt, refuse_gdal_path

from . import acled, geojson, ucdp
from ..workflow import WorkflowError, check_transition, may_import_status
from .common import ImportFailed, ImportSummary, RowError, run_import

FORMATS = ("acled", "ucdp", "geojson")


def import_file(*, user, path: str, format: str, skip_invalid: bool = False,
                status: str = "draft", progress=None) -> ImportSummary:
    """Import one file as `user`; raises ImportFailed (nothing written) on a bad file or row.

    New incidents get `status`, or the file's `status` column when the user may publish
    (an Editor's rows are drafts); existing ones keep theirs. A row that would change an
    incident the user may not change is a bad row.
    """
    if format not in FORMATS:
        raise ImportFailed(_("format %(format)r is not one of %(formats)s") % {"format": format, "formats": ", ".join(FORMATS)})
    try:
        refuse_gdal_path(path)
    except UnsafePath as error:
        raise ImportFailed(_("%(error)s. Nothing was imported.") % {"error": error}) from error
    try:
        check_transition(user, None, status)
    except WorkflowError as error:
        raise ImportFailed(_("%(error)s Nothing was imported.") % {"error": error}) from error
    status_column = may_import_status(user)
    try:
        size = Path(path).stat().st_size
    except OSError as error:
        raise ImportFailed(_("%(path)s: cannot read (%(strerror)s)") % {"path": path, "strerror": error.strerror}) from error
    if size == 0:
        raise ImportFailed(_("%(path)s is empty (0 bytes). Nothing was imported.") % {"path": path})
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFailed(
            _("%(path)s is %(size)s bytes, over the limit of %(limit)s bytes (IMPORT_MAX_BYTES); split it. Nothing was imported.") % {"path": path, "size": f"{size:,}", "limit": f"{settings.IMPORT_MAX_BYTES:,}"}
        )
    if format == "geojson" and size > settings.IMPORT_GEOJSON_MAX_BYTES:
        raise ImportFailed(
            _("%(path)s is %(size)s bytes, over the limit of %(limit)s bytes for GeoJSON (IMPORT_GEOJSON_MAX_MB; it is read whole); split it or import it as CSV. Nothing was imported.") % {"path": path, "size": f"{size:,}", "limit": f"{settings.IMPORT_GEOJSON_MAX_BYTES:,}"}
        )
    try:
        if format == "geojson":
            records = geojson.read_features(path)
            mapper = partial(geojson.map_feature, status=status, status_column=status_column)
            first_row = 1  # features are numbered from 1
        else:
            module = acled if format == "acled" else ucdp
            records = acled.read_csv(path, required=module.REQUIRED, filename=path)
            mapper = partial(module.map_row, status=status, status_column=status_column)
            first_row = 2  # CSV line numbers: the header is line 1
    except (OSError, RowError) as error:
        raise ImportFailed(str(error)) from error
    except GeoJSONError as error:
        raise ImportFailed(_("%(path)s: cannot read as %(format)s (%(error)s). Nothing was imported.") % {"path": path, "format": format, "error": error}) from error
    except Exception as error:  # an unforeseen reader error: named, quoted only in part
        raise ImportFailed(_("%(path)s: cannot read as %(format)s (%(kind)s: %(error)s)") % {
            "path": path, "format": format, "kind": type(error).__name__, "error": excerpt(error)}) from error
    rows = ((i + first_row, partial(mapper, record)) for i, record in enumerate(records))
    try:
        return run_import(rows, source=format if format != "geojson" else "geojson",
                          total=len(records), user=user, skip_invalid=skip_invalid,
                          progress=progress)
    except (RowError, csv.Error) as error:  # CSV rows are read again: the file changed since
        raise ImportFailed(_("%(path)s: cannot read as %(format)s (%(error)s). Nothing was imported.") % {
            "path": path, "format": format, "error": excerpt(error)}) from error
