"""Dataset provenance and licences (#13 part 5): every incident names its dataset; ACLED rows
(licence forbids redistribution) stay out of what anonymous readers get, tiles only count them;
UCDP rows carry their CC BY 4.0 citation; the footer credits the datasets shown; exports carry
dataset and licence and round-trip."""
import csv
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from incidents.models import Dataset, Incident
from incidents.services.exporters import export_incidents
from incidents.services.importers.files import import_file
from incidents.services.workflow import OPERATOR
from tests.factories import logged_in, make_incident, page_url
from tests.places import PICHARI
from tests.tiles import features, get_tile, tile_of

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
URL = "/api/v1/incidents/"
UCDP_CITATION = ("Uppsala Conflict Data Program, Georeferenced Event Dataset (UCDP GED). "
                 "Sundberg, Ralph and Erik Melander (2013) Introducing the UCDP Georeferenced "
                 "Event Dataset. Journal of Peace Research 50(4): 523-532.")


@pytest.fixture
def loaded(db):
    """Published: 3 ACLED rows, 2 UCDP rows and one editor's incident; ids by dataset."""
    import_file(user=OPERATOR, path=str(FIXTURES / "acled_small.csv"), format="acled",
                status="published")
    import_file(user=OPERATOR, path=str(FIXTURES / "ucdp_small.csv"), format="ucdp",
                status="published")
    make_incident(title="Editor's own incident")
    return {slug: set(Incident.objects.filter(dataset_id=slug).values_list("id", flat=True))
            for slug in ("acled", "ucdp", "editor")}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {f["id"] for f in json.loads(response.content)["features"]}


