"""XSS probes in every user text field, checked in the browser on every page that shows them.

Each probe carries five attacks, each of which would leave a mark if it ran: a <script>, an
<img onerror>, an attribute break-out with <svg onload=alert()>, a </script> break-out (for
data inlined in folium's scripts) and a JavaScript string break-out. URL fields get a
`javascript:` URL. A page passes when window.__xss is unset, no dialog opened, no <img src=x>
or javascript: link exists, and the console shows no error.
"""
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon
from playwright.sync_api import expect

from incidents.models import Actor, Alert, Source
from regions.models import AdminArea, AdvisoryZone
from tests.places import LIMA
from tests.factories import make_incident, page_url

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

PASSWORD = "probe-admin-password-9"


def probe(code: str) -> str:
    """At most 200 characters (actor and zone names) for codes of up to 4 characters."""
    return (f"{code}:<script>window.__xss='{code}1'</script>"
            f"<img src=x onerror=\"window.__xss='{code}2'\">"
            f"\"'><svg onload=alert('{code}3')>"
            f"</script><script>alert('{code}4')</script>"
            f"';alert('{code}5');//`${{alert('{code}6')}}`")


# ReDoc's bundle shows its maker's logo from a CDN; the CSP blocks it (nothing leaves the site).
REDOC_LOGO = "Loading the image 'https://cdn.redoc.ly/redoc/logo-mini.svg' violates"
JS_URL = "javascript:window.__xss='url';alert('url')"


@pytest.fixture(scope="module")
def hostile(django_db_blocker, site_data):
    """Committed hostile records in every user text field; removed after this module."""
    with django_db_blocker.unblock():
        lima = AdminArea.objects.get(ubigeo="150101")
        source = Source.objects.create(name=probe("sn"), url=JS_URL)
        alert = Alert.objects.create(
            headline=probe("ah"), published_at="2019-01-16T10:00:00Z", severity="warning",
            raw_text=probe("ar"), source_url=JS_URL, sections={"event": [probe("as")]},
            story="probe-story",
        )
        actors = [Actor.objects.create(name=probe(f"ac{i}"), kind=8, aliases=[probe(f"al{i}")])
                  for i in (1, 2)]
        incident = make_incident(
            title=probe("ti"), description=probe("de"), location_name=probe("ln"),
            location=LIMA, occurred_on=date(2019, 1, 15), actors=actors, sources=[source], alert=alert,
        )
        zone = AdvisoryZone.objects.create(
            slug="probe-zone", name=probe("zn"), severity=3, issuer=probe("zi"), issuer_level=probe("zl"),
            definition=probe("zd"), exceptions=probe("zx"),
            summary=probe("zs"), source_url=JS_URL, valid_from=date(2018, 1, 1),
            valid_until=date.today() + timedelta(days=365), geom=MultiPolygon(*lima.geom),
        )
        admin = get_user_model().objects.create_superuser("probe-admin", password=PASSWORD)
        try:
            yield {"incident": incident, "actor": actors[0], "source": source, "alert": alert,
                   "zone": zone}
        finally:
            incident.delete()
            zone.delete()
            alert.delete()
            source.delete()
            Actor.objects.filter(pk__in=[a.pk for a in actors]).delete()
            admin.delete()


@pytest.fixture
def watched(page):
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.dialogs = dialogs
    return page


def assert_inert(page, where: str):
    assert page.evaluate("window.__xss") is None, where
    assert page.dialogs == [], where
    assert page.locator('img[src="x"]').count() == 0, where
    assert page.locator("svg[onload]").count() == 0, where
    assert page.locator('a[href^="javascript:" i]').count() == 0, where
    errors = [e for e in page.watch.console_errors if REDOC_LOGO not in e]
    assert errors == [], where


