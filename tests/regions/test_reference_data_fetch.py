"""Reference data from an operator's URL is fetched over http(s) only, redirects included
(security/untrusted.http_opener, shared with load_ucdp): a mirror answering with a redirect to
file:// or ftp:// cannot make the server read a local file or leave http."""
import http.server
import threading

import pytest

from regions.services.reference_data import MissingReferenceData, read_bytes


class _Redirects(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        targets = {"/to-file": "file:///etc/passwd", "/to-ftp": "ftp://127.0.0.1/x",
                   "/to-ok": "/ok"}
        if self.path in targets:
            self.send_response(302)
            self.send_header("Location", targets[self.path])
            self.end_headers()
        else:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"type": "FeatureCollection", "features": []}')

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirects)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("path", ["/to-file", "/to-ftp"])
def test_a_redirect_to_another_scheme_is_refused(server, path):
    with pytest.raises(MissingReferenceData, match="only http and https"):
        read_bytes(server + path)


def test_a_redirect_within_http_is_followed(server):
    assert read_bytes(server + "/to-ok").startswith(b'{"type": "FeatureCollection"')


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x"])
def test_other_schemes_are_local_paths_never_urls(url):
    """`read_bytes` opens a non-http location as a local path (it is not a URL to it)."""
    with pytest.raises(FileNotFoundError):
        read_bytes(url)
