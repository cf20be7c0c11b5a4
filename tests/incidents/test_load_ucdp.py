"""`manage.py load_ucdp` against a local HTTP server (started here) serving a small GED release
written by the test in GED's column layout, zipped as UCDP publishes it (#13 part 7)."""
import csv
import io
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from incidents.models import Dataset, Incident

pytestmark = pytest.mark.django_db

# GED 24.1's columns, in its order (UCDP GED codebook).
GED_COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
]


def ged_row(**values) -> dict:
    row = dict.fromkeys(GED_COLUMNS, "")
    row.update({"year": "2008", "active_year": "1", "code_status": "Clear", "region": "Americas",
                "event_clarity": "1", "number_of_sources": "1"})
    row.update(values)
    return row


ROWS = [
    ged_row(id="9001", type_of_violence="1", side_a="Government of Peru", side_b="Sendero Luminoso",
            source_article="Wire report", source_headline="Soldiers and rebels clash near Pichari",
            where_prec="1", where_description="Pichari town", latitude="-12.5195740239999",
            longitude="-73.8290288969999", country="Peru", country_id="135", date_prec="1",
            date_start="2008-10-09", date_end="2008-10-09", best="3", high="4", low="3"),
    ged_row(id="9002", type_of_violence="3", side_a="Sendero Luminoso", side_b="Civilians",
            source_article="Radio report", where_prec="3", where_description="Satipo province",
            latitude="-12.186018616", longitude="-74.027089694", country="Peru", country_id="135",
            date_prec="4", date_start="2009-04-01", date_end="2009-04-30", best="1", high="1",
            low="1"),
    # Not Peru: left out.
    ged_row(id="9003", type_of_violence="1", side_a="Government of Colombia", side_b="FARC",
            source_article="x", where_prec="1", latitude="4.6", longitude="-74.1",
            country="Colombia", country_id="100", date_prec="1", date_start="2008-01-01",
            date_end="2008-01-01", best="2", high="2", low="2"),
]


