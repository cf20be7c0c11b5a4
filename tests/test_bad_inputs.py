"""The catalogue of bad inputs, in one place, through the real entry points.

Each case goes in by an entry point (API GET/POST, `import_incidents`, `ingest_alert`, the admin
"Ingest bulletin" page), must be refused with a message naming the problem (the row number for
import rows), and must leave every table's row count unchanged.
"""
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from incidents.models import Actor, Alert, Incident, Source
from regions.models import AdminArea, AdvisoryZone
from tests.acled import ACLED_HEADER, acled, acled_row
from tests.factories import make_incident

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
UCDP = (FIXTURES / "ucdp_small.csv").read_text(encoding="utf-8")
SEED_BULLETIN = (settings.ALERTS_DIR / "2018-06-26-peru-vraem-clashes-update-2.txt").read_text(encoding="utf-8")

# Small limits for the size cases: a file or text one unit over them is refused.
IMPORT_LIMIT = 2_000
BULLETIN_LIMIT = 6_000
BODY_LIMIT = 3_000


def feature(geometry, **properties):
    return {"type": "Feature", "geometry": geometry, "properties": {
        "title": "Clash", "occurred_on": "2018-06-24", "event_type": "Battles",
        "sub_event_type": "Armed clash", **properties}}


def geojson(*features, crs=None) -> bytes:
    import json

    props = {"event_id_cnty": "GJ1", "event_date": "2018-06-24", "event_type": "Battles",
             "sub_event_type": "Armed clash", "geo_precision": "1", "time_precision": "1"}
    collection = {"type": "FeatureCollection",
                  "features": [{"type": "Feature", "geometry": g, "properties": props | p} for g, p in features]}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(collection).encode()


def _ucdp_where_prec_7() -> bytes:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(UCDP)))
    rows[0]["where_prec"] = "7"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows[:1])
    return out.getvalue().encode()


POINT = {"type": "Point", "coordinates": [-74.027089694, -12.186018616]}
NO_DATE = "\n".join(line for line in SEED_BULLETIN.splitlines() if "UTC" not in line)


@dataclass
class Bad:
    id: str
    entry: str  # api_get | api_post | api_raw | import_acled | import_ucdp | import_geojson | ingest | admin
    payload: object
    expected: str  # part of the message the caller sees


