"""Downloads of a filtered incident list: ACLED-compatible CSV and GeoJSON (streamed),
GeoPackage and KML (written by GDAL to a temporary file, then sent)."""
import csv
import io
import os
import tempfile

from django.http import FileResponse, StreamingHttpResponse

from regions import geojson

from ..services.exporters import COLUMNS, HXL_TAGS, csv_row, write_incidents
from .features import incident_feature


def _csv_lines(queryset, hxl: bool):
    """The header (and HXL row), then one line per incident, read in chunks from the database."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writeheader()
    if hxl:
        writer.writerow(HXL_TAGS)
    yield flush()
    rows = queryset.select_related("department", "province", "district", "dataset").prefetch_related("actors", "sources")
    for incident in rows.iterator(chunk_size=2000):
        writer.writerow(csv_row(incident))  # formula-like text cells neutralised
        yield flush()


def csv_response(queryset, *, hxl: bool = False) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(queryset, hxl), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="incidents.csv"'
    return response


def _geojson_chunks(queryset):
    yield '{"type": "FeatureCollection", "features": ['
    for i, feature in enumerate(geojson.stream_features(queryset, incident_feature())):
        yield ("," if i else "") + feature
    yield "]}"


def geojson_response(queryset) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_geojson_chunks(queryset), content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="incidents.geojson"'
    return response


FILE_TYPES = {"gpkg": "application/geopackage+sqlite3", "kml": "application/vnd.google-earth.kml+xml"}


def file_response(queryset, *, format: str) -> FileResponse:
    """GeoPackage (layer `incidents`) or KML (placemarks named by title) of the incidents,
    with the CSV's ACLED columns; the temporary directory goes when the response is closed."""
    directory = tempfile.TemporaryDirectory(prefix="vraem-export-")
    path = os.path.join(directory.name, f"incidents.{format}")
    try:
        write_incidents(queryset, path=path, format=format)
        response = FileResponse(open(path, "rb"), as_attachment=True, filename=f"incidents.{format}",
                                content_type=FILE_TYPES[format])
    except BaseException:
        directory.cleanup()
        raise
    response._resource_closers.append(directory.cleanup)
    return response
