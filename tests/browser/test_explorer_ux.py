"""#19 parts 1, 3, 6 and 7 in a real browser at 1440×900 and 375×812: list ↔ map (the map
moves to the incident, its popup stays, the selection is in the URL, the focus stays on the
list), the phone layout (map, list, then folded filters; credits behind ⓘ; the footer after
the content; pinch zoom), keyboard and screen readers (skip links, shapes out of the Tab order,
axe-core with no serious violations), and an area-only incident drawn as its area."""
import pytest
from playwright.sync_api import expect

from incidents.models import Incident
from tests.factories import page_url

from .common import ARTIFACTS

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
MAZANGARO = "Attack on the Mazángaro military base wounds six"
AMBUSH = "Four police officers killed in ambush in Huancavelica"  # precision 3: area only
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 375, "height": 812}}
AXE = "/static/vendor/axe-core/axe.min.js"


def open_explorer(page, live_url, size, query=""):
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_url}{page_url('map', language='en')}{query}")
    page.wait_for_selector("#incident-list li")
    page.wait_for_load_state("networkidle")


def incident_id(title):
    return Incident.objects.get(title=title).pk


def map_centre(page):
    return page.evaluate("[vraemExplorer.map.getCenter().lat, vraemExplorer.map.getCenter().lng,"
                         " vraemExplorer.map.getZoom()]")


def in_map_view(page, lat, lon):
    return page.evaluate(f"vraemExplorer.map.getBounds().contains([{lat}, {lon}])")


def focused_incident(page):
    return page.evaluate("document.activeElement.dataset.incident || null")


def popup_title(page):
    return page.locator(".leaflet-popup-content h3").inner_text()


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("how", ["click", "Enter"])
def test_selecting_from_the_list_moves_the_map_and_keeps_the_popup(page, live_url, site_data, size, how):
    open_explorer(page, live_url, size)
    before = map_centre(page)
    pk = incident_id(MAZANGARO)
    button = page.locator(f'.incident-link[data-incident="{pk}"]')
    if how == "click":
        button.click()
    else:
        button.focus()
        page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content h3")).to_have_text(MAZANGARO)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # it used to close within half a second
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    assert popup_title(page) == MAZANGARO
    incident = Incident.objects.get(pk=pk)
    assert map_centre(page) != before
    assert in_map_view(page, incident.location.y, incident.location.x)
    assert map_centre(page)[2] >= 9
    assert f"incident={pk}" in page.url
    assert focused_incident(page) == str(pk)  # the focus stays on the list entry
    assert page.locator(".incident-item.selected .incident-link").get_attribute("aria-current") == "true"
    if size == "phone":  # the map scrolled into view; the popup leaves the controls free
        box = page.locator(".map-frame").bounding_box()
        assert -1 <= box["y"] < 812 / 4  # at the top (sub-pixel rounding aside)
        popup = page.locator(".leaflet-popup").bounding_box()
        assert popup["height"] <= 0.4 * 812 + 60 and popup["width"] <= 375 - 40
    page.screenshot(path=ARTIFACTS / f"explorer-selected-{SIZES[size]['width']}.png")
    assert page.watch.console_errors == []


def test_an_area_only_incident_is_shown_as_its_area(page, live_url, site_data):
    open_explorer(page, live_url, "desktop")
    page.locator(".incident-link", has_text=AMBUSH).click()
    expect(page.locator(".leaflet-popup-content h3")).to_have_text(AMBUSH)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    # The map fits the area (Huancavelica department, the larger of the two area-only
    # incidents' outlines): its whole outline is in view.
    boxes = [p.bounding_box() for p in page.locator("path.precision-area").all()]
    area = max(boxes, key=lambda b: b["width"] * b["height"])
    frame = page.locator(".map-frame").bounding_box()
    assert frame["x"] <= area["x"] and area["x"] + area["width"] <= frame["x"] + frame["width"]
    assert frame["y"] <= area["y"] and area["y"] + area["height"] <= frame["y"] + frame["height"]
    assert area["width"] > frame["width"] / 3 or area["height"] > frame["height"] / 3
    assert "area only" in page.locator(".leaflet-popup-content").inner_text()


def test_the_selected_incident_in_a_shared_url_is_shown(page, live_url, site_data):
    pk = incident_id(MAZANGARO)
    open_explorer(page, live_url, "desktop", f"?incident={pk}")
    expect(page.locator(".leaflet-popup-content h3")).to_have_text(MAZANGARO)
    incident = Incident.objects.get(pk=pk)
    assert in_map_view(page, incident.location.y, incident.location.x)
    expect(page.locator(".incident-item.selected .incident-link")).to_have_text(MAZANGARO)


