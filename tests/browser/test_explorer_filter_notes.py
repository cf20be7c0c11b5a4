"""#19 part 4 in the browser, at 1440×900 and 375×812: the explorer says what its filters leave
out (incidents with unknown fatalities), where the data is when nothing matches (newest and
oldest date, a link to every date), and a typed part of an actor's name finds its incidents.
site_data (tests/browser/conftest.py) publishes four incidents, 1–24 June 2018: Huancavelica
(4 killed), Vizcatán del Ene, Mazángaro and the hostile title (fatalities unknown); Shining Path
is an actor of the first three."""
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import page_url

from .common import ARTIFACTS

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
SIZES = {"desktop": (1440, 900), "phone": (375, 812)}
HUANCAVELICA = "Four police officers killed in ambush in Huancavelica"
SHINING_PATH = sorted([HUANCAVELICA, "Attack on the Mazángaro military base wounds six",
                       "Soldiers clash with Shining Path militants in Vizcatán del Ene"])


def open_explorer(page, live_url, query="", size="desktop", language="en"):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    page.goto(f"{live_url}{page_url('map', language=language)}{query}")
    expect(page.locator(".folium-map")).to_have_attribute(
        "data-incidents-drawn", "geojson")
    page.wait_for_load_state("networkidle")
    open_filters(page)


def open_filters(page):
    """The filters are folded under a summary on a phone (#19 part 3): unfold them."""
    if page.locator("#filters-panel").get_attribute("open") is None:
        page.locator("#filters-panel > summary").click()


def listed_titles(page):
    return sorted(page.locator("#incident-list .incident-link").all_inner_texts())


def query_of(page):
    return parse_qs(urlsplit(page.url).query)


def shot(page, name):
    page.locator("#incident-summary").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png")


@pytest.mark.parametrize("size", SIZES)
def test_the_fatalities_filter_says_how_many_unknown_counts_it_hides(page, live_url, site_data, size):
    open_explorer(page, live_url, "?min_fatalities=0", size)
    assert listed_titles(page) == [HUANCAVELICA]
    expect(page.locator("#filter-notes .left-out")).to_have_text("3 incidents with unknown fatalities not shown")
    assert page.locator("#filter-notes").is_visible()
    shot(page, f"ux-filters-left-out-{size}")
    # Without the filter the note goes.
    open_filters(page)
    page.fill("#f-fatalities", "")
    page.dispatch_event("#f-fatalities", "change")
    expect(page.locator("#incident-list li")).to_have_count(4)
    assert page.locator("#filter-notes").is_hidden()
    assert page.watch.console_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_an_empty_period_says_where_the_data_is_and_links_to_every_date(page, live_url, site_data, size):
    open_explorer(page, live_url, "?period=365&actor=Shining+Path", size)
    expect(page.locator("#incident-summary")).to_contain_text("0 incidents in view")
    note = page.locator("#filter-notes .extent")
    expect(note).to_have_text("Nothing in these dates. With these filters, the newest incident in view is from "
                              "24 June 2018 and the oldest from 7 June 2018. Show all dates")
    link = note.locator("a.all-dates")
    assert link.get_attribute("href") == page_url("map") + "?actor=Shining+Path"
    shot(page, f"ux-filters-empty-{size}")
    link.click()
    expect(page.locator("#incident-list li")).to_have_count(3)
    assert listed_titles(page) == SHINING_PATH
    assert query_of(page) == {"actor": ["Shining Path"]}
    assert page.locator("#f-period").input_value() == "all"
    assert page.locator("#filter-notes").is_hidden()
    # Back to the empty year: the note again.
    page.go_back()
    expect(note).to_contain_text("24 June 2018")
    assert page.watch.console_errors == []


def test_nothing_at_any_date_says_so(page, live_url, site_data):
    open_explorer(page, live_url, "?event_type=Protests")
    expect(page.locator("#filter-notes .extent")).to_have_text(
        "No incident in view matches these filters at any date: zoom out or change the filters.")
    assert page.locator("#filter-notes a").count() == 0


@pytest.mark.parametrize("size", SIZES)
def test_part_of_an_actor_name_without_case_finds_its_incidents(page, live_url, site_data, size):
    open_explorer(page, live_url, "", size)
    open_filters(page)
    page.fill("#f-actor-part", "SHINING")
    page.press("#f-actor-part", "Enter")
    expect(page.locator("#incident-list li")).to_have_count(3)
    assert listed_titles(page) == SHINING_PATH
    assert query_of(page) == {"actor": ["SHINING"]}
    shot(page, f"ux-filters-actor-{size}")
    # A shared link puts the typed part back into the box, not into the list of names.
    page.reload()
    expect(page.locator("#incident-list li")).to_have_count(3)
    assert page.locator("#f-actor-part").input_value() == "SHINING"
    assert page.locator("#f-actor option:checked").count() == 0
    # A chosen name and a typed part (an alias, accents and case aside) match either.
    open_filters(page)
    page.fill("#f-actor-part", "lumínoso, nobody")
    page.select_option("#f-actor", "Police Forces of Peru")
    expect(page.locator("#incident-list li")).to_have_count(3)
    assert query_of(page) == {"actor": ["Police Forces of Peru", "lumínoso", "nobody"]}


def test_the_notes_in_spanish(page, live_url, site_data):
    open_explorer(page, live_url, "?min_fatalities=0", language="es")
    expect(page.locator("#filter-notes .left-out")).to_have_text(
        "3 incidentes con número de muertos desconocido no se muestran")
    open_explorer(page, live_url, "?period=365", language="es")
    expect(page.locator("#filter-notes .extent")).to_have_text(
        "Nada en estas fechas. Con estos filtros, el incidente más reciente a la vista es del 24 de junio de "
        "2018 y el más antiguo del 1 de junio de 2018. Ver todas las fechas")
    assert page.locator("label[for=f-actor-part]").inner_text() == "O parte del nombre de un actor"
