"""The explorer in a real browser: filters in the URL, list and popups, precision, escaping."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import page_url

from .common import ARTIFACTS, XSS_TITLE

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
MAZANGARO = "Attack on the Mazángaro military base wounds six"


def open_explorer(page, live_url, query=""):
    page.goto(f"{live_url}{page_url('map')}{query}")
    page.wait_for_selector("#incident-list li, #incident-summary:has-text('0 incidents')")
    page.wait_for_load_state("networkidle")


def listed_titles(page):
    return sorted(page.locator("#incident-list .incident-link").all_inner_texts())


def query_of(page):
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def popup_from_list(page, title):
    page.locator("#incident-list .incident-link", has_text=title).click()
    expect(page.locator(".leaflet-popup")).to_have_count(1)  # the previous one has faded out
    return page.locator(".leaflet-popup-content")


def test_lists_every_published_incident_in_view_with_its_popup(page, live_url, site_data):
    open_explorer(page, live_url)
    assert listed_titles(page) == site_data
    assert page.locator("#incident-summary").inner_text().startswith("4 incidents in view")
    popup = popup_from_list(page, "Four police officers killed in ambush in Huancavelica")
    rows = dict(zip(popup.locator("th").all_inner_texts(), popup.locator("td").all_inner_texts()))
    assert rows["Date"] == "7 June 2018"  # the reader's format; the API says 2018-06-07
    assert rows["Type"] == "Battles / Armed clash"
    assert (rows["Fatalities"], rows["Injuries"]) == ("4", "unknown")
    assert rows["Location"] == "Huancavelica region"
    assert rows["Precision"] == "area only"  # the list's, legend's and incident page's word
    assert page.watch.console_errors == []


def test_precision_three_highlights_the_area_instead_of_a_pin(page, live_url, site_data):
    open_explorer(page, live_url, "?region=12")
    # Junín: the district-level clash (area only) and the Mazángaro attack (near a town).
    assert listed_titles(page) == [MAZANGARO, "Soldiers clash with Shining Path militants in Vizcatán del Ene"]
    assert page.locator("path.precision-area").count() == 1
    assert page.locator(".incident-marker").count() == 1
    assert page.locator("path.uncertainty-circle").count() == 1
    popup = popup_from_list(page, "Soldiers clash")
    assert "area only" in popup.inner_text()


def test_clicking_a_marker_opens_its_popup(page, live_url, site_data):
    open_explorer(page, live_url, "?region=120609")
    page.locator(".incident-marker").click()
    page.wait_for_selector(".leaflet-popup-content h3")
    assert page.locator(".leaflet-popup-content h3").inner_text() == MAZANGARO
    link = page.locator(".leaflet-popup-content h3 a").get_attribute("href")
    assert link.startswith(page_url("incident", 0).removesuffix("0/")) and link.endswith("/")


def test_changing_filters_changes_the_list_and_the_url(page, live_url, site_data):
    open_explorer(page, live_url)
    page.select_option("#f-type", "Protests")
    page.wait_for_selector("#incident-summary:has-text('0 incidents')")
    assert query_of(page) == {"event_type": "Protests"}
    assert listed_titles(page) == []
    page.select_option("#f-type", [])
    page.select_option("#f-department", "09")
    expect(page.locator("#incident-list li")).to_have_count(1)
    assert query_of(page) == {"region": "09"}
    assert listed_titles(page) == ["Four police officers killed in ambush in Huancavelica"]


def test_a_shared_url_restores_the_filters(page, live_url, site_data):
    open_explorer(page, live_url, "?region=120609&event_type=Battles&period=custom&date_from=2018-06-10")
    assert page.locator("#f-type").input_value() == "Battles"
    assert page.locator("#f-department").input_value() == "12"
    expect(page.locator("#f-district")).to_have_value("120609")
    assert page.locator("#f-province").input_value() == "1206"
    assert page.locator("#f-from").is_visible() and page.locator("#f-from").input_value() == "2018-06-10"
    assert listed_titles(page) == [MAZANGARO, "Soldiers clash with Shining Path militants in Vizcatán del Ene"]


def test_the_timeline_steps_to_a_month(page, live_url, site_data):
    open_explorer(page, live_url)
    page.wait_for_selector("#month-chart rect")
    assert page.locator("#month-chart rect").count() == 1  # every incident is in June 2018
    page.locator("#month-slider").fill("1")
    expect(page).to_have_url(re.compile(r"[?&]month=2018-06(&|$)"))
    assert page.locator("#month-label").inner_text() == "June 2018"
    assert len(listed_titles(page)) == 4


def test_hostile_title_is_inert_text(page, live_url, site_data):
    open_explorer(page, live_url)
    assert XSS_TITLE in listed_titles(page)
    popup = popup_from_list(page, "window.__xss")
    assert popup.locator("h3").inner_text() == XSS_TITLE
    assert page.evaluate("window.__xss") is None
    assert page.locator(".leaflet-popup-content img, #incident-list img").count() == 0
    assert page.watch.console_errors == []


def test_layers_legend_attribution_and_only_local_requests(page, live_url, site_data):
    with page.expect_response(lambda r: "/api/v1/incidents/" in r.url) as api_call:
        open_explorer(page, live_url)
    assert api_call.value.status == 200
    page.locator(".leaflet-control-layers").hover()
    overlays = [o.strip() for o in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()]
    assert overlays == ["Departments", "Travel advisory zones", "Reference areas (not advice)", "Incidents",
                        "Location uncertainty (precision 2)", "Heat map", "Incidents per district"]
    assert "Travel advisories" in page.locator(".map-legend").text_content()  # folded: in the page, not shown
    assert "INEI, via mapsPERU" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".fullscreen-button").count() == 1
    assert page.watch.console_errors == []
    app_host = urlsplit(live_url).netloc
    assert page.watch.requested_hosts - {app_host, page.watch.tile_host} == set()
    html = page.request.get(live_url + page_url("map")).text()
    assert not any(title in html for title in site_data)  # no incident data in the page


@pytest.mark.parametrize("width", [375, 1440])
def test_screenshots_at_phone_and_desktop_width(page, live_url, site_data, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_explorer(page, live_url)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"explorer-{width}.png", full_page=True)
    # The list sits beside the map on wide screens and below it on phones.
    map_box = page.locator(".map-frame").bounding_box()
    list_box = page.locator(".explorer-list").bounding_box()
    if width == 1440:
        assert list_box["x"] >= map_box["x"] + map_box["width"] - 1
    else:
        assert list_box["y"] >= map_box["y"] + map_box["height"] - 1
