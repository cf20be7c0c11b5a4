"""Downloads: ACLED-compatible CSV (with optional HXL row) and GeoJSON that GIS tools read."""
import csv
import io
import json
import subprocess

import pytest

from incidents.services.exporters import COLUMNS
from tests.places import PICHARI

URL = "/api/v1/incidents/"
pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_csv_has_acled_columns_and_the_filtered_rows(api, incidents):
    response = api.get(URL, {"format": "csv", "region": "08", "ordering": "occurred_on"})
    assert response["Content-Disposition"] == 'attachment; filename="incidents.csv"'
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert list(rows[0]) == COLUMNS
    assert [r["event_id_cnty"] for r in rows] == [f"VRAEM{incidents['pichari']}", f"VRAEM{incidents['border']}"]
    first = rows[0]
    assert (first["event_date"], first["year"], first["event_type"], first["sub_event_type"]) == (
        "2018-06-01", "2018", "Battles", "Armed clash",
    )
    assert (first["actor1"], first["actor2"]) == ("Military Forces of Peru", "Shining Path")
    assert (first["admin1"], first["admin2"], first["admin3"], first["admin3_ubigeo"]) == (
        "Cusco", "La Convención", "Pichari", "080910",
    )
    assert (float(first["latitude"]), float(first["longitude"])) == (PICHARI.y, PICHARI.x)
    assert (first["fatalities"], first["status"], first["area_level"]) == ("2", "published", "district")


def test_csv_hxl_row_and_unknown_casualties_stay_empty(api, incidents):
    lines = body(api.get(URL, {"format": "csv", "hxl": "true", "q": "San Miguel"})).splitlines()
    assert lines[1].split(",")[:3] == ["#event+code", "#date+occurred", "#date+year"]
    row = dict(zip(lines[0].split(","), next(csv.reader([lines[2]]))))
    assert (row["fatalities"], row["injuries"]) == ("", "")


def test_geojson_download_holds_every_match_and_ogrinfo_reads_it(api, incidents, tmp_path):
    text = body(api.get(URL, {"format": "geojson", "page_size": 1}))
    collection = json.loads(text)
    assert len(collection["features"]) == 5  # a download is not paginated
    path = tmp_path / "incidents.geojson"
    path.write_text(text)
    info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True)
    assert "Feature Count: 5" in info.stdout
    assert "Geometry: Point" in info.stdout
    assert "title: String" in info.stdout


def test_the_page_itself_is_read_by_ogrinfo(api, incidents, tmp_path):
    path = tmp_path / "page.geojson"
    path.write_bytes(api.get(URL, {"page_size": 3}).content)
    info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True)
    assert "Feature Count: 3" in info.stdout