CASES = [
    # Query parameters (API GET): a 400 naming the parameter.
    Bad("bbox-three-numbers", "api_get", {"bbox": "1,2,3"}, "bbox"),
    Bad("date-month-13", "api_get", {"date_from": "2018-13-01"}, "date_from"),
    Bad("page-size-word", "api_get", {"page_size": "lots"}, "page_size"),
    Bad("region-injection", "api_get", {"region": "12' OR 1=1--"}, "region"),
    Bad("near-without-radius", "api_get", {"near": "-74,-12"}, "radius_km"),
    Bad("ordering-unknown-column", "api_get", {"ordering": "password"}, "ordering"),
    # Writes (API POST): a 400 (or 413) naming the field and the problem.
    Bad("body-not-json", "api_raw", b'{"type": "Feature",', "JSON parse error"),
    Bad("body-feature-collection", "api_post", {"type": "FeatureCollection", "features": []},
        "Expected one GeoJSON Feature (one incident), got 'FeatureCollection'"),
    Bad("geometry-missing", "api_post", feature(None), "location"),
    Bad("geometry-polygon", "api_post",
        feature({"type": "Polygon", "coordinates": [[[-74, -12], [-73, -12], [-73, -11], [-74, -12]]]}),
        "Expected a GeoJSON Point geometry, got a Polygon"),
    Bad("geometry-coordinates-text", "api_post", feature({"type": "Point", "coordinates": ["a", "b"]}), "location"),
    Bad("geometry-outside-peru", "api_post", feature({"type": "Point", "coordinates": [-80.0, -12.0]}),
        "outside Peru"),
    Bad("geometry-lat-lon-swapped", "api_post", feature({"type": "Point", "coordinates": [-12.186, -74.027]}),
        "outside Peru"),
    Bad("geometry-metres-no-crs", "api_post", feature({"type": "Point", "coordinates": [620000, 8600000]}),
        "outside Peru"),
    Bad("geometry-wrong-srid", "api_post",
        feature({"type": "Point", "coordinates": [-8240000, -1390000],
                 "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}}), "got SRID 3857"),
    Bad("date-30-february", "api_post", feature(POINT, occurred_on="2018-02-30"), "occurred_on"),
    Bad("sub-type-of-another-type", "api_post", feature(POINT, event_type="Protests"), "sub_event_type"),
    Bad("body-over-limit", "api_post", feature(POINT, description="x" * BODY_LIMIT),
        f"larger than {BODY_LIMIT} bytes"),
    # ACLED CSV files (import_incidents): the file, the column or the row named.
    Bad("csv-empty", "import_acled", b"", "is empty (0 bytes)"),
    Bad("csv-latin-1", "import_acled", acled(acled_row(notes="Emboscada en Vizcatán")).decode().encode("latin-1"),
        "is not UTF-8 text: byte 0xe1 on line 2"),
    Bad("csv-utf-16", "import_acled", acled(acled_row()).decode().encode("utf-16"), "is UTF-16 text; save it as UTF-8"),
    Bad("csv-binary", "import_acled", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "is not UTF-8 text"),
    Bad("csv-nul-byte", "import_acled", acled(acled_row()) + b"\x00\n", "NUL byte on line 3"),
    Bad("csv-wrong-columns", "import_acled", UCDP.encode(), "missing column(s) event_id_cnty, event_date"),
    Bad("csv-duplicate-header", "import_acled", acled(acled_row() + ",-12.5", header=ACLED_HEADER + ",latitude"),
        "duplicate column(s) latitude"),
    Bad("csv-no-header", "import_acled", b"\n\n", "no header line"),
    Bad("csv-over-size-limit", "import_acled", acled(*[acled_row(event_id_cnty=f"BIG{i}") for i in range(20)]),
        f"over the limit of {IMPORT_LIMIT:,} bytes (IMPORT_MAX_BYTES)"),
    Bad("csv-short-row", "import_acled", acled(acled_row(), "PER9,2018-06-24,2018"),
        "row 3: has 3 cells, the header has 21 columns"),
    Bad("csv-long-row", "import_acled", acled(acled_row() + ",extra,cells"), "row 2: has 23 cells"),
    Bad("csv-bad-date", "import_acled", acled(acled_row(), acled_row(event_id_cnty="P2", event_date="31/02/2018x")),
        "row 3: event_date '31/02/2018x' is not a date"),
    Bad("csv-latitude-text", "import_acled", acled(acled_row(latitude="south")), "row 2: latitude/longitude"),
    Bad("csv-outside-peru", "import_acled", acled(acled_row(latitude="-12.0", longitude="-80.0")),
        "row 2: location: The point (longitude -80.00000, latitude -12.00000) is outside Peru"),
    Bad("csv-unknown-event-type", "import_acled", acled(acled_row(event_type="Skirmish")),
        "row 2: event_type 'Skirmish' is not an ACLED event type"),
    Bad("csv-geo-precision-7", "import_acled", acled(acled_row(geo_precision="7")),
        "row 2: geo_precision '7' must be one of 1, 2, 3"),
    Bad("csv-negative-fatalities", "import_acled", acled(acled_row(fatalities="-3")),
        "row 2: fatalities '-3' is not a whole number ≥ 0"),
    Bad("csv-future-date", "import_acled", acled(acled_row(event_date="2999-01-01")), "row 2: occurred_on"),
    Bad("csv-no-id", "import_acled", acled(acled_row(event_id_cnty="")), "row 2: event_id_cnty is empty"),
    Bad("ucdp-where-prec-7", "import_ucdp", _ucdp_where_prec_7(), "row 2: where_prec 7"),
    # GeoJSON files (import_incidents --format geojson).
    Bad("geojson-not-json", "import_geojson", b'{"type": "FeatureCollection", "features": [', "cannot read as geojson"),
    Bad("geojson-polygon", "import_geojson",
        geojson(({"type": "Polygon", "coordinates": [[[-74, -12], [-73, -12], [-73, -11], [-74, -12]]]}, {})),
        "row 1: geometry is Polygon, not a Point"),
    Bad("geojson-no-geometry", "import_geojson", geojson((None, {})), "row 1: geometry is missing, not a Point"),
    Bad("geojson-declared-web-mercator", "import_geojson", geojson((POINT, {}), crs="urn:ogc:def:crs:EPSG::3857"),
        "row 1: location: The point (longitude -0.00066, latitude -0.00011) is outside Peru"),
    Bad("geojson-missing-properties", "import_geojson", b'{"type": "FeatureCollection", "features": '
        b'[{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-74, -12]}, "properties": {"x": 1}}]}',
        "missing propert(y/ies) event_id_cnty, event_date"),
    Bad("geojson-empty", "import_geojson", b"", "is empty (0 bytes)"),
    # Bulletins (ingest_alert) and the admin page.
    Bad("bulletin-no-date", "ingest", NO_DATE.encode(), "bulletin has no timestamp"),
    Bad("bulletin-empty-file", "ingest", b"  \n\n", "is empty: a bulletin needs a headline and a timestamp"),
    Bad("bulletin-latin-1", "ingest", SEED_BULLETIN.encode("utf-8").decode().encode("latin-1", "replace"),
        "is not UTF-8 text"),
    Bad("bulletin-over-limit", "ingest", (SEED_BULLETIN + "x" * BULLETIN_LIMIT).encode(),
        f"over the limit of {BULLETIN_LIMIT:,} (BULLETIN_MAX_CHARS)"),
    Bad("bulletin-headline-600-chars", "ingest", ("Peru: " + "y" * 600 + "\n" + SEED_BULLETIN).encode(),
        "the headline (first line) is 606 characters, at most 500"),
    Bad("admin-bulletin-no-date", "admin", {"text": NO_DATE, "preview": "1"}, "bulletin has no timestamp"),
    Bad("admin-bulletin-empty", "admin", {"text": "", "preview": "1"}, "This field is required."),
    Bad("admin-bulletin-over-limit", "admin", {"text": SEED_BULLETIN + "x" * BULLETIN_LIMIT, "create": "1"},
        "over the limit of"),
    Bad("admin-bulletin-javascript-url", "admin",
        {"text": SEED_BULLETIN, "source_url": "javascript:alert(1)", "create": "1"}, "Enter a valid URL."),
]


TABLES = [Incident, Actor, Source, Alert, AdminArea, AdvisoryZone]


def row_counts() -> dict:
    return {model.__name__: model.objects.count() for model in TABLES}


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.IMPORT_MAX_BYTES = IMPORT_LIMIT
    settings.BULLETIN_MAX_CHARS = BULLETIN_LIMIT


@pytest.fixture
def in_english(admin_client, english):
    """The cases name the English messages: the admin asks for English like the API clients."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def refusal(case: Bad, tmp_path, editor_api, admin_client) -> str:
    """Send the case in by its entry point; return the message the caller sees."""
    url = "/api/v1/incidents/"
    if case.entry == "api_get":
        response = editor_api.get(url, case.payload)
        assert response.status_code == 400, response.content
        return response.content.decode()
    if case.entry in ("api_post", "api_raw"):
        with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=BODY_LIMIT):
            if case.entry == "api_raw":
                response = editor_api.post(url, case.payload, content_type="application/json")
            else:
                response = editor_api.post(url, case.payload, format="json")
        assert response.status_code in (400, 413), response.content
        return response.content.decode()
    if case.entry.startswith("import_") or case.entry == "ingest":
        path = tmp_path / f"{case.id}.{'geojson' if case.entry == 'import_geojson' else 'txt'}"
        path.write_bytes(case.payload)
        with pytest.raises(CommandError) as error:
            if case.entry == "ingest":
                call_command("ingest_alert", str(path))
            else:
                call_command("import_incidents", str(path), format=case.entry.removeprefix("import_"))
        return str(error.value)
    if case.entry == "admin":
        response = admin_client.post("/admin/incidents/incident/ingest-bulletin/", case.payload)
        assert response.status_code == 200  # the form again, with the reason
        return response.content.decode()
    raise AssertionError(f"unknown entry point {case.entry}")


def test_the_catalogue_is_large_and_spans_every_entry_point():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.entry for c in CASES} == {"api_get", "api_post", "api_raw", "import_acled", "import_ucdp",
                                        "import_geojson", "ingest", "admin"}


def test_the_good_versions_are_accepted(tmp_path):
    """Control: the fixture row and the seed bulletin themselves import (so each bad case is
    refused for its defect, not for something else)."""
    path = tmp_path / "good.csv"
    path.write_bytes(acled(acled_row()))
    call_command("import_incidents", str(path), format="acled")
    (tmp_path / "good.txt").write_text(SEED_BULLETIN, encoding="utf-8")
    call_command("ingest_alert", str(tmp_path / "good.txt"))
    assert Incident.objects.count() == 4  # 1 + the bulletin's 3


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_by_name_and_writes_nothing(case, tmp_path, editor_api, in_english):  # noqa: F811
    make_incident(title="Already there")
    before = row_counts()
    message = refusal(case, tmp_path, editor_api, in_english)
    assert case.expected in message, message[:2000]
    assert row_counts() == before
