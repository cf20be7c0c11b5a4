"""#15 in a real browser: a shared link restores the sender's filters (several values each)
and map view; the feed and download links follow the view and the files hold the listed
incidents; the print layout; a PNG of the map made in the browser."""
import csv
import io
import re
import struct
from urllib.parse import parse_qs, urlsplit

import feedparser
import geopandas as gpd
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from incidents.models import Incident
from tests.factories import page_url

from .common import ARTIFACTS

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
HUANCAVELICA = "Four police officers killed in ambush in Huancavelica"
MAZANGARO = "Attack on the Mazángaro military base wounds six"
VIZCATAN = "Soldiers clash with Shining Path militants in Vizcatán del Ene"
# Battles in Huancavelica (department 09) or in Vizcatán del Ene (district 120609).
SHARED_QUERY = "?event_type=Battles&event_type=Riots&region=09&region=120609"


def open_explorer(page, url):
    page.goto(url)
    page.wait_for_selector("#incident-list li, #incident-summary:has-text('0 incidents')")
    page.wait_for_load_state("networkidle")


def listed_titles(page):
    return sorted(page.locator("#incident-list .incident-link").all_inner_texts())


def selected(page, selector):
    return page.locator(f"{selector} option:checked").evaluate_all("(options) => options.map((o) => o.value)")


def view_of(page):
    return page.evaluate("[window.vraemExplorer.map.getZoom(), window.vraemExplorer.map.getCenter().lat,"
                         " window.vraemExplorer.map.getCenter().lng]")


def test_the_form_takes_several_values_and_a_shared_link_restores_filters_and_view(
        page, browser, live_url, site_data):
    open_explorer(page, live_url + reverse("map"))
    page.select_option("#f-type", ["Battles", "Riots"])
    page.select_option("#f-department", ["09", "12"])
    expect(page.locator("#f-province option")).not_to_have_count(0)
    page.select_option("#f-province", ["1206"])
    expect(page.locator("#f-district option")).not_to_have_count(0)
    page.select_option("#f-district", ["120609"])
    expect(page.locator("#incident-list li")).to_have_count(3)
    assert parse_qs(urlsplit(page.url).query) == {
        "event_type": ["Battles", "Riots"], "region": ["09", "120609"]}
    assert listed_titles(page) == sorted([HUANCAVELICA, MAZANGARO, VIZCATAN])
    # The sender zooms in on the Ene valley: the view is in the fragment as it moves.
    page.evaluate("window.vraemExplorer.map.setView([-12.25, -73.95], 10, {animate: false})")
    expect(page).to_have_url(re.compile(r"#map=10/-12\.25000/-73\.95000$"))
    page.wait_for_load_state("networkidle")
    sender_url, sender_titles, sender_view = page.url, listed_titles(page), view_of(page)
    assert urlsplit(sender_url).query == SHARED_QUERY[1:]

    # The receiver opens the link in another browser context (no shared state).
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    receiver = context.new_page()
    open_explorer(receiver, sender_url)
    assert receiver.url == sender_url
    assert view_of(receiver) == pytest.approx(sender_view, abs=1e-6)
    assert listed_titles(receiver) == sender_titles
    assert selected(receiver, "#f-type") == ["Battles", "Riots"]
    assert selected(receiver, "#f-department") == ["09", "12"]
    expect(receiver.locator("#f-district option:checked")).to_have_count(1)
    assert selected(receiver, "#f-province") == ["1206"]
    assert selected(receiver, "#f-district") == ["120609"]
    ARTIFACTS.mkdir(exist_ok=True)
    receiver.screenshot(path=ARTIFACTS / "explorer-shared-view.png")
    context.close()
    assert page.watch.console_errors == []


