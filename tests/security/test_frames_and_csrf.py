"""Frame denial on every route but /embed/, and CSRF refusal on every route."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from incidents.models import Incident
from tests.factories import make_incident, page_url

from .urls import all_paths

PATHS = all_paths()
# The one exception: an alert's unsubscribe/pause link (alerts.views.alert_link) takes a POST
# without a CSRF token by design, so that mail clients' one-click unsubscribe (RFC 8058) works.
# What it acts on is named by a signed token in its URL; an unknown or forged token is a 404.
ONE_CLICK = "/alerts/link/"
EMBED = page_url("embed")
EMBEDS = {page_url("embed", language="es"), page_url("embed", language="en")}


def csp(response) -> dict:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("sec-admin", password="x-for-tests-9")


def test_the_route_list_is_complete_enough():
    assert len(PATHS) >= 85
    for expected in [page_url("map", language="es"), *EMBEDS, "/admin/login/", "/admin/incidents/incident/1/change/",
                     "/admin/incidents/incident/ingest-bulletin/", "/api/docs/", "/api/redoc/",
                     page_url("region", "12"), page_url("incident", 1, language="es"), "/api/v1/token/"]:
        assert expected in PATHS


@pytest.mark.django_db
@pytest.mark.parametrize("as_admin", [False, True], ids=["anonymous", "admin"])
def test_every_page_but_the_embed_refuses_frames(client, superuser, as_admin):
    make_incident()
    if as_admin:
        client.force_login(superuser)
    checked = 0
    for path in PATHS:
        if path in EMBEDS:
            continue
        response = client.get(path)
        assert response.status_code < 500, path
        assert response["X-Frame-Options"] == "DENY", path
        assert csp(response)["frame-ancestors"] == "'none'", path
        checked += 1
    assert checked == len(PATHS) - 2


@pytest.mark.django_db
def test_the_embed_may_be_framed_and_shows_only_the_map(client):
    response = client.get(EMBED + "?region=12&event_type=Battles")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert csp(response)["frame-ancestors"] == "*"
    html = response.content.decode()
    assert 'class="site-header"' not in html and 'class="site-footer"' not in html
    assert '<aside class="explorer-filters" aria-label="Filters" hidden>' in html
    assert '<base target="_blank">' in html  # popups' links leave the frame
    # The ordinary explorer keeps its chrome.
    assert 'class="site-header"' in client.get(page_url("map")).content.decode()


@pytest.mark.django_db
def test_embed_origins_come_from_settings(settings):
    settings.EMBED_FRAME_ANCESTORS = "https://news.example.org"
    response = Client().get(EMBED)
    assert csp(response)["frame-ancestors"] == "https://news.example.org"
    assert csp(Client().get(page_url("map")))["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_every_route_refuses_a_post_without_csrf_token_from_a_session(superuser):
    """Logged in by session cookie, a POST without token is refused everywhere: Django's
    middleware for pages and admin forms, DRF's SessionAuthentication for the API."""
    incident = make_incident()
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    before = Incident.objects.count()
    refused = []
    for path in PATHS:
        path = path.replace("/1/", f"/{incident.pk}/")
        response = client.post(path, {"title": "changed", "text": "x", "username": "a", "password": "b"})
        assert response.status_code == (404 if path.startswith(ONE_CLICK) else 403), (path, response.status_code)
        refused.append(path)
    assert len(refused) == len(PATHS)
    assert Incident.objects.count() == before
    assert Incident.objects.get(pk=incident.pk).title == "Armed clash near Pichari"


@pytest.mark.django_db
def test_html_forms_refuse_an_anonymous_post_without_csrf_token():
    client = Client(enforce_csrf_checks=True)
    forms = [p for p in PATHS if not p.startswith(("/api/", "/ogc/"))]
    # The OGC API is read-only (DRF views, like /api/): a POST is refused (403 or 405), not a form.
    for path in (p for p in PATHS if p.startswith("/ogc/")):
        assert client.post(path, {}).status_code in (403, 405), path
    for path in forms:
        response = client.post(path, {"username": "a", "password": "b"})
        if path.startswith(ONE_CLICK):
            assert response.status_code == 404, path  # a forged token; the signed link test is in tests/alerts
            continue
        assert response.status_code == 403, path
        assert "CSRF" in response.content.decode() or response.status_code == 403
    # With the token the login form is reached (and says the password is wrong).
    client.get("/admin/login/")
    token = client.cookies["csrftoken"].value
    response = client.post("/admin/login/", {"username": "a", "password": "b", "csrfmiddlewaretoken": token},
                           HTTP_ACCEPT_LANGUAGE="en")  # the admin in English (Spanish is the default, #14)
    assert response.status_code == 200 and "Please enter the correct username" in response.content.decode()
