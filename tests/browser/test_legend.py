"""#19 parts 2 and 6 in a real browser: the legend is folded on every screen, opens downwards
inside the map, closes again on a phone and is never over a popup; advisory zones are hatched;
the month chart is a time axis with empty months and labelled ticks, and Play visits them all."""
import json

import pytest
from playwright.sync_api import expect

from tests.factories import page_url

from .common import ARTIFACTS

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 375, "height": 812}}


def open_explorer(page, live_url, query=""):
    page.goto(f"{live_url}{page_url('map', language='en')}{query}")
    page.wait_for_selector("[data-incidents-drawn]", state="attached")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("size", SIZES)
def test_legend_starts_folded_opens_downwards_inside_the_map_and_closes(page, live_url, site_data, size):
    page.set_viewport_size(SIZES[size])
    open_explorer(page, live_url)
    legend = page.locator(".map-legend")
    expect(legend).to_have_count(1)
    assert legend.evaluate("d => d.open") is False
    folded = legend.bounding_box()
    assert folded["height"] < 40  # only "Legend"
    map_box = page.locator(".map-frame .folium-map").bounding_box()
    layers = page.locator(".leaflet-control-layers").bounding_box()
    assert folded["y"] >= layers["y"] + layers["height"]  # under the layer control, top right
    assert folded["x"] + folded["width"] <= map_box["x"] + map_box["width"]
    page.locator(".map-legend summary").click()
    assert legend.evaluate("d => d.open") is True
    opened = legend.bounding_box()
    assert opened["y"] == folded["y"]  # it grew downwards, not up under the header
    assert opened["height"] > 100
    assert opened["y"] + opened["height"] <= map_box["y"] + map_box["height"]  # scrolls inside instead
    credits = page.locator(".leaflet-bottom.leaflet-right").bounding_box()
    assert opened["y"] + opened["height"] <= credits["y"]  # and stops above the attribution
    expect(legend).to_contain_text("Heat map: incidents in view, few → many")
    expect(legend).to_contain_text("Incidents per district: few → many (with the filters)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"legend-open-{SIZES[size]['width']}.png")
    page.locator(".map-legend summary").click()  # the summary is still where it was: it closes
    assert legend.evaluate("d => d.open") is False
    page.locator(".map-legend summary").focus()
    page.keyboard.press("Enter")
    assert legend.evaluate("d => d.open") is True
    page.keyboard.press("Escape")
    assert legend.evaluate("d => d.open") is False
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert page.watch.console_errors == []


def test_legend_is_never_over_a_popup(page, live_url, site_data):
    page.set_viewport_size(SIZES["desktop"])
    open_explorer(page, live_url)
    legend = page.locator(".map-legend")
    page.locator(".map-legend summary").click()
    page.evaluate("""() => { const map = window.vraemExplorer.map;
        L.popup().setLatLng(map.getCenter()).setContent("a popup").openOn(map); }""")
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    assert legend.evaluate("d => d.open") is False  # a popup folds the legend
    page.locator(".map-legend summary").click()
    expect(page.locator(".leaflet-popup")).to_have_count(0)  # opening the legend closes the popup
    assert legend.evaluate("d => d.open") is True


def test_advisory_zones_are_hatched_in_their_level_colour(page, live_url, site_data):
    open_explorer(page, live_url)
    fills = page.locator(".leaflet-overlay-pane path").evaluate_all(
        "paths => paths.map(p => p.getAttribute('fill')).filter(f => f && f.startsWith('url('))")
    assert fills and set(fills) <= {"url(#zone-hatch-6b4e16)", "url(#zone-hatch-ffa500)",
                                    "url(#zone-hatch-f7f07a)", "url(#zone-hatch-88ccee)"}, fills
    patterns = page.locator("svg.map-patterns pattern").evaluate_all("ps => ps.map(p => p.id)")
    assert sorted(patterns) == ["zone-hatch-6b4e16", "zone-hatch-88ccee", "zone-hatch-f7f07a", "zone-hatch-ffa500"]
    # The legend's swatch for the zones shows the same hatch.
    swatches = page.locator(".map-legend .swatch").evaluate_all(
        "s => s.map(e => e.style.background).filter(b => b.includes('repeating-linear-gradient'))")
    assert len(swatches) >= 1


STATS = {"total": {"incidents": 5, "fatalities": 3, "injuries": None},
         "by_month": [{"month": "2018-06", "incidents": 4, "fatalities": 3, "injuries": None},
                      {"month": "2024-02", "incidents": 1, "fatalities": 0, "injuries": None}],
         "by_event_type": [], "by_region": []}


def stub_stats(page):
    """The timeline's counts: June 2018 and February 2024, nothing between."""
    def answer(route):
        if "level=" in route.request.url:
            route.continue_()
        else:
            route.fulfill(status=200, content_type="application/json", body=json.dumps(STATS))
    page.route("**/api/v1/stats/**", answer)


@pytest.mark.parametrize("size", SIZES)
def test_month_chart_is_a_time_axis_with_empty_months_and_year_ticks(page, live_url, site_data, size):
    page.set_viewport_size(SIZES[size])
    stub_stats(page)
    open_explorer(page, live_url)
    expect(page.locator("#month-chart rect.month-bar")).to_have_count(69)  # 2018-06 … 2024-02
    assert page.locator("#month-chart rect.month-bar.empty").count() == 67
    assert page.locator("#month-chart text.month-tick").all_text_contents() == [
        "2018", "2019", "2020", "2021", "2022", "2023"]  # 2024 would touch 2023: its tick only
    assert page.locator("#month-chart line.month-axis").count() == 8  # the axis and 7 ticks
    assert page.locator("#month-slider").get_attribute("max") == "69"
    # The bars sit where their months are: February 2024 at the far right, not next to June 2018.
    x = page.locator("#month-chart rect.month-bar").evaluate_all("rs => rs.map(r => Number(r.getAttribute('x')))")
    assert (round(x[1] - x[0], 2), round(x[68], 1)) == (3.77, 256.7)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".timeline").screenshot(path=ARTIFACTS / f"month-chart-{SIZES[size]['width']}.png")
    # A click on an empty stretch chooses that month.
    page.evaluate("""() => { const chart = document.getElementById("month-chart");
        const box = chart.getBoundingClientRect(), scale = Math.min(box.width / 260, box.height / 86);
        const left = box.left + (box.width - 260 * scale) / 2, top = box.top + (box.height - 86 * scale) / 2;
        const x = left + (30.5 * 260 / 69) * scale, y = top + 40 * scale;
        chart.dispatchEvent(new MouseEvent("click", {clientX: x, clientY: y, bubbles: true})); }""")
    expect(page.locator("#month-label")).to_have_text("December 2020")
    assert "month=2020-12" in page.url
    assert page.watch.console_errors == []


