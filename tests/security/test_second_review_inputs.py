"""Findings 6 and 7 of the second security review (an Editor's import file and bulletin
preview): copied from tests/security/test_review_findings.py on branch `review`.
"""
import pytest

pytestmark = pytest.mark.django_db

# --- 4. An Editor's import file costs up to ~230 times its size in memory -------------------

def test_an_import_file_is_not_read_whole_into_python_objects(tmp_path):
    """IMPORT_MAX_BYTES (100 MB) bounds the upload, not what reading it costs: the CSV reader
    turns every line into a dict before the first row is checked (`read_csv` returns a list),
    and a line of one comma becomes a 3-key dict: ~230 bytes of memory per 2 bytes of file.
    A 100 MB file of commas (compressing to ~100 KB) makes a worker ask for ~23 GB — the
    out-of-memory killer then picks a victim on the shared machine (PostgreSQL, often). The
    GeoJSON reader is the same at ~22x (`[[],[],…]` in a property). Rows should be streamed
    (csv reader / ijson) and the row count capped, or the limit be far lower for the web."""
    import tracemalloc

    from incidents.services.importers import acled
    from incidents.services.importers.common import ImportFailed
    from incidents.services.importers.files import import_file
    from tests.factories import member

    path = tmp_path / "commas.csv"
    path.write_text(",".join(acled.REQUIRED) + "\n" + ",\n" * 500_000)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with pytest.raises(ImportFailed):
            import_file(user=member("editor"), path=str(path), format="acled")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * size, f"a {size:,}-byte file took {peak:,} bytes ({peak / size:.0f}x) to read"


def test_an_import_over_the_row_limit_is_refused_by_name_before_any_row_is_written(tmp_path, settings):
    """The row count is checked in the streaming pass that reads the header: a file with one
    row over IMPORT_MAX_ROWS is refused, named, and nothing is written (not even its good rows)."""
    from incidents.models import Incident
    from incidents.services.importers.common import ImportFailed
    from incidents.services.importers.files import import_file
    from tests.acled import acled, acled_row
    from tests.factories import member

    settings.IMPORT_MAX_ROWS = 3
    path = tmp_path / "four.csv"
    path.write_bytes(acled(*(acled_row(event_id_cnty=f"PER{i}") for i in range(4))))
    with pytest.raises(ImportFailed) as raised:
        import_file(user=member("editor"), path=str(path), format="acled")
    assert str(raised.value) == f"{path} has more than 3 rows, the limit (IMPORT_MAX_ROWS); split it"
    assert Incident.objects.count() == 0
    path.write_bytes(acled(*(acled_row(event_id_cnty=f"PER{i}") for i in range(3))))
    assert import_file(user=member("editor"), path=str(path), format="acled").created == 3


def test_a_streamed_csv_import_keeps_row_numbers_and_is_all_or_nothing(tmp_path):
    """Rows are read from disk as they are written: a ragged row after good ones still names
    its row (blank lines skipped, as before) and rolls the good ones back."""
    from incidents.models import Incident
    from incidents.services.importers.common import ImportFailed
    from incidents.services.importers.files import import_file
    from tests.acled import acled, acled_row
    from tests.factories import member

    path = tmp_path / "ragged.csv"
    path.write_bytes(acled(acled_row(event_id_cnty="PER1"), "", acled_row(event_id_cnty="PER2"),
                           "a,b,c"))
    with pytest.raises(ImportFailed) as raised:
        import_file(user=member("editor"), path=str(path), format="acled")
    columns = len(acled_row().split(","))
    assert str(raised.value) == (f"row 4: has 3 cells, the header has {columns} columns. "
                                 "Nothing was imported.")
    assert Incident.objects.count() == 0


