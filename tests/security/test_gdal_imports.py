"""Issue #12, finding 1: import files must not make the server read its own files or fetch URLs.

The attack: an Editor uploads `x.geojson` holding an `<OGRVRTDataSource>` whose source is
`CSV:/proc/self/environ` (or any file, or `/vsicurl/http://internal/…`). GDAL picked its driver
from the content, read the named file, and the import preview's row error quoted its first line
(`event_type 'DJANGO_SECRET_KEY=…' is not an ACLED event type`). Now GeoJSON is parsed with json
+ shapely: the VRT is refused by name, no byte of the target file reaches any answer, and a
`/vsicurl/` source is never fetched. Row errors quote any value only as a short escaped excerpt.
"""
import functools
import html
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from incidents.models import Incident
from incidents.services.importers.common import ImportFailed
from incidents.services.importers.files import import_file
from incidents.services.workflow import OPERATOR
from regions.models import AdminArea
from regions.services.boundaries import BoundaryDataError, load_boundaries
from tests.acled import ACLED_HEADER, acled, acled_row
from tests.factories import member

pytestmark = pytest.mark.django_db
MARKER = "VRAEM_SECRET_MARKER_7f3a=correct-horse-battery-staple"
REFUSED = "it is an OGR VRT file (<OGRVRTDataSource>), not GeoJSON"


def vrt(source: str, layer: str) -> bytes:
    """The exploit: the first line of `source` becomes event_type, which the row error quoted."""
    return f"""<OGRVRTDataSource><OGRVRTLayer name="x">
  <SrcDataSource>CSV:{source}</SrcDataSource>
  <OpenOptions><OOI key="HEADERS">NO</OOI></OpenOptions>
  <SrcSQL>SELECT 'E1' AS event_id_cnty, '2018-06-24' AS event_date, field_1 AS event_type,
    'Armed clash' AS sub_event_type, '1' AS geo_precision, '1' AS time_precision,
    '-74.027089694' AS lon, '-12.186018616' AS lat FROM "{layer}"</SrcSQL>
  <GeometryField encoding="PointFromColumns" x="lon" y="lat"/>
</OGRVRTLayer></OGRVRTDataSource>
""".encode()


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "secret.csv"
    path.write_text(f"{MARKER}\nsecond line of the secret\n")
    return path


def environ_entries() -> list[str]:
    """What /proc/self/environ holds for this process (the server in production)."""
    raw = Path("/proc/self/environ").read_bytes().decode("utf-8", "replace")
    return [entry for entry in raw.split("\0") if len(entry) >= 8]


def leaks(text: str, entries: list[str]) -> list[str]:
    """The environment entries shown in `text` (HTML-escaped or not), whole or by a value of
    six characters or more (shorter ones, like '1' or 'root', occur in any page)."""
    shown = text + "\n" + html.unescape(text)
    return [entry for entry in entries
            if entry in shown or (len(value := entry.split("=", 1)[-1]) >= 6 and value in shown)]


class RecordingServer:
    """An HTTP server on 127.0.0.1 (a thread) that records every request it receives."""

    def __init__(self, directory: Path):
        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_head(self):
                requests.append(f"{self.command} {self.path}")
                return super().send_head()

        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def admin_upload(data: bytes, name: str = "x.geojson") -> str:
    """Upload as an Editor on the admin import page; the page's text."""
    client = Client()
    client.force_login(member("editor"))
    response = client.post(reverse("admin:incidents_incident_import"),
                           {"file": SimpleUploadedFile(name, data), "format": "geojson"})
    assert response.status_code == 200
    return response.content.decode()


def command_import(path: Path, capsys) -> str:
    """import_incidents --skip-invalid (which prints each bad row); the error and all output."""
    try:
        call_command("import_incidents", str(path), format="geojson", skip_invalid=True)
        error = "(no error)"
    except CommandError as refusal:
        error = str(refusal)
    out = capsys.readouterr()
    return f"{error}\n{out.out}\n{out.err}"


def test_a_vrt_reading_a_server_file_is_refused_by_name_on_the_admin_page(secret_file):
    text = admin_upload(vrt(str(secret_file), "secret"))
    assert "VRAEM_SECRET_MARKER" not in text and "correct-horse" not in text
    assert "second line" not in text
    assert "errornote" in text and REFUSED in html.unescape(text)
    assert Incident.objects.count() == 0


def test_a_vrt_reading_proc_self_environ_is_refused_on_the_admin_page():
    text = admin_upload(vrt("/proc/self/environ", "environ"))
    assert leaks(text, environ_entries()) == []
    assert settings.SECRET_KEY not in text
    assert REFUSED in html.unescape(text)
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("target", ["secret", "environ"])
def test_a_vrt_is_refused_by_name_by_import_incidents(target, secret_file, tmp_path, capsys):
    path = tmp_path / "x.geojson"
    path.write_bytes(vrt(str(secret_file), "secret") if target == "secret"
                     else vrt("/proc/self/environ", "environ"))
    output = command_import(path, capsys)
    assert MARKER.split("=")[1] not in output and "VRAEM_SECRET" not in output
    assert leaks(output, environ_entries()) == []
    assert REFUSED in output
    assert Incident.objects.count() == 0


def test_a_vrt_with_a_vsicurl_source_is_refused_and_nothing_is_fetched(tmp_path, capsys):
    served = tmp_path / "served"
    served.mkdir()
    (served / "inside.csv").write_text(f"{MARKER}\n")
    with RecordingServer(served) as server:
        payload = vrt(f"/vsicurl/{server.url}/inside.csv", "inside")
        page = admin_upload(payload)
        path = tmp_path / "x.geojson"
        path.write_bytes(payload)
        output = command_import(path, capsys)
    assert server.requests == []
    assert "VRAEM_SECRET" not in page + output
    assert REFUSED in html.unescape(page) and REFUSED in output