def test_phone_layout_list_first_credits_behind_info_no_footer_over_content(page, live_url, site_data):
    open_explorer(page, live_url, "phone")
    boxes = {name: page.locator(selector).bounding_box() for name, selector in
             [("map", ".map-frame"), ("list", ".explorer-list"), ("filters", ".explorer-filters"),
              ("footer", ".site-footer")]}
    # Map, list, filters, footer: one column, one after the other, nothing over anything.
    assert boxes["map"]["y"] < boxes["list"]["y"] < boxes["filters"]["y"] < boxes["footer"]["y"]
    assert boxes["filters"]["y"] + boxes["filters"]["height"] <= boxes["footer"]["y"] + 1
    assert page.locator(".site-footer").evaluate("(f) => getComputedStyle(f).position") == "static"
    assert page.evaluate("document.scrollingElement.scrollHeight") > 812  # the page scrolls
    assert page.locator("#filters-panel").get_attribute("open") is None  # folded
    expect(page.locator("#filters")).to_be_hidden()
    page.locator("#filters-panel > summary").click()
    expect(page.locator("#filters")).to_be_visible()
    # Credits: hidden behind ⓘ, shown on demand.
    expect(page.locator(".leaflet-control-attribution")).to_be_hidden()
    info = page.locator(".credits-button")
    assert info.get_attribute("aria-expanded") == "false"
    info.click()
    expect(page.locator(".leaflet-control-attribution")).to_be_visible()
    assert info.get_attribute("aria-expanded") == "true"
    # Pinch zoom: one viewport tag, without user-scalable=no or maximum-scale.
    viewports = page.locator('meta[name="viewport"]')
    expect(viewports).to_have_count(1)
    assert viewports.get_attribute("content") == "width=device-width, initial-scale=1"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375  # nothing cut off
    page.screenshot(path=ARTIFACTS / "explorer-phone-375.png", full_page=True)


def test_desktop_keeps_filters_open_and_credits_visible(page, live_url, site_data):
    open_explorer(page, live_url, "desktop")
    assert page.locator("#filters-panel").get_attribute("open") == ""
    expect(page.locator(".leaflet-control-attribution")).to_be_visible()
    expect(page.locator(".credits-button")).to_be_hidden()


def test_skip_links_and_no_tab_stops_on_map_shapes(page, live_url, site_data):
    open_explorer(page, live_url, "desktop")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#incidents-in-view"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "incidents-in-view"
    page.keyboard.press("Tab")  # the first incident of the list
    assert page.evaluate("document.activeElement.className") == "incident-link"
    # Shapes that only draw are no Tab stops and hidden from screen readers.
    shapes = page.locator(".leaflet-overlay-pane path")
    assert shapes.count() > 10
    assert shapes.evaluate_all(
        "(ps) => ps.filter((p) => p.tabIndex >= 0 || p.getAttribute('aria-hidden') !== 'true').length") == 0
    assert page.locator(".map-frame .leaflet-container").get_attribute("aria-label") == "Map"


def axe_serious(page):
    page.add_script_tag(url=AXE)
    result = page.evaluate("""axe.run(document, {resultTypes: ['violations']}).then((r) =>
        r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
         .map((v) => v.id + ': ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')))""")
    return result


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_axe_finds_no_serious_violations_on_the_explorer(page, live_url, site_data, size, language):
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_url}{page_url('map', language=language)}")
    page.wait_for_selector("#incident-list li")
    page.wait_for_load_state("networkidle")
    assert axe_serious(page) == []


def test_area_only_incident_page_draws_its_area_without_a_pin(page, live_url, site_data):
    page.set_viewport_size(SIZES["phone"])
    pk = incident_id(AMBUSH)
    page.goto(f"{live_url}{page_url('incident', pk, language='en')}")
    container = page.locator(".map-frame .leaflet-container")
    expect(container).to_have_attribute("data-incidents-drawn", "geojson")
    # The map fits its area (Huancavelica): the outline is within the map, and large in it.
    area = page.locator("path.precision-area").bounding_box()
    frame = container.bounding_box()
    assert frame["x"] - 1 <= area["x"] and area["x"] + area["width"] <= frame["x"] + frame["width"] + 1
    assert frame["y"] - 1 <= area["y"] and area["y"] + area["height"] <= frame["y"] + frame["height"] + 1
    # (whole zoom levels: the fitted area spans between ~½ and all of the map, less padding)
    assert area["width"] > 0.4 * frame["width"] or area["height"] > 0.4 * frame["height"]
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375  # nothing cut off
    # No pin for it (a pin would carry its title).
    assert page.locator(f'.leaflet-marker-icon[title="{AMBUSH}"]').count() == 0
    assert page.locator("td.precision").inner_text().startswith("area only")
    assert axe_serious(page) == []
    page.screenshot(path=ARTIFACTS / "incident-area-only-375.png", full_page=True)


@pytest.mark.parametrize("name, args", [("region", ("120609",)), ("region", ("09",)), ("advisories", ())])
def test_text_pages_fit_a_phone_and_pass_axe(page, live_url, site_data, name, args):
    page.set_viewport_size(SIZES["phone"])
    page.goto(f"{live_url}{page_url(name, *args, language='en')}")
    page.wait_for_selector(".leaflet-container")
    page.wait_for_load_state("networkidle")
    # No table or text box cut off or scrolling sideways: the page is as wide as the phone.
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    assert page.evaluate("document.scrollingElement.scrollHeight") > 812 or name == "advisories"
    assert axe_serious(page) == []