def ged_csv(rows=ROWS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=GED_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def ged_zip(rows=ROWS) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("GEDEvent_v24_1.csv", ged_csv(rows))
    return buffer.getvalue()


@pytest.fixture
def server():
    """A local HTTP server; `routes` maps a path to (status, headers, body)."""
    routes: dict[str, tuple[int, dict, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, headers, body = routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.routes = routes
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def run(*args) -> str:
    out = io.StringIO()
    call_command("load_ucdp", *args, stdout=out)
    return out.getvalue().strip()


def snapshot():
    return [(i.external_id, i.status, i.dataset_id, i.occurred_on.isoformat(), i.event_type,
             i.fatalities, i.geo_precision, i.area_level,
             i.district.ubigeo if i.district else None, i.province.ubigeo if i.province else None,
             sorted(a.name for a in i.actors.all()), i.version)
            for i in Incident.objects.filter(external_source="ucdp").order_by("external_id")]


EXPECTED = [
    ("9001", "published", "ucdp", "2008-10-09", "Battles", 3, 1, "district", "080910", "0809",
     ["Government of Peru", "Sendero Luminoso"], 1),
    ("9002", "published", "ucdp", "2009-04-01", "Violence against civilians", 1, 3, "province",
     None, "1206", ["Civilians", "Sendero Luminoso"], 1),
]


def test_loads_the_peru_rows_published_and_a_second_run_changes_nothing(server, settings):
    server.routes["/ged241-csv.zip"] = (200, {"Content-Type": "application/zip"}, ged_zip())
    settings.UCDP_GED_URL = server.url + "/ged{compact}-csv.zip"
    first = run("--release", "24.1")
    assert first.startswith("UCDP GED 24.1: 2 Peru row(s); 2 created, 0 updated, 0 unchanged in ")
    assert first.endswith(" s.")
    assert snapshot() == EXPECTED
    assert Dataset.objects.get(pk="ucdp").release == "24.1"
    # Without --url, a release already loaded is not fetched again.
    assert run("--release", "24.1") == "UCDP GED 24.1: already loaded (--force fetches it again)."
    second = run("--release", "24.1", "--force")
    assert second.startswith("UCDP GED 24.1: 2 Peru row(s); 0 created, 0 updated, 2 unchanged in ")
    assert snapshot() == EXPECTED


def test_a_plain_csv_from_an_explicit_url(server):
    server.routes["/peru.csv"] = (200, {"Content-Type": "text/csv"}, ged_csv())
    assert run("--url", server.url + "/peru.csv").startswith(
        "UCDP GED 24.1: 2 Peru row(s); 2 created, 0 updated, 0 unchanged in ")
    assert snapshot() == EXPECTED


def test_offline_is_one_line_and_exit_zero(settings):
    settings.UCDP_TIMEOUT_SECONDS = 2
    # Port 9 (discard) on the loopback address: connection refused, no network needed.
    out = run("--url", "http://127.0.0.1:9/ged.zip")
    assert out.startswith("UCDP GED 24.1: offline, nothing loaded: 'http://127.0.0.1:9/ged.zip' did not answer")
    assert "\n" not in out
    assert not Incident.objects.exists()


def test_a_404_is_an_error_naming_it(server):
    with pytest.raises(CommandError, match=r"answered HTTP 404$"):
        run("--url", server.url + "/missing.zip")
    assert not Incident.objects.exists()


@pytest.mark.parametrize("body, reason", [
    (b"<!DOCTYPE html><html><body>Downloads</body></html>",
     r"not a UCDP GED CSV: the first line lacks id, date_start, .*country \(it starts "),
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", r"not a UCDP GED CSV: the text is not UTF-8"),
])
def test_a_non_csv_answer_is_refused(server, body, reason):
    server.routes["/ged.zip"] = (200, {}, body)
    with pytest.raises(CommandError, match=reason):
        run("--url", server.url + "/ged.zip")
    assert not Incident.objects.exists()


def test_a_too_large_answer_is_refused(server, settings):
    settings.UCDP_MAX_BYTES = 1000
    server.routes["/declared.zip"] = (200, {}, b"x" * 1001)
    with pytest.raises(CommandError, match=r"is 1,001 bytes, over the limit of 1,000 \(UCDP_MAX_MB\)"):
        run("--url", server.url + "/declared.zip")
    # A server that does not declare its length is cut off at the limit all the same.
    server.routes["/undeclared.zip"] = (200, {"Content-Length": ""}, b"x" * 5000)
    with pytest.raises(CommandError, match=r"over the limit of 1,000 bytes \(UCDP_MAX_MB\)"):
        run("--url", server.url + "/undeclared.zip")
    # A zip that inflates beyond the limit.
    server.routes["/bomb.zip"] = (200, {}, ged_zip(ROWS * 20))
    settings.UCDP_MAX_BYTES = len(ged_zip(ROWS * 20)) + 10
    with pytest.raises(CommandError, match=r"inflates to [\d,]+ bytes, over the limit"):
        run("--url", server.url + "/bomb.zip")
    assert not Incident.objects.exists()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/ged.zip", "/etc/passwd",
                                 "gopher://127.0.0.1/"])
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(CommandError, match="only http and https URLs are fetched"):
        run("--url", url)


@pytest.mark.parametrize("target, scheme", [("file:///etc/passwd", "file"),
                                            ("ftp://127.0.0.1/ged.zip", "ftp")])
def test_a_redirect_to_another_scheme_is_not_followed(server, target, scheme):
    server.routes["/ged.zip"] = (302, {"Location": target}, b"")
    with pytest.raises(CommandError, match=f"only http and https URLs are fetched, not '{scheme}'"):
        run("--url", server.url + "/ged.zip")
    server.routes["/moved.zip"] = (301, {"Location": "/ged241-csv.zip"}, b"")
    server.routes["/ged241-csv.zip"] = (200, {}, ged_zip())
    assert run("--url", server.url + "/moved.zip").startswith("UCDP GED 24.1: 2 Peru row(s); 2 created")