def test_a_url_or_vsi_path_given_as_the_import_file_is_refused_by_name(tmp_path, capsys, english):
    (tmp_path / "x.geojson").write_bytes(vrt("/proc/self/environ", "environ"))
    with RecordingServer(tmp_path) as server:
        for bad in (f"/vsicurl/{server.url}/x.geojson", f"{server.url}/x.geojson",
                    f" /VSICURL/{server.url}/x.geojson", "/vsizip//tmp/x.zip/x.geojson"):
            with pytest.raises(ImportFailed) as error:
                import_file(user=OPERATOR, path=bad, format="geojson")
            assert str(error.value) == (f"{bad!r} is a URL or a GDAL virtual file system path "
                                        "(/vsi…); only a local file path is accepted. "
                                        "Nothing was imported.")
        with pytest.raises(CommandError, match="is a URL or a GDAL virtual file system path"):
            call_command("import_incidents", f"/vsicurl/{server.url}/x.geojson", format="geojson")
    assert server.requests == []


def test_xml_that_is_not_a_vrt_is_refused_too(tmp_path, capsys):
    path = tmp_path / "x.geojson"
    path.write_bytes(b'\xef\xbb\xbf  <?xml version="1.0"?>\n<kml><Document/></kml>')
    assert "it is XML or HTML (it starts with '<'), not GeoJSON" in command_import(path, capsys)


def test_a_crs_that_is_not_an_epsg_code_is_refused(tmp_path, capsys):
    path = tmp_path / "x.geojson"
    path.write_text('{"type": "FeatureCollection", "crs": {"type": "name", "properties": '
                    '{"name": "+proj=longlat +init=/etc/passwd"}}, "features": []}')
    assert ("crs '+proj=longlat +init=/etc/passwd' is not supported (give EPSG:<code> or none)"
            in command_import(path, capsys))


def test_boundaries_from_a_url_never_read_a_vrt_or_fetch_what_it_names(tmp_path):
    """load_boundaries --source URL: a tampered mirror serving a VRT gets a named refusal, and
    the address the VRT names (here the same server's /inside.csv) is never requested."""
    for name in ("departments.geojson", "provinces.geojson"):
        shutil.copy(Path(settings.PERU_DATA_SOURCE) / name, tmp_path / name)
    (tmp_path / "inside.csv").write_text(f"{MARKER}\n")
    before = AdminArea.objects.count()
    with RecordingServer(tmp_path) as server:
        (tmp_path / "districts.geojson").write_bytes(vrt(f"/vsicurl/{server.url}/inside.csv", "inside"))
        with pytest.raises(BoundaryDataError) as error:
            load_boundaries(source=server.url)
    assert not [r for r in server.requests if "inside.csv" in r]
    assert str(error.value) == f"districts.geojson: {REFUSED}; VRT files are never read: they " \
                               "name other files and URLs to open"
    assert AdminArea.objects.count() == before


def test_boundaries_from_a_directory_refuse_a_vrt_naming_a_local_file(tmp_path, secret_file):
    source = tmp_path / "peru"
    source.mkdir()
    for name in ("departments.geojson", "provinces.geojson"):
        shutil.copy(Path(settings.PERU_DATA_SOURCE) / name, source / name)
    (source / "districts.geojson").write_bytes(vrt(str(secret_file), "secret"))
    with pytest.raises(BoundaryDataError, match="districts.geojson: it is an OGR VRT file"):
        load_boundaries(source=str(source))


# Row errors quote values only as short, escaped excerpts (the mechanism: RowError/row_reason).


def test_a_long_value_is_quoted_by_its_first_40_characters_only(tmp_path, capsys, english):
    long = "A" * 38 + "BC" + "-the rest must not be shown-" * 20
    path = tmp_path / "long.csv"
    path.write_bytes(acled(acled_row(event_type=long), acled_row(event_id_cnty="P2", sub_event_type=long),
                           acled_row(event_id_cnty="P3", fatalities=long)))
    call_command("import_incidents", str(path), format="acled", skip_invalid=True)
    reasons = [line for line in capsys.readouterr().err.splitlines() if line.startswith("skipped")]
    excerpt = repr("A" * 38 + "BC" + "…")
    assert reasons == [
        f"skipped row 2: event_type {excerpt} is not an ACLED event type",
        f"skipped row 3: sub_event_type: {excerpt} is not a sub-event type of 'Battles'.",
        f"skipped row 4: fatalities {excerpt} is not a whole number",
    ]


def test_control_characters_in_a_value_are_shown_escaped(tmp_path, english):
    path = tmp_path / "escape.csv"
    path.write_bytes(acled(acled_row(event_type="\x1b[2J\x1b[31mred\x07X")))
    with pytest.raises(ImportFailed) as error:
        import_file(user=OPERATOR, path=str(path), format="acled")
    assert str(error.value) == ("row 2: event_type '\\x1b[2J\\x1b[31mred\\x07X' is not an ACLED "
                                "event type. Nothing was imported.")


def test_django_validation_messages_quote_an_excerpt_too(tmp_path):
    """A value refused by a model field's own validator (choices: %(value)r) is cut as well."""
    long = "published" + "x" * 100 + "TAIL"
    path = tmp_path / "status.csv"
    path.write_bytes(acled(acled_row() + "," + long, header=ACLED_HEADER + ",status"))
    with pytest.raises(ImportFailed) as error:
        import_file(user=OPERATOR, path=str(path), format="acled")
    assert "TAIL" not in str(error.value)
    assert repr(long[:40] + "…") in str(error.value)