def test_play_steps_through_empty_months_too(page, live_url, site_data):
    stub_stats(page)
    open_explorer(page, live_url)
    expect(page.locator("#month-chart rect.month-bar")).to_have_count(69)
    page.evaluate("window.vraemExplorer.config.playIntervalMs = 300")
    page.locator("#month-play").click()
    seen = page.wait_for_function("""() => document.getElementById("month-slider").value === "2"
        && document.getElementById("month-label").textContent""").json_value()
    assert seen == "July 2018"  # no incidents that month: Play shows it all the same
    page.locator("#month-play").click()  # pause
    expect(page.locator("#month-play")).to_have_text("▶ Play")
    assert page.watch.console_errors == []


def test_month_series_and_ticks_for_a_short_period(page, live_url, site_data):
    open_explorer(page, live_url)
    series = page.evaluate("""() => VraemExplorer.monthSeries([{month: "2018-11", incidents: 2},
                                                               {month: "2019-02", incidents: 1}])""")
    assert [(m["month"], m["incidents"]) for m in series] == [
        ("2018-11", 2), ("2018-12", 0), ("2019-01", 0), ("2019-02", 1)]
    ticks = page.evaluate("() => VraemExplorer.axisTicks(VraemExplorer.monthSeries("
                          "[{month: '2018-11', incidents: 2}, {month: '2019-02', incidents: 1}]), 260)"
                          ".map(t => t.label)")
    assert ticks == ["Nov 2018", "Dec", "Jan 2019", "Feb"]


def test_the_printed_map_shows_the_legend_open(page, live_url, site_data):
    open_explorer(page, live_url)
    assert page.locator(".map-legend").evaluate("d => d.open") is False
    page.emulate_media(media="print")
    expect(page.locator(".map-legend")).to_have_attribute("open", "")
    expect(page.locator(".map-legend")).to_contain_text("Travel advisories")
    assert page.locator(".map-legend").evaluate("d => getComputedStyle(d).maxHeight") == "none"
