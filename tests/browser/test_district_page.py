"""The district page for travellers in a real browser (#19 part 5), on a desktop and a phone."""
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from incidents.models import Incident
from tests.factories import make_incident, page_url
from tests.places import PICHARI

from .common import ARTIFACTS

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

SIZES = {1440: 900, 375: 812}


@pytest.fixture(scope="module")
def recent_near_pichari(site_data, django_db_blocker):
    """Two committed incidents near Pichari in the last months (the demo data is older)."""
    today = date.today()
    with django_db_blocker.unblock():
        made = [
            make_incident(title="Recent clash in Pichari", location=PICHARI,
                          occurred_on=today - relativedelta(months=1)),
            make_incident(title="Recent clash 32 km away", location=Point(-73.6, -12.8, srid=4326),
                          occurred_on=today - relativedelta(months=4)),
        ]
    yield made
    with django_db_blocker.unblock():
        Incident.objects.filter(pk__in=[i.pk for i in made]).delete()


@pytest.mark.parametrize("width", [1440, 375])
def test_district_page_shows_advice_first_then_what_happened_nearby(page, live_url, recent_near_pichari, width):
    page.set_viewport_size({"width": width, "height": SIZES[width]})
    page.goto(live_url + page_url("region", "080910"))
    advice = page.locator("#advice")
    expect(advice.locator(".advisory")).to_have_count(3)
    # The advice is the first thing after the name, on the first screen, on both sizes.
    advice_box = advice.bounding_box()
    assert advice_box["y"] < SIZES[width] - 100
    assert advice_box["y"] < page.locator("#nearby").bounding_box()["y"] < page.locator("#region-totals").bounding_box()["y"]
    assert advice.locator("strong").first.inner_text() == "U.S. Department of State — Level 4: Do Not Travel"
    expect(advice.get_by_role("link", name="Read the advice at U.S. Department of State")).to_have_attribute(
        "href", "https://travel.state.gov/content/travel/en/traveladvisories/traveladvisories/peru-travel-advisory.html")
    expect(page.locator(".nearby-map path.nearby-incident")).to_have_count(2)
    ARTIFACTS.mkdir(exist_ok=True)  # the top of the page: name, then the advice
    page.screenshot(path=ARTIFACTS / f"district-{width}.png")
    cells = page.locator("#nearby-counts td").all_inner_texts()
    assert cells == ["1", "1", "2", "2"]
    assert page.locator("#nearby-list li").all_inner_texts()[0].startswith("Recent clash in Pichari — ")
    # The small map draws both incidents; a click opens the popup with the distance.
    nearby_map = page.locator(".nearby-map .folium-map")
    expect(nearby_map.locator("path.nearby-incident")).to_have_count(2)
    nearby_map.scroll_into_view_if_needed()
    nearby_box = nearby_map.bounding_box()
    assert nearby_box["width"] > 250 and nearby_box["height"] == 280
    page.locator("#nearby").screenshot(path=ARTIFACTS / f"district-nearby-{width}.png")
    assert page.watch.console_errors == []


def test_header_search_finds_a_town_and_leads_to_its_district(page, live_url, recent_near_pichari):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_url + page_url("map"))
    search = page.locator(".region-search input")
    search.fill("san miguel del ene")
    search.press("Enter")
    first = page.locator("#place-results a").first
    expect(first).to_have_text("San Miguel del Ene")
    page.screenshot(path=ARTIFACTS / "district-search-375.png", full_page=True)
    first.click()
    expect(page.locator("h1")).to_contain_text("Vizcatán del Ene")
    assert page.url.endswith(page_url("region", "120609") + "#nearby")
    assert page.watch.console_errors == []
