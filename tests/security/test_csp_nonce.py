"""Scripts run only from this site or with the response's nonce (issue #12, finding 9).

Threat line: text that reaches a page unescaped (a stranger's bulletin, an Editor's incident title)
cannot run script: script-src has no 'unsafe-inline', and injected markup cannot know the nonce,
which is new for every response. Every inline script the app itself serves carries it.
"""
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from drf_spectacular.settings import spectacular_settings

from tests.factories import make_incident, page_url

from .urls import all_paths

pytestmark = pytest.mark.django_db

NOT_EXECUTED = {"application/json", "application/ld+json", "text/template"}


def script_src(response) -> str:
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return policy["script-src"]


def nonce_of(response) -> str:
    sources = script_src(response).split()
    assert sources[0] == "'self'" and len(sources) == 2 and sources[1].startswith("'nonce-"), sources
    return sources[1][len("'nonce-"):-1]


class InlineScripts(HTMLParser):
    """The nonce attribute of every inline script a browser would execute."""

    def __init__(self):
        super().__init__()
        self.nonces: list[str | None] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [f"{tag} {name}" for name in attrs if name.startswith("on")]
        if tag == "script" and "src" not in attrs and attrs.get("type") not in NOT_EXECUTED:
            self.nonces.append(attrs.get("nonce"))


def inline_scripts(response) -> InlineScripts:
    parser = InlineScripts()
    parser.feed(response.content.decode())
    assert parser.handlers == []  # inline event handlers: no nonce can allow them
    return parser


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("csp-admin", password="x-for-tests-9"))
    return client


def test_script_src_has_a_nonce_and_no_unsafe_inline(client):
    response = client.get(page_url("map"))
    assert "'unsafe-inline'" not in script_src(response)
    assert "'unsafe-eval'" not in script_src(response)
    assert len(nonce_of(response)) >= 22  # 128 bits, URL-safe base64


def test_the_nonce_differs_per_request(client):
    nonces = {nonce_of(client.get(path)) for path in [page_url("map"), page_url("map"), page_url("advisories"), page_url("embed")]}
    assert len(nonces) == 4


def test_the_embed_keeps_its_frame_ancestors_with_the_nonce(client, settings):
    settings.EMBED_FRAME_ANCESTORS = "https://news.example.org"
    response = client.get(page_url("embed"))
    assert response["Content-Security-Policy"].endswith("frame-ancestors https://news.example.org")
    assert inline_scripts(response).nonces == [nonce_of(response)]


@pytest.mark.parametrize("path, inline", [
    (page_url("map"), 1), (page_url("embed"), 1), (page_url("region", "120609"), 2),
    (page_url("incident", 0).replace("/0/", "/{pk}/"), 1), (page_url("advisories"), 1), ("/api/docs/", 0), ("/api/redoc/", 0),
    ("/admin/incidents/incident/add/", 2), ("/admin/incidents/incident/{pk}/change/", 2),
    ("/admin/regions/advisoryzone/add/", 2),
])
def test_each_inline_script_of_a_page_carries_its_nonce(admin_client, path, inline):
    """The folium map script (a district page has two maps: the area and what happened nearby),
    django-leaflet's widget (two scripts); Swagger UI's init is a file
    (the split view), ReDoc needs none without REDOC_UI_SETTINGS."""
    pk = make_incident().pk
    response = admin_client.get(path.format(pk=pk))
    assert response.status_code == 200
    assert inline_scripts(response).nonces == [nonce_of(response)] * inline


def test_redoc_settings_script_carries_the_nonce(client, monkeypatch):
    monkeypatch.setattr(spectacular_settings, "REDOC_UI_SETTINGS", {"hideDownloadButton": True})
    response = client.get("/api/redoc/")
    assert inline_scripts(response).nonces == [nonce_of(response)]
    assert '"hideDownloadButton": true' in response.content.decode()


def test_swagger_ui_init_script_is_served_as_a_file(client):
    html = client.get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script="></script>' in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize("as_admin", [False, True], ids=["anonymous", "admin"])
def test_no_route_serves_an_inline_script_without_the_nonce(client, as_admin):
    """Every routed URL (tests/security/urls.py), so a new page with a bare <script> fails here."""
    make_incident()
    if as_admin:
        client.force_login(get_user_model().objects.create_superuser("csp-all", password="x-for-tests-9"))
    checked = 0
    for path in all_paths():
        response = client.get(path)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        nonce = nonce_of(response)
        assert set(inline_scripts(response).nonces) <= {nonce}, path
        checked += 1
    assert checked >= 40
