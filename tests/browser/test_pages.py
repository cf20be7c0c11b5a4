"""Region, incident and advisory pages in a real browser."""
import pytest

from incidents.models import Incident

from tests.factories import page_url

from .common import ARTIFACTS, XSS_TITLE

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def test_region_page_shows_its_counts_and_incidents(page, live_url, site_data):
    page.goto(live_url + page_url("region", "12"))
    page.wait_for_selector(".incident-marker")
    page.wait_for_selector("path.precision-area")
    totals = dict(zip(page.locator("#region-totals th").all_inner_texts(),
                      page.locator("#region-totals td").all_inner_texts()))
    assert totals == {"Incidents": "2", "Fatalities": "not reported", "Injuries": "6"}
    assert page.locator(".incident-marker").count() == 1  # Mazángaro; the other is area-only
    assert page.locator("#children a", has_text="Satipo").count() == 1
    assert page.watch.console_errors == []


def test_hostile_title_on_its_incident_page_is_text(page, live_url, site_data):
    pk = Incident.objects.get(title=XSS_TITLE).pk
    page.goto(live_url + page_url("incident", pk))
    page.wait_for_selector(".incident-marker")
    assert page.locator("h1").inner_text() == XSS_TITLE
    assert page.evaluate("window.__xss") is None
    assert page.locator("article img").count() == 0
    assert page.watch.console_errors == []


@pytest.mark.parametrize("width", [375, 1440])
def test_page_screenshots(page, live_url, site_data, width):
    page.set_viewport_size({"width": width, "height": 900})
    ARTIFACTS.mkdir(exist_ok=True)
    pk = Incident.objects.get(title__startswith="Attack on the Mazángaro").pk
    for name, path in [("region", page_url("region", "120609")), ("incident", page_url("incident", pk)),
                       ("advisories", page_url("advisories"))]:
        page.goto(live_url + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=ARTIFACTS / f"{name}-{width}.png", full_page=True)
        assert page.locator(".map-frame .folium-map").is_visible()
    assert page.watch.console_errors == []
