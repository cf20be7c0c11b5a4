"""A live server on the test database and Debian's Chromium driven by Playwright.

The server runs in a thread (Django's LiveServerThread, serving static files through the
finders) with its own database connection, so the data it shows is committed: `site_data`
writes it once and deletes it at the end. Browser tests carry the `browser` marker, which
tests/conftest.py uses to run them after every other test, so that data never leaks.
Wait with `expect(...)`, not `page.wait_for_function("...")`: string predicates need eval,
which the site's Content-Security-Policy refuses.
"""
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from incidents.models import Actor, Alert, Incident, Source
from tests.browser.common import XSS_TITLE
from tests.factories import make_incident
from tests.places import PICHARI
from tools.browser import chromium, live_server


@pytest.fixture(scope="session")
def live_url(django_db_setup):
    with live_server() as url:
        yield url




@pytest.fixture(scope="session")
def site_data(django_db_setup, django_db_blocker):
    """Committed data: the demo incidents, one hostile title, one draft (never shown).

    Returns the sorted titles of the published incidents.
    """
    with django_db_blocker.unblock():
        call_command("load_demo_incidents")
        make_incident(title=XSS_TITLE, location=PICHARI, occurred_on=date(2018, 6, 1))
        make_incident(title="Unpublished draft", status=Incident.Status.DRAFT)
        titles = sorted(Incident.objects.filter(status="published").values_list("title", flat=True))
    yield titles
    with django_db_blocker.unblock():
        Incident.objects.all().delete()
        for model in (Actor, Source, Alert):
            model.objects.all().delete()


@pytest.fixture(scope="session")
def browser(live_url, site_data):
    with chromium() as browser:
        yield browser


class PageWatch:
    """Records console errors, page errors and every host the page asked for."""

    def __init__(self, page, tile_host: str):
        self.console_errors: list[str] = []
        self.requested_hosts: set[str] = set()
        self.tile_host = tile_host
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        page.on("request", lambda request: self.requested_hosts.add(urlsplit(request.url).netloc))

    def _console(self, message):
        if message.type != "error":
            return
        # Basemap tiles cannot load offline (the tests block them); the map must work anyway.
        if self.tile_host and urlsplit(message.location.get("url", "")).netloc == self.tile_host:
            return
        self.console_errors.append(f"{message.text} at {message.location}")


@pytest.fixture
def page(browser, settings):
    tile_host = urlsplit(settings.MAP_TILES_URL).netloc
    # English pages unless a test asks otherwise (public pages: /en/…; the admin: Accept-Language).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    if tile_host:
        page.route(f"**://{tile_host}/**", lambda route: route.abort())
    page.watch = PageWatch(page, tile_host)
    yield page
    context.close()
