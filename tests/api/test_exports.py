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


def _records():
    from incidents.models import Incident

    return sorted(
        (i.title, i.occurred_on.isoformat(), i.date_precision, i.event_type, i.sub_event_type,
         round(i.location.x, 6), round(i.location.y, 6), i.geo_precision, i.location_uncertainty_km,
         i.area_level, i.district and i.district.ubigeo, i.fatalities, i.injuries, i.description,
         i.location_name, i.status, i.dataset_id, tuple(sorted(a.name for a in i.actors.all())))
        for i in Incident.objects.all())


def test_the_geojson_download_re_imports_into_the_same_and_an_emptied_database(api, incidents, tmp_path):
    """`import_incidents --format geojson` reads the API's own property names: the same
    database recognises every incident (nothing changes), an emptied one gets the same records
    (points to the API's 6 decimals, ~0.1 m)."""
    from django.core.management import call_command

    from incidents.models import Incident
    from incidents.services.importers.files import import_file
    from incidents.services.workflow import OPERATOR
    from tests.factories import make_actor, make_incident

    make_incident(title="Clash seen from a hill", geo_precision=2, location_uncertainty_km=3.5,
                  actors=[make_actor("Shining Path"), make_actor("Military Forces of Peru"),
                          make_actor("Civilians (Peru)", kind=7)], injuries=3)
    path = tmp_path / "battles.geojson"
    path.write_text(body(api.get(URL, {"format": "geojson", "event_type": "Battles"})))  # anonymous
    assert len(json.loads(path.read_text())["features"]) == 5  # 4 of the fixture's Battles + 1
    Incident.objects.exclude(event_type="Battles").delete()
    Incident.objects.filter(status=Incident.Status.DRAFT).delete()
    before, count = _records(), Incident.objects.count()
    assert count == 5

    summary = import_file(user=OPERATOR, path=str(path), format="geojson")  # the same database
    assert (summary.created, summary.updated, summary.unchanged, summary.skipped) == (0, 0, 5, [])
    assert (_records(), Incident.objects.count()) == (before, 5)

    Incident.objects.all().delete()  # an emptied database
    call_command("import_incidents", str(path), "--format", "geojson", stdout=io.StringIO())
    assert _records() == before
    assert set(Incident.objects.values_list("external_source", flat=True)) == {"vraem"}
    again = import_file(user=OPERATOR, path=str(path), format="geojson")  # and again: the same rows
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_a_download_from_another_database_does_not_overwrite_a_same_numbered_incident(api, incidents, tmp_path):
    from incidents.models import Incident
    from incidents.services.importers.files import import_file
    from incidents.services.workflow import OPERATOR

    feature = json.loads(body(api.get(URL, {"format": "geojson", "region": "080910",
                                            "date_to": "2018-06-01"})))["features"][0]
    assert feature["properties"]["title"] == "Clash in Pichari"
    feature["properties"].update(occurred_on="2011-01-01", title="Elsewhere")  # another row, same id
    path = tmp_path / "other.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    summary = import_file(user=OPERATOR, path=str(path), format="geojson")
    assert (summary.created, summary.updated, summary.unchanged) == (1, 0, 0)
    assert Incident.objects.get(pk=incidents["pichari"]).title == "Clash in Pichari"
    created = Incident.objects.get(external_source="vraem")
    assert (created.external_id, created.title) == (f"VRAEM{incidents['pichari']}", "Elsewhere")
