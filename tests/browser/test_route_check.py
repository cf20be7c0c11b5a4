"""The route check in a real browser: a road through the VRAEM shows its zones, districts and
incidents (on the map and in the tables), a line drawn by clicking is checked, the printable
page renders, and an incident's hostile title stays text."""
import pytest
from playwright.sync_api import expect

from incidents.services.routes import route_check
from regions.services.route_input import resolve_stops

from .common import ARTIFACTS, XSS_TITLE

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def _check(page, live_url, stops, km="10", days="3650"):
    page.goto(f"{live_url}/route/")
    page.fill("#id_stops", stops)
    page.fill("#id_km", km)
    page.fill("#id_days", days)
    page.click("form.route-form button[type=submit]")
    page.wait_for_selector(".route-result")
    page.wait_for_load_state("networkidle")


def test_a_road_through_the_vraem_shows_zones_districts_and_incidents(page, live_url, site_data):
    _check(page, live_url, "Huanta\nPichari")
    zones = page.locator(".route-zones tbody tr").all_inner_texts()
    assert [row.split("\t")[0] for row in zones] == [
        "U.S. Department of State — Level 4: Do Not Travel",
        "UK Foreign, Commonwealth & Development Office — Advise against all but essential travel",
        "Presidencia del Consejo de Ministros (Peru) — reference area, not travel advice"]
    districts = [row.split("\t")[0] for row in page.locator(".route-districts tbody tr").all_inner_texts()]
    assert districts == ["Huanta", "Chaca", "Uchuraccay", "Sivia", "Pichari"]
    stops = resolve_stops(["Huanta", "Pichari"])
    expected = route_check(points=[(s.longitude, s.latitude) for s in stops], km=10, days=3650)
    titles = page.locator(".route-incidents tbody tr td:nth-child(2) a").all_inner_texts()
    assert titles == [row["title"] for row in expected.incidents] and XSS_TITLE in titles
    assert page.evaluate("window.__xss") is None
    # On the map: the route (its tooltip), and one marker per incident listed.
    expect(page.locator(".leaflet-overlay-pane path[stroke='#0d47a1']")).to_have_count(1)
    assert page.locator(".leaflet-overlay-pane path[stroke='#fff'][stroke-width='1']").count() == len(titles)
    assert page.get_by_text("Straight lines between the places, not roads.").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "route-check.png", full_page=True)
    assert page.watch.console_errors == []


def test_a_line_drawn_on_the_map_is_checked(page, live_url, site_data):
    page.goto(f"{live_url}/route/")
    page.locator("details", has_text="draw the route").locator("summary").click()
    page.click("#route-draw")
    box = page.locator(".map-frame .folium-map").bounding_box()
    for fx, fy in ((0.3, 0.6), (0.5, 0.5), (0.7, 0.4)):
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    expect(page.locator("#route-points")).to_have_text("Points drawn: 3")
    assert len(page.input_value("#id_line").split(";")) == 3
    page.click("#route-undo")
    expect(page.locator("#route-points")).to_have_text("Points drawn: 2")
    page.click("form.route-form button[type=submit]")
    page.wait_for_selector(".route-result")
    assert page.get_by_text("As drawn.").is_visible()
    assert page.locator(".route-districts tbody tr").count() >= 1
    assert page.watch.console_errors == []


def test_the_printable_page_renders(page, live_url, site_data):
    _check(page, live_url, "Pichari\nKimbiri\nSan Francisco, Ayna", days="3650")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("form.route-form").first.is_visible()
    assert page.locator(".route-districts").is_visible() and page.locator(".map-frame").is_visible()
    assert page.locator(".map-frame").bounding_box()["height"] > 300
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=ARTIFACTS / "route-check.pdf", format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert page.watch.console_errors == []