def download(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_every_write_path_names_its_dataset(english, loaded):
    assert {slug: len(found) for slug, found in loaded.items()} == {"acled": 3, "ucdp": 2, "editor": 1}
    assert make_incident(dataset="demo").dataset_id == "demo"
    with pytest.raises(ValidationError, match="Unknown dataset 'nope'"):
        make_incident(dataset="nope")
    acled = Dataset.objects.get(pk="acled")
    assert (acled.redistribution, acled.attribution_required) == (False, True)
    ucdp = Dataset.objects.get(pk="ucdp")
    assert (ucdp.licence_name, ucdp.licence_url, ucdp.citation, ucdp.redistribution) == (
        "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/", UCDP_CITATION, True)


def test_acled_rows_are_out_of_anonymous_api_list_detail_and_downloads(api, editor_api, loaded):
    public = loaded["ucdp"] | loaded["editor"]
    everything = public | loaded["acled"]
    assert ids(api.get(URL)) == public
    assert ids(editor_api.get(URL)) == everything
    acled_id = min(loaded["acled"])
    assert api.get(f"{URL}{acled_id}/").status_code == 404
    assert editor_api.get(f"{URL}{acled_id}/").status_code == 200
    rows = list(csv.DictReader(io.StringIO(download(api.get(URL, {"format": "csv"})))))
    assert sorted(r["dataset"] for r in rows) == ["editor", "ucdp", "ucdp"]
    rows = list(csv.DictReader(io.StringIO(download(editor_api.get(URL, {"format": "csv"})))))
    assert sorted(r["dataset"] for r in rows) == ["acled"] * 3 + ["editor", "ucdp", "ucdp"]
    geojson = json.loads(download(api.get(URL, {"format": "geojson"})))
    assert {f["properties"]["id"] for f in geojson["features"]} == public
    stats = json.loads(api.get("/api/v1/stats/").content)
    assert stats["total"]["incidents"] == 3


def test_acled_rows_are_out_of_anonymous_pages_and_in_for_editors(loaded):
    acled_id = min(loaded["acled"])
    assert Client().get(page_url("incident", acled_id)).status_code == 404
    page = logged_in("editor").get(page_url("incident", acled_id))
    assert page.status_code == 200
    assert "Armed Conflict Location &amp; Event Data (ACLED)" in page.content.decode()


def test_the_setting_lets_restricted_rows_out(api, loaded, settings):
    settings.RESTRICTED_DATASETS_PUBLIC = True
    assert ids(api.get(URL)) == loaded["acled"] | loaded["ucdp"] | loaded["editor"]
    assert Client().get(page_url("incident", min(loaded['acled']))).status_code == 200


def test_ucdp_rows_carry_their_cc_by_citation_in_api_and_page(api, loaded):
    ucdp_id = min(loaded["ucdp"])
    properties = json.loads(api.get(f"{URL}{ucdp_id}/").content)["properties"]
    assert {k: properties[k] for k in ("dataset", "dataset_name", "licence", "licence_url",
                                       "citation")} == {
        "dataset": "ucdp", "dataset_name": "UCDP Georeferenced Event Dataset (GED)",
        "licence": "CC BY 4.0", "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "citation": UCDP_CITATION,
    }
    page = Client().get(page_url("incident", ucdp_id)).content.decode()
    assert ('<p class="provenance" data-dataset="ucdp"><a href="https://ucdp.uu.se/downloads/" '
            'rel="noopener noreferrer">UCDP Georeferenced Event Dataset (GED)</a> (record 190001).') in page
    assert f"<cite>{UCDP_CITATION}</cite>" in page


def _credited(page: str) -> list[str]:
    return [part.split('"')[0] for part in page.split('class="dataset-credit" data-dataset="')[1:]]


def test_footer_credits_the_datasets_shown(loaded):
    page = Client().get(page_url("map")).content.decode()
    assert _credited(page) == ["ucdp", "editor"]  # by name: UCDP…, VRAEM…; ACLED hidden
    assert "Boundaries: INEI, via mapsPERU (GPL-3)." in page
    assert UCDP_CITATION in page
    assert _credited(logged_in("editor").get(page_url("map")).content.decode()) == ["acled", "ucdp", "editor"]
    Incident.objects.filter(dataset_id="ucdp").update(status="archived")
    assert _credited(Client().get(page_url("map")).content.decode()) == ["editor"]


def _tile(client_or_api, z, point):
    z, x, y = tile_of(point, z)
    return features(get_tile(client_or_api, "incidents", z, x, y), "incidents")


@pytest.mark.parametrize("precounted", [False, True])
def test_tiles_count_acled_rows_but_never_name_them(api, editor_api, loaded, precounted):
    if precounted:
        call_command("refresh_tile_cells", verbosity=0)
    clusters = _tile(api, 5, PICHARI)
    assert sum(f["properties"]["count"] for f in clusters) == 6
    named = {f["properties"].get("id") for f in clusters if f["properties"]["count"] == 1}
    assert not named & loaded["acled"]
    # Huancavelica's point (PER1002, ACLED) is alone in its cell: counted, not named.
    assert [f["properties"] for f in clusters if f["properties"]["count"] == 1
            and f["properties"].get("id") is None] == [{"count": 1}]
    editor_named = {f["properties"].get("id") for f in _tile(editor_api, 5, PICHARI)
                    if f["properties"]["count"] == 1}
    assert editor_named & loaded["acled"]
    # One by one (z14), Pichari holds a UCDP, an ACLED and the editor's row: the public sees
    # the UCDP and the editor's.
    pichari_ucdp = Incident.objects.get(external_source="ucdp", external_id="190002").pk
    pichari_acled = Incident.objects.get(external_source="acled", external_id="PER1003").pk
    (editor,) = loaded["editor"]
    assert {f["properties"]["id"] for f in _tile(api, 14, PICHARI)} == {pichari_ucdp, editor}
    assert {f["properties"]["id"] for f in _tile(editor_api, 14, PICHARI)} == {
        pichari_ucdp, pichari_acled, editor}


def test_exports_carry_dataset_and_licence_and_round_trip(loaded, tmp_path):
    path = tmp_path / "all.csv"
    assert export_incidents(path=str(path), format="csv") == 6
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    by_id = {r["event_id_cnty"]: r for r in rows}
    assert (by_id["PER1001"]["dataset"], by_id["PER1001"]["licence"]) == (
        "acled", "ACLED Terms of Use (attribution required; raw data not to be redistributed)")
    assert (by_id["190001"]["dataset"], by_id["190001"]["licence"], by_id["190001"]["citation"],
            by_id["190001"]["licence_url"]) == (
        "ucdp", "CC BY 4.0", UCDP_CITATION, "https://creativecommons.org/licenses/by/4.0/")
    before = sorted(Incident.objects.values_list("external_id", "external_source", "dataset_id"))
    Incident.objects.all().delete()
    summary = import_file(user=OPERATOR, path=str(path), format="acled", status="published")
    assert summary.created == 6
    after = sorted(Incident.objects.values_list("external_id", "external_source", "dataset_id"))
    editor_row = [row for row in before if row[2] == "editor"][0]
    # The editor's incident comes back under its exported id, in the file's namespace.
    assert after == sorted([row for row in before if row[2] != "editor"]
                           + [(f"VRAEM{min(loaded['editor'])}", "acled", "editor")])
    assert editor_row[:2] == ("", "")
    again = import_file(user=OPERATOR, path=str(path), format="acled", status="published")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)


def test_public_export_leaves_acled_out(loaded, tmp_path):
    path = tmp_path / "public.geojson"
    assert export_incidents(path=str(path), format="geojson", public=True) == 3
    datasets = sorted(f["properties"]["dataset"] for f in json.loads(path.read_text())["features"])
    assert datasets == ["editor", "ucdp", "ucdp"]


def test_an_unknown_dataset_in_a_file_is_a_row_error(tmp_path):
    text = (FIXTURES / "acled_small.csv").read_text(encoding="utf-8").splitlines()
    text = [text[0] + ",dataset", text[1] + ",stolen"]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"row 2: dataset 'stolen' is not one of acled, bulletin, "
                                        r"demo, editor, ucdp\. Nothing was imported\."):
        import_file(user=OPERATOR, path=str(path), format="acled")