def test_a_geojson_import_has_its_own_lower_size_limit_and_the_row_limit(tmp_path, settings):
    """GeoJSON is parsed whole (~22 bytes of memory per byte of `[[],[],…]`): its size limit
    (IMPORT_GEOJSON_MAX_BYTES, 10 MB) is far below the CSV one, and its features count against
    IMPORT_MAX_ROWS."""
    import json

    from incidents.services.importers.common import ImportFailed
    from incidents.services.importers.files import import_file
    from tests.factories import member

    assert settings.IMPORT_GEOJSON_MAX_BYTES == 10 * 1024 * 1024 < settings.IMPORT_MAX_BYTES
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-74.0, -12.5]},
               "properties": {"event_id_cnty": "PER1", "event_date": "2024-01-02",
                              "event_type": "Battles", "sub_event_type": "Armed clash",
                              "geo_precision": 1, "time_precision": 1}}
    path = tmp_path / "three.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature] * 3}))
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportFailed) as raised:
        import_file(user=member("editor"), path=str(path), format="geojson")
    assert str(raised.value) == f"{path} has 3 features, over the limit of 2 (IMPORT_MAX_ROWS); split it"
    size = path.stat().st_size
    settings.IMPORT_GEOJSON_MAX_BYTES = size - 1
    with pytest.raises(ImportFailed) as raised:
        import_file(user=member("editor"), path=str(path), format="geojson")
    assert str(raised.value) == (
        f"{path} is {size:,} bytes, over the limit of {size - 1:,} bytes for GeoJSON "
        "(IMPORT_GEOJSON_MAX_MB; it is read whole); split it or import it as CSV. "
        "Nothing was imported.")

# --- 5. An Editor's bulletin preview costs time quadratic in its length ---------------------

def test_bulletin_preview_cost_grows_linearly_with_its_length():
    """Ingest bulletin → Preview (no write, `add_incident` only) geocodes every clause with
    *every* place mention of the whole bulletin as context, and `resolve_areas` runs one or two
    gazetteer queries per context name on each call: queries grow with the square of the
    text. Measured here: 4.7 KB → 11 s, 17 KB → 121 s; BULLETIN_MAX_CHARS (100,000) → over an
    hour of one worker and the database per click. Three Editors' clicks (or one, repeated
    after each worker timeout) stop the site. Context areas should be resolved once per
    bulletin (and the number of mentions/qualifiers capped)."""
    from pathlib import Path

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from incidents.services.bulletins.ingest import preview_bulletin

    base = (Path(__file__).resolve().parent.parent / "bulletins" / "es_llochegua_campesinos.txt").read_text()
    sentence = "Presuntos narcoterroristas asesinaron a tres campesinos en el distrito de Llochegua. "

    def queries(repeats: int) -> int:
        text = base.replace("el domingo 3 de septiembre.", "el domingo 3 de septiembre. " + sentence * repeats)
        with CaptureQueriesContext(connection) as captured:
            preview_bulletin(text)
        return len(captured.captured_queries)

    small, large = queries(10), queries(30)  # 3x the sentences: linear would be ~3x the queries
    assert large <= 4 * small, (f"10 → 30 sentences: {small:,} → {large:,} queries "
                                f"({large / small:.1f}x for 3x the text)")


def test_bulletin_context_is_resolved_once_and_repeated_names_cost_nothing_more():
    """The areas a bulletin names are resolved once (`context_areas`), with one lookup cache for
    the whole text; a name repeated n times weighs n in the agreement, as before, but is looked
    up once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from regions.geocoding import resolve_areas

    assert resolve_areas(["Satipo", "Junín"]) == ["1206", "12"]
    cache: dict = {}
    with CaptureQueriesContext(connection) as first:
        resolve_areas(["Satipo", "Junín"] * 50, cache=cache)
    with CaptureQueriesContext(connection) as again:
        assert resolve_areas(["Satipo", "Junín"] * 50, cache=cache) == ["1206", "12"]
    assert len(first.captured_queries) <= 4 and len(again.captured_queries) == 0


def test_place_search_refuses_more_than_three_qualifiers():
    """Each comma-separated area of the admin's place search costs gazetteer queries and
    agreement work with every other one: at most 3 (district, province, department)."""
    from django.urls import reverse

    from tests.factories import logged_in

    client = logged_in("editor", "en")
    url = reverse("admin:incidents_incident_places")
    response = client.get(url, {"q": "Natividad, Pichari, La Convención, Cusco, Cusco"})
    assert response.status_code == 400
    assert response.json() == {"error": "q: at most 3 areas after the place name (district, "
                                        "province, department), got 4."}
    response = client.get(url, {"q": "Natividad, Pichari, La Convención, Cusco"})
    assert response.status_code == 200 and response.json()["candidates"][0]["name"] == "Natividad"