def visit(page, url: str):
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_public_pages_show_the_probes_as_text(watched, live_url, hostile):
    page, pk = watched, hostile["incident"].pk
    for path in [page_url("map"), page_url("map") + "?region=150101", page_url("embed") + "?region=150101",
                 page_url("incident", pk), page_url("region", "150101"), page_url("region", "15"),
                 page_url("advisories")]:
        visit(page, live_url + path)
        assert_inert(page, path)
    # The incident page prints the title, description, place, actors, source and bulletin.
    visit(page, live_url + page_url("incident", pk))
    assert page.locator("h1").inner_text() == probe("ti")
    text = page.locator("main").inner_text()
    for field in ["de", "ln", "ac1", "ac2", "sn", "ah"]:
        assert probe(field) in text, field
    assert_inert(page, "incident page text")


def test_map_popups_show_the_probes_as_text(watched, live_url, hostile):
    page = watched
    visit(page, f"{live_url}{page_url('map')}?region=150101")
    page.locator("#incident-list .incident-link", has_text="ti:<script>").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator("h3")).to_have_text(probe("ti"))
    assert probe("ln") in popup.inner_text()
    assert_inert(page, "explorer popup")
    # The marker's popup on the region page, and the zone's popup on the advisories map.
    visit(page, live_url + page_url("region", "150101"))
    page.locator(".incident-marker").first.click()
    expect(page.locator(".leaflet-popup-content h3")).to_have_text(probe("ti"))
    assert_inert(page, "region page popup")
    visit(page, live_url + page_url("advisories"))
    assert probe("zs") in page.locator("main").inner_text()
    assert_inert(page, "advisories page")


def test_the_region_search_shows_the_query_as_text(watched, live_url, hostile):
    page = watched
    query = probe("q")
    page.goto(live_url + page_url("region-search"))
    page.fill(".region-search input[name=q]", query)
    page.press(".region-search input[name=q]", "Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator(".region-search input[name=q]").input_value() == query[:100]
    assert_inert(page, "region search")


def admin_login(page, live_url):
    page.goto(f"{live_url}/admin/login/?next=/admin/")
    page.fill("#id_username", "probe-admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()


def test_admin_lists_and_forms_show_the_probes_as_text(watched, live_url, hostile):
    page = watched
    admin_login(page, live_url)
    paths = []
    for key, model in [("incident", "incidents/incident"), ("actor", "incidents/actor"),
                       ("source", "incidents/source"), ("alert", "incidents/alert"),
                       ("zone", "regions/advisoryzone")]:
        paths += [f"/admin/{model}/", f"/admin/{model}/{hostile[key].pk}/change/"]
    paths += ["/admin/incidents/incident/?q=script", f"/admin/incidents/incident/?alert__id__exact={hostile['alert'].pk}",
              f"/admin/incidents/incident/{hostile['incident'].pk}/history/"]
    for path in paths:
        visit(page, live_url + path)
        assert_inert(page, path)
    visit(page, f"{live_url}/admin/incidents/incident/{hostile['incident'].pk}/change/")
    assert page.locator("#id_title").input_value() == probe("ti")
    assert page.locator("#id_description").input_value() == probe("de")
    visit(page, f"{live_url}/admin/incidents/incident/")
    assert page.locator("#result_list", has_text=probe("ti")).count() == 1


def test_the_api_docs_render_hostile_data_as_text(watched, live_url, hostile):
    page = watched
    visit(page, f"{live_url}/api/redoc/")
    page.wait_for_selector("text=VRAEM conflict map API")
    assert_inert(page, "redoc")
    # Swagger UI: run the incident list for real; the response holds the probes.
    visit(page, f"{live_url}/api/docs/?url=javascript:alert('docs-url')")
    page.wait_for_selector(".opblock")
    operation = page.locator(".opblock-get", has=page.locator('[data-path="/api/v1/incidents/"]')).first
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    # region is repeatable (an array, #15): one item added, then filled.
    region = operation.locator('tr[data-param-name="region"]')
    region.locator("button.json-schema-form-item-add").click()
    region.locator(".json-schema-array input").first.fill("150101")
    operation.locator("button.execute").click()
    body = operation.locator(".live-responses-table .response-col_description pre.microlight").first
    expect(body).to_contain_text("ti:<script>", timeout=20000)
    assert_inert(page, "swagger ui")
