"""The public map in a real browser: markers, popups, escaping, local assets only."""
from urllib.parse import urlsplit

import pytest

from .conftest import XSS_TITLE

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def open_map(page, live_url):
    page.goto(live_url + "/")
    page.wait_for_selector(".leaflet-marker-icon")
    page.wait_for_load_state("networkidle")
    return page.locator(".leaflet-marker-icon")


def open_popup(page, marker):
    """Click a marker (markers may overlap, so the event goes to it directly); the popup."""
    marker.dispatch_event("click")
    # The previous popup fades out for a moment; wait until only the new one is left.
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
    return page.locator(".leaflet-popup-content")


def popup_titles(page, markers):
    return [open_popup(page, markers.nth(i)).locator("h3").inner_text() for i in range(markers.count())]


def test_one_marker_per_published_incident_each_with_its_popup(page, live_url, site_data):
    markers = open_map(page, live_url)
    assert markers.count() == len(site_data) == 4
    assert sorted(popup_titles(page, markers)) == site_data


def test_popup_shows_date_type_casualties_and_location(page, live_url, site_data):
    markers = open_map(page, live_url)
    titles = popup_titles(page, markers)
    popup = open_popup(page, markers.nth(titles.index("Four police officers killed in ambush in Huancavelica")))
    rows = dict(
        (row.locator("th").inner_text(), row.locator("td").inner_text())
        for row in popup.locator("tr").all()
    )
    assert rows["Date"] == "2018-06-07"
    assert rows["Type"] == "Battles / Armed clash"
    assert (rows["Fatalities"], rows["Injuries"]) == ("4", "unknown")
    assert rows["Location"] == "Huancavelica region"
    assert rows["Area"] == "Huancavelica"
    assert rows["Precision"] == "Only a larger area is known (its representative point)"


def test_hostile_title_is_shown_as_text_and_never_runs(page, live_url, site_data):
    markers = open_map(page, live_url)
    assert XSS_TITLE in popup_titles(page, markers)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".leaflet-popup-content img").count() == 0
    assert page.watch.console_errors == []


def test_layers_legend_and_attribution_without_console_errors_or_foreign_hosts(
    page, live_url, site_data
):
    open_map(page, live_url)
    overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [o.strip() for o in overlays] == ["Departments", "Travel advisory zones", "Incidents"]
    assert "Travel advisories" in page.locator(".map-legend").inner_text()
    assert "INEI, via mapsPERU" in page.locator(".leaflet-control-attribution").inner_text()
    # 25 departments and the two advisory zones are drawn.
    assert page.locator("path.leaflet-interactive").count() == 25 + 2
    assert page.watch.console_errors == []
    app_host = urlsplit(live_url).netloc
    assert page.watch.requested_hosts - {app_host, page.watch.tile_host} == set()


def test_incidents_come_from_the_api_not_from_the_page(page, live_url, site_data):
    with page.expect_response(lambda r: "/api/v1/incidents/" in r.url) as api_call:
        open_map(page, live_url)
    assert api_call.value.status == 200
    html = page.request.get(live_url + "/").text()
    assert not any(title in html for title in site_data)