def test_feed_and_downloads_follow_the_view_and_hold_the_listed_incidents(
        page, live_url, site_data, tmp_path):
    open_explorer(page, live_url + reverse("map") + SHARED_QUERY)
    listed = listed_titles(page)
    assert listed == sorted([HUANCAVELICA, MAZANGARO, VIZCATAN])
    ids = {f"VRAEM{pk}" for pk in Incident.objects.filter(title__in=listed).values_list("pk", flat=True)}
    # The feed link in the page's head and the button name the same view.
    feed_href = page.locator("#feed-button").get_attribute("href")
    assert page.locator("link#feed-link[rel=alternate][type='application/atom+xml']").get_attribute("href") == feed_href
    feed_query = parse_qs(urlsplit(feed_href).query)
    assert (feed_query["event_type"], feed_query["region"]) == (["Battles", "Riots"], ["09", "120609"])
    feed = feedparser.parse(page.request.get(live_url + feed_href).body())
    assert sorted(entry.title for entry in feed.entries) == listed
    for kind in ("csv", "geojson", "gpkg", "kml"):
        href = page.locator(f"#download-{kind}").get_attribute("href")
        assert parse_qs(urlsplit(href).query)["bbox"] == [page.evaluate("window.vraemExplorer.bboxParam()")]
        response = page.request.get(live_url + href)
        assert response.status == 200, response.text()
        path = tmp_path / f"view.{kind}"
        path.write_bytes(response.body())
        if kind == "csv":
            found = {row["event_id_cnty"] for row in csv.DictReader(io.StringIO(response.text()))}
        elif kind == "geojson":  # the API's own features: the id is the incident's
            found = {f"VRAEM{feature['id']}" for feature in response.json()["features"]}
        else:
            found = set(gpd.read_file(path)["event_id_cnty"])
        assert found == ids, kind
    # Zooming in on the two Junín incidents (Huancavelica out of view) changes what is listed,
    # and the downloads with it.
    corners = [[i.location.y, i.location.x] for i in Incident.objects.filter(title__in=[MAZANGARO, VIZCATAN])]
    page.evaluate("(corners) => window.vraemExplorer.map.fitBounds(corners, {padding: [40, 40], animate: false})",
                  corners)
    expect(page.locator("#incident-list li")).to_have_count(2)
    href = page.locator("#download-csv").get_attribute("href")
    rows = list(csv.DictReader(io.StringIO(page.request.get(live_url + href).text())))
    assert sorted(row["title"] for row in rows) == listed_titles(page) == sorted([MAZANGARO, VIZCATAN])


def test_print_layout_shows_map_legend_filters_date_and_attribution(page, live_url, site_data):
    open_explorer(page, live_url + page_url("map", language="en") + SHARED_QUERY + "&period=custom&date_from=2018-06-01")
    page.emulate_media(media="print")
    for hidden in (".site-header", ".explorer-filters", ".explorer-list", ".leaflet-control-zoom",
                   ".leaflet-control-layers"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator("#print-header")).to_be_visible()
    assert page.locator("#print-filters").inner_text() == (
        "Dates: 2018-06-01 – … · Event types: Battles, Riots · "
        "Regions: Huancavelica, Vizcatán del Ene")
    assert re.fullmatch(r"Printed on \d{1,2} \w+ \d{4}",  # English dates day first (config/formats/en)
                        page.locator("#print-date").inner_text())
    expect(page.locator(".map-legend")).to_be_visible()
    assert "Travel advisories" in page.locator(".map-legend").inner_text()
    expect(page.locator("#print-attribution")).to_be_visible()
    assert "INEI" in page.locator("#print-attribution").inner_text()
    assert "INEI, via mapsPERU" in page.locator(".leaflet-control-attribution").inner_text()
    frame = page.locator(".map-frame").bounding_box()
    assert frame["width"] >= 1200 and frame["height"] >= 500  # the map fills the page's width
    # Leaflet was told of its new size: the whole frame is drawn, not the screen's share of it.
    expect(page.locator(".folium-map")).to_have_attribute("data-incidents-drawn", re.compile("."))
    assert page.evaluate("window.vraemExplorer.map.getSize().x") == round(frame["width"]) - 2  # borders
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "explorer-print.png", full_page=True)
    page.emulate_media(media="screen")
    expect(page.locator(".explorer-filters")).to_be_visible()
    expect(page.locator("#print-header")).to_be_hidden()


def test_the_map_downloads_as_a_png_made_in_the_browser(page, live_url, site_data, tmp_path):
    open_explorer(page, live_url + reverse("map") + SHARED_QUERY)
    with page.expect_download() as download:
        page.click("#png-button")
    path = tmp_path / "map.png"
    download.value.save_as(path)
    ARTIFACTS.mkdir(exist_ok=True)
    download.value.save_as(ARTIFACTS / "explorer-map.png")
    assert download.value.suggested_filename == "vraem-map.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # IHDR
    box = page.locator(".folium-map").bounding_box()
    assert (width, height) == (round(box["width"]), round(box["height"]))
    assert len(data) > 20_000  # the drawn map, not a blank image
    app_host = urlsplit(live_url).netloc
    assert page.watch.requested_hosts - {app_host, page.watch.tile_host} == set()  # no CDN
    assert page.watch.console_errors == []
