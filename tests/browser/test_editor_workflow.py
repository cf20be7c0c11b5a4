"""An editor places and submits an incident in the admin; a reviewer publishes it; the public
map shows it. The screenshots of each step are the README's "For editors" pictures."""
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from incidents.models import Incident
from regions.models import AdvisoryZone
from regions.selectors import advisories_at
from tests.factories import PASSWORD, member, page_url

from .common import ARTIFACTS

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
TITLE = "Patrol ambushed near Natividad"


@pytest.fixture(scope="module")
def editorial_users(django_db_setup, django_db_blocker, site_data):
    """An editor and a reviewer, committed so that the live server sees them."""
    with django_db_blocker.unblock():
        users = [member("editor"), member("reviewer")]
    yield [u.username for u in users]
    with django_db_blocker.unblock():
        Incident.objects.filter(title=TITLE).delete()
        AdvisoryZone.objects.filter(name="Browser-built zone").delete()
        get_user_model().objects.filter(pk__in=[u.pk for u in users]).delete()


def log_in(page, live_url, username, next_path):
    page.goto(f"{live_url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def shot(page, name, full_page=False):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"editors-{name}.png", full_page=full_page)


def test_editor_places_and_submits_then_reviewer_publishes(browser, live_url, editorial_users):
    editor, reviewer = editorial_users
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. The editor fills the form and finds the place in the gazetteer.
    log_in(page, live_url, editor, "/admin/incidents/incident/add/")
    page.fill("#id_title", TITLE)
    page.fill("#id_description", "Two soldiers wounded by Shining Path remnants (test report).")
    page.fill("#id_occurred_on", "2018-07-01")
    page.select_option("#id_event_type", "Battles")
    page.select_option("#id_sub_event_type", "Armed clash")
    page.fill(".place-search-input", "Natividad, Pichari")
    page.press(".place-search-input", "Enter")  # searches; does not submit the form
    first = page.locator(".place-search-candidate").first
    expect(first).to_contain_text("Natividad")
    page.locator(".place-search").scroll_into_view_if_needed()
    shot(page, "1-search")

    # 2. A click places the point and shows the advisory in force there.
    first.click()
    expect(page.locator(".place-search-chosen")).to_contain_text("Placed at Natividad")
    expect(page.locator(".place-search-chosen")).to_contain_text("U.S. Department of State — Level 4: Do Not Travel")
    assert '"Point"' in page.input_value("#id_location")
    assert page.locator("#id_status option").all_inner_texts() == ["Draft", "In review"]
    # Publishing needs a source (#19 part 8): the editor names the bulletin it comes from.
    page.click("#id_sources + .select2 .select2-selection")
    page.keyboard.type("Security bulletin")
    source = page.locator(".select2-results__option", has_text="Security bulletin").first
    expect(source).to_be_visible()
    source.click()
    page.select_option("#id_status", "in_review")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    shot(page, "2-placed", full_page=True)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    incident = Incident.objects.get(title=TITLE)
    assert incident.status == Incident.Status.IN_REVIEW
    assert incident.district is not None and incident.department.ubigeo in ("08", "12")
    assert advisories_at(incident.location, on=incident.occurred_on).filter(severity=4).exists()
    assert incident.sources.count() == 1
    assert incident.history.order_by("-history_id").first().history_user.username == editor
    context.close()

    # 3. The reviewer publishes it from the review queue.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_url, reviewer, "/admin/incidents/reviewitem/")
    row = page.locator("#result_list tr", has_text=TITLE)
    expect(row).to_contain_text("In review")
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "publish")
    shot(page, "3-review-queue")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("Published: 1 incident(s).")
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.PUBLISHED

    # 4. Anyone sees it on the public map.
    public = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
    public.goto(f"{live_url}{page_url('map')}?q=Natividad&date_from=2018-07-01&date_to=2018-07-01")
    expect(public.locator("#incident-list")).to_contain_text(TITLE)
    public.wait_for_load_state("networkidle")
    public.screenshot(path=ARTIFACTS / "editors-4-public-map.png")
    assert errors == []
    context.close()
    public.context.close()


def test_history_page_shows_the_change_diff(browser, live_url, editorial_users):
    editor, reviewer = editorial_users
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
    incident = Incident.objects.filter(title=TITLE).first()
    assert incident is not None, "runs after the workflow test, on its incident"
    log_in(page, live_url, reviewer, f"/admin/incidents/incident/{incident.pk}/history/")
    table = page.locator("#change-history")
    expect(table).to_contain_text("Published")
    expect(table).to_contain_text(re.compile(r"[Ss]tatus"))
    shot(page, "5-history")
    page.context.close()


def test_reviewer_previews_and_saves_a_zone_built_from_districts(browser, live_url,
                                                                  editorial_users):
    editor, reviewer = editorial_users
    page = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-US").new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_url, reviewer, "/admin/regions/advisoryzone/add/")
    page.fill("#id_name", "Browser-built zone")
    page.select_option("#id_severity", "3")
    page.fill("#id_issuer", "Test ministry")
    page.fill("#id_issuer_level", "Avoid non-essential travel")
    page.fill("#id_valid_from", "2024-01-01")
    for name in ("Vizcatán del Ene", "Pichari"):
        page.click("#id_areas + .select2 .select2-selection")
        page.keyboard.type(name[:7])
        option = page.locator(".select2-results__option", has_text=name).first
        expect(option).to_be_visible()
        option.click()
    page.fill("#id_buffer_km", "3")
    page.click(".zone-preview-button")
    expect(page.locator(".zone-preview-result")).to_contain_text("Preview (not saved): 2 area(s)")
    expect(page.locator("#id_geom-map path.leaflet-interactive, #id_geom_map path.leaflet-interactive")
           ).not_to_have_count(0)
    assert not AdvisoryZone.objects.filter(name="Browser-built zone").exists()
    shot(page, "6-zone-preview", full_page=True)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    zone = AdvisoryZone.objects.get(name="Browser-built zone")
    assert zone.buffer_km == 3 and zone.areas.count() == 2
    assert errors == []
    page.context.close()
