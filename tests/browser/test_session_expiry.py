"""An editor's session expires while an incident form is open: the edit is not lost."""
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from playwright.sync_api import expect

from incidents.models import Incident
from tests.places import LIMA
from tests.factories import make_incident

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

PASSWORD = "expiry-editor-password-9"
TITLE = "Protest in Lima (draft before the edit)"
EDITED = "Protest in Lima – edited while the session expired"


@pytest.fixture(scope="module")
def draft(django_db_blocker, site_data):
    """A committed draft (never on public pages) and a committed editor; removed afterwards."""
    with django_db_blocker.unblock():
        incident = make_incident(title=TITLE, location=LIMA, occurred_on=date(2019, 1, 15),
                                 status=Incident.Status.DRAFT)
        user = get_user_model().objects.create_superuser("expiry-editor", password=PASSWORD)
        try:
            yield incident
        finally:
            incident.delete()
            user.delete()


def committed_title(pk: int) -> str:
    """Read through a connection of its own: the test's is inside a rolled-back transaction."""
    connection = connections.create_connection("default")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT title FROM incidents_incident WHERE id = %s", [pk])
            return cursor.fetchone()[0]
    finally:
        connection.close()


def end_every_session():
    connection = connections.create_connection("default")
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_session")
    finally:
        connection.close()


def log_in(page):
    page.fill("#id_username", "expiry-editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_an_edit_posted_after_the_session_expired_is_offered_again_and_saved(page, live_url, draft):
    change = f"{live_url}/admin/incidents/incident/{draft.pk}/change/"
    page.goto(change)
    log_in(page)
    expect(page.locator("#id_title")).to_have_value(TITLE)

    end_every_session()  # e.g. the session timed out while the editor was typing
    page.fill("#id_title", EDITED)
    page.click("input[name=_save]")

    # The login page says the edit was kept; nothing was written yet.
    expect(page.locator(".messagelist")).to_contain_text("Your session had expired")
    assert "/admin/login/" in page.url
    assert committed_title(draft.pk) == TITLE

    log_in(page)
    expect(page.locator("#content h1")).to_have_text("Your unsaved changes")
    expect(page.locator("#unsaved-fields")).to_contain_text(EDITED)
    page.click("input[value='Save these changes']")

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert committed_title(draft.pk) == EDITED
    # Offered once: the form is the ordinary one again.
    page.goto(change)
    expect(page.locator("#id_title")).to_have_value(EDITED)
    assert page.watch.console_errors == []
