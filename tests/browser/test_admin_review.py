"""#19 part 8 in the browser, at 1440×900: the review queue fits the window, the reviewer
publishes from the incident's page, sub-event types follow the event type, "near" sets the
precision, and the incident form's map shows boundary outlines when the tiles are unreachable.
Screenshots: test-artifacts/admin-*.png."""
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from incidents.models import Incident, Source
from tests.factories import PASSWORD, make_incident, member
from tests.places import PICHARI

from .common import ARTIFACTS

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
TITLE = "Queue probe: patrol attacked near Natividad"
LOCAL = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")  # everything but the live server


@pytest.fixture(scope="module")
def queue(django_db_setup, django_db_blocker, site_data):
    """A reviewer, an editor and one sourced incident in review with long geocoder notes."""
    with django_db_blocker.unblock():
        users = [member("reviewer"), member("editor")]
        source = Source.objects.create(name="Queue probe source", url="https://example.org/probe")
        alternatives = [{"name": f"Natividad {n}", "kind": "populated_place", "ubigeo": "080910",
                         "reason": "same name, 12 km from the district's capital, listed under "
                                   "another district of the province"} for n in range(3)]
        incident = make_incident(title=TITLE, status=Incident.Status.IN_REVIEW, location=PICHARI,
                                 occurred_on=date(2018, 7, 2), sources=[source],
                                 location_name="Natividad, Pichari, La Convención, Cusco",
                                 geocoder_alternatives=alternatives)
    yield {"reviewer": users[0].username, "editor": users[1].username, "incident": incident.pk}
    with django_db_blocker.unblock():
        Incident.objects.filter(title=TITLE).delete()
        source.delete()
        get_user_model().objects.filter(pk__in=[u.pk for u in users]).delete()


def log_in(page, live_url, username, next_path):
    page.goto(f"{live_url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_the_queue_fits_1440_and_the_reviewer_publishes_from_the_incident_page(
        browser, live_url, queue):
    page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US").new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_url, queue["reviewer"], "/admin/incidents/reviewitem/")
    expect(page.locator("#result_list tr", has_text=TITLE)).to_contain_text("In review")
    expect(page.locator(".paginator")).to_contain_text(re.compile(r"^\s*\d+ incidents?\s*$"))
    widths = page.evaluate("[document.documentElement.scrollWidth, "
                           "document.querySelector('#result_list').getBoundingClientRect().right, "
                           "document.querySelector('#changelist-filter').getBoundingClientRect().left]")
    assert widths[0] <= 1440 and widths[1] <= widths[2], widths  # no sideways scroll, table beside the filters
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "admin-review-queue-1440.png")

    page.locator("#result_list a", has_text=TITLE).click()
    buttons = page.locator(".object-tools .review-button button")
    expect(buttons).to_have_text(["Publish", "Send back to draft"])
    page.screenshot(path=ARTIFACTS / "admin-incident-review-buttons.png")
    buttons.first.click()
    expect(page.locator(".messagelist")).to_contain_text("Published: 1 incident(s).")
    assert Incident.objects.get(pk=queue["incident"]).status == Incident.Status.PUBLISHED
    expect(page.locator(".object-tools .review-button")).to_have_count(0)  # nothing left to do
    assert errors == []
    page.context.close()


def test_the_form_narrows_sub_events_reads_near_and_draws_outlines_without_tiles(
        browser, live_url, queue):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    context.route(LOCAL, lambda route: route.abort())  # the tile server is unreachable
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_url, queue["editor"], "/admin/incidents/incident/add/")

    def shown_groups():
        return [g.get_attribute("label") for g in page.locator("#id_sub_event_type optgroup").all()
                if not g.evaluate("g => g.hidden")]

    page.select_option("#id_event_type", "Protests")
    assert shown_groups() == ["Protests"]
    page.select_option("#id_sub_event_type", "Peaceful protest")
    page.select_option("#id_event_type", "Battles")
    assert shown_groups() == ["Battles"]
    assert page.input_value("#id_sub_event_type") == ""  # the protest no longer fits
    page.select_option("#id_sub_event_type", "Armed clash")

    # The outlines come from this server, so the map is a map without its tiles.
    expect(page.locator("body")).to_have_attribute("data-outlines-department", "25")
    expect(page.locator("body")).to_have_attribute("data-outlines-province", "196")
    assert page.locator(".leaflet-outlines-pane path").count() == 25 + 196
    assert page.locator(".leaflet-tile-loaded").count() == 0

    page.fill(".place-search-input", "near Natividad, Pichari")
    page.press(".place-search-input", "Enter")
    first = page.locator(".place-search-candidate").first
    expect(first).to_contain_text("Near a town, or a small part of a region")
    first.click()
    assert page.input_value("#id_geo_precision") == "2"
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    page.locator(".place-search").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "admin-incident-form-outlines.png")
    assert errors == []
    context.close()


def test_a_submitted_incident_reads_as_coordinates_and_place(browser, live_url, queue):
    page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="es-PE").new_page()
    log_in(page, live_url, queue["editor"], f"/admin/incidents/incident/{queue['incident']}/change/")
    row = page.locator(".field-location_shown .readonly")
    expect(row).to_contain_text("latitud -12,51957; longitud -73,82903")
    expect(row).to_contain_text("Natividad, Pichari, La Convención, Cusco – Pichari, La Convención, Cusco")
    assert "SRID=" not in page.content()
    page.screenshot(path=ARTIFACTS / "admin-read-only-location.png")
    page.context.close()
