"""No page breaks the Content-Security-Policy in a real browser (issue #12, finding 9).

script-src has no 'unsafe-inline': an inline script without the response's nonce, an inline event
handler or eval would be refused, and Chromium reports it as a `securitypolicyviolation` event and
a console error. Each page is loaded until its map (or API docs) has rendered, and must report
neither.
"""
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from incidents.models import Incident
from tests.factories import page_url

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

PASSWORD = "csp-browser-password-9"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " +
                              e.sourceFile + ":" + e.lineNumber);
});
"""
PUBLIC = [
    (page_url("map"), ".folium-map.leaflet-container"),
    (page_url("embed"), ".folium-map.leaflet-container"),
    (page_url("region", "120609"), ".folium-map.leaflet-container"),
    (page_url("incident", 0).replace("/0/", "/{pk}/"), ".incident-marker"),
    (page_url("advisories"), ".folium-map.leaflet-container"),
    (page_url("map", language="es"), ".folium-map.leaflet-container"),
    ("/api/docs/", ".swagger-ui .info"),
    ("/api/redoc/", "redoc h1"),
]
# ReDoc's bundle always draws its "API docs by Redocly" logo from cdn.redoc.ly (no option turns it
# off). img-src refuses it on purpose: the site loads nothing from third parties. Not a script.
KNOWN = {"/api/redoc/": ["img-src https://cdn.redoc.ly/redoc/logo-mini.svg"]}
ADMIN = [
    ("/admin/incidents/incident/add/", ".leaflet-container .leaflet-control-zoom"),
    ("/admin/incidents/incident/{pk}/change/", ".leaflet-container .leaflet-control-zoom"),
    ("/admin/regions/advisoryzone/add/", ".leaflet-container .leaflet-control-zoom"),
]


@pytest.fixture(scope="module")
def csp_admin(django_db_setup, django_db_blocker, site_data):
    with django_db_blocker.unblock():
        user = get_user_model().objects.create_superuser("csp-browser", password=PASSWORD)
    yield user.username
    with django_db_blocker.unblock():
        user.delete()


def published_pk() -> int:
    return Incident.objects.filter(status=Incident.Status.PUBLISHED).order_by("pk").first().pk


def assert_clean(page, url: str, ready: str, known: tuple[str, ...] = ()):
    page.goto(url)
    expect(page.locator(ready).first).to_be_visible()
    page.wait_for_load_state("load")  # every script has run (or been refused); the map drew
    violations = [v.split(" at ")[0] for v in page.evaluate("window.__cspViolations")]
    assert sorted(set(violations)) == sorted(known), url
    assert [e for e in page.watch.console_errors if not any(k.split()[1] in e for k in known)] == [], url


@pytest.mark.parametrize("path, ready", PUBLIC, ids=[p for p, _ in PUBLIC])
def test_public_pages_report_no_csp_violation(page, live_url, site_data, path, ready):
    page.add_init_script(RECORD_VIOLATIONS)
    assert_clean(page, live_url + path.format(pk=published_pk()), ready, tuple(KNOWN.get(path, ())))


@pytest.mark.parametrize("path, ready", ADMIN, ids=[p for p, _ in ADMIN])
def test_admin_map_widgets_render_without_csp_violation(page, live_url, csp_admin, path, ready):
    page.add_init_script(RECORD_VIOLATIONS)
    target = path.format(pk=published_pk())
    page.goto(f"{live_url}/admin/login/?next={target}")
    page.fill("#id_username", csp_admin)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    assert_clean(page, live_url + target, ready)
    assert page.locator("textarea.django-leaflet-raw-textarea").count() == 1
