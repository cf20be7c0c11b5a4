"""The explorer's view as a file (#15 part 4): CSV (ACLED columns), GeoJSON, GeoPackage and KML
hold exactly the incidents of the list for the same filters (read back with GDAL through
geopandas/pyogrio), under the downloads' rate and the anonymous row cap."""
import csv
import io
import json

import geopandas as gpd
import pytest

from incidents.services.exporters import COLUMNS

URL = "/api/v1/incidents/"
pytestmark = pytest.mark.django_db

QUERIES = [
    {},
    {"event_type": ["Battles", "Protests"], "region": ["08", "15"]},
    {"actor": ["sendero luminoso"], "bbox": "-74.5,-12.8,-73.5,-12.0"},
    {"region": ["09", "12"], "date_from": "2018-06-01", "date_to": "2018-06-30"},
    {"event_type": ["Riots"]},  # nothing: the files are empty, not missing
]


def listed_ids(api, query) -> set[str]:
    response = api.get(URL, {**query, "page_size": 5000})
    assert response.status_code == 200
    return {f"VRAEM{f['id']}" for f in response.json()["features"]}


def download(api, query, kind, tmp_path):
    response = api.get(URL, {**query, "format": kind})
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"] == f'attachment; filename="incidents.{kind}"'
    content = b"".join(response.streaming_content)
    path = tmp_path / f"incidents.{kind}"
    path.write_bytes(content)
    return response, content, path


@pytest.mark.parametrize("query", QUERIES)
def test_every_format_holds_the_ids_of_the_list(api, incidents, query, tmp_path):
    expected = listed_ids(api, query)
    _, content, _ = download(api, query, "csv", tmp_path)
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert {r["event_id_cnty"] for r in rows} == expected
    _, content, _ = download(api, query, "geojson", tmp_path)
    assert {f"VRAEM{f['id']}" for f in json.loads(content)["features"]} == expected
    response, _, path = download(api, query, "gpkg", tmp_path)
    assert response["Content-Type"] == "application/geopackage+sqlite3"
    if expected:
        frame = gpd.read_file(path, layer="incidents", engine="pyogrio")
        assert set(frame["event_id_cnty"]) == expected
        assert list(frame.columns) == [*COLUMNS, "geometry"]
        assert frame.crs.to_epsg() == 4326
        assert set(frame.geometry.geom_type) == {"Point"}
    response, content, path = download(api, query, "kml", tmp_path)
    assert response["Content-Type"] == "application/vnd.google-earth.kml+xml"
    assert content.startswith(b'<?xml version="1.0" encoding="utf-8" ?>\n<kml')
    if expected:
        frame = gpd.read_file(path, engine="pyogrio")
        assert set(frame["event_id_cnty"]) == expected
        features = api.get(URL, {**query, "page_size": 5000}).json()["features"]
        titles = {feature["properties"]["title"] for feature in features}
        assert set(frame["Name"]) == titles  # Google Earth labels each placemark with its title
    else:
        assert b"<Placemark" not in content


def test_kml_and_gpkg_keep_coordinates_exact(api, incidents, tmp_path):
    from tests.places import PICHARI

    query = {"q": "Clash in Pichari"}
    _, _, path = download(api, query, "gpkg", tmp_path)
    (point,) = gpd.read_file(path, layer="incidents").geometry
    assert (point.x, point.y) == (PICHARI.x, PICHARI.y)
    _, _, path = download(api, query, "kml", tmp_path)
    (point,) = gpd.read_file(path).geometry
    assert (round(point.x, 9), round(point.y, 9)) == (round(PICHARI.x, 9), round(PICHARI.y, 9))


def test_the_new_formats_keep_the_anonymous_row_cap(api, editor_api, incidents, settings):
    settings.EXPORT_MAX_ROWS_ANON = 4  # the fixture publishes 5 incidents
    for kind in ("gpkg", "kml"):
        response = api.get(URL, {"format": kind})
        assert response.status_code == 400
        assert response.json()["format"][0].startswith("An anonymous download holds at most 4 incidents")
    assert api.get(URL, {"format": "gpkg", "region": "08"}).status_code == 200
    assert editor_api.get(URL, {"format": "kml"}).status_code == 200  # a logged-in client: no cap


def test_the_new_formats_count_against_the_download_rate(api, incidents, monkeypatch):
    from security.throttling import WorkRateThrottle

    monkeypatch.setattr(WorkRateThrottle, "THROTTLE_RATES", {"exports": "2/minute"})
    codes = [api.get(URL, {"format": kind, "region": "08"}).status_code for kind in ("kml", "gpkg", "kml")]
    assert codes == [200, 200, 429]


def test_restricted_rows_stay_out_of_anonymous_files(api, incidents, tmp_path):
    from tests.factories import make_incident
    from tests.places import PICHARI

    hidden = make_incident(title="ACLED row", location=PICHARI, dataset="acled")
    _, _, path = download(api, {}, "gpkg", tmp_path)
    ids = set(gpd.read_file(path, layer="incidents")["event_id_cnty"])
    assert f"VRAEM{hidden.pk}" not in ids and len(ids) == 5
