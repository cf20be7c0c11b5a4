"""The explorer switches to vector tiles when the view holds more incidents than the threshold,
and back to GeoJSON markers (with the list) when it holds fewer."""
import pytest
from playwright.sync_api import expect

from tests.factories import page_url

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def test_large_view_is_drawn_from_vector_tiles_and_a_small_one_from_geojson(page, live_url, site_data, settings):
    settings.EXPLORER_TILE_THRESHOLD = 2  # the four published incidents count as a large set
    tile_responses = []
    page.on("response", lambda r: "/tiles/incidents/" in r.url and tile_responses.append(r.status))
    page.goto(live_url + page_url("map"))
    map_div = page.locator(".folium-map")
    expect(map_div).to_have_attribute("data-incidents-drawn", "tiles")
    expect(map_div).to_have_attribute("data-incidents-mode", "tiles")
    expect(page.locator("#incident-summary")).to_have_text(
        "More than 2 incidents in view · drawn as vector tiles: zoom in or narrow the filters to list them")
    expect(page.locator("path.tile-cluster, path.tile-incident").first).to_be_visible()
    assert page.locator(".incident-marker").count() == 0
    assert page.locator("#incident-list li").count() == 0
    assert tile_responses and set(tile_responses) == {200}

    # One district: two incidents (one known only by its area), not above the threshold:
    # markers and the list again.
    page.goto(f"{live_url}{page_url('map')}?region=120609")
    expect(map_div).to_have_attribute("data-incidents-drawn", "geojson")
    expect(page.locator("#incident-list li")).to_have_count(2)
    expect(page.locator(".incident-marker")).to_have_count(1)
    assert page.locator("path.tile-cluster, path.tile-incident").count() == 0
    assert page.watch.console_errors == []


def test_clicking_a_tile_incident_opens_its_popup(page, live_url, site_data, settings):
    settings.EXPLORER_TILE_THRESHOLD = 0  # even one incident is drawn from tiles
    page.goto(f"{live_url}{page_url('map')}?region=120609&q=Maz%C3%A1ngaro")
    map_div = page.locator(".folium-map")
    expect(map_div).to_have_attribute("data-incidents-mode", "tiles")
    expect(map_div).to_have_attribute("data-incidents-drawn", "tiles")
    expect(page.locator("path.tile-incident, path.tile-cluster").first).to_be_visible()
    while page.locator("path.tile-cluster").count() and not page.locator("path.tile-incident").count():
        page.locator("path.tile-cluster").first.click(force=True)  # a cluster zooms in on itself
        page.wait_for_timeout(700)
    target = page.locator("path.tile-incident").first
    target.click(force=True)
    expect(page.locator(".leaflet-popup-content h3")).to_have_text(
        "Attack on the Mazángaro military base wounds six")
    assert page.watch.console_errors == []
