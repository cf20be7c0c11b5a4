"""Shared fixtures. The test database holds Peru's real boundaries and advisory zones.

They are loaded once, committed, when the test database is created; every `db` test runs in a
transaction rolled back at its end, so they stay. Avoid `transactional_db`/`live_server`: their
flush would empty these tables for later tests. Browser tests start their own server instead
and run last (tests/browser/conftest.py).
"""
import io
import json
import logging
import threading
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.cache import cache, caches
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from core.logs import JsonFormatter
from incidents.models import Actor, Incident
from regions.models import AdminArea

from regions.services.advisories import load_advisory_zones
from regions.services.boundaries import load_boundaries
from regions.services.gazetteer import load_places
from regions.services.indicators import load_indicators
from tests.factories import make_incident, user_with
from tests.places import LIMA, PICHARI, SAN_MIGUEL_DEL_ENE


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last (a stable sort keeps pytest-django's order otherwise)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    # pytest-django creates the test database only when a collected test asks for one.
    if not connection.settings_dict["NAME"].startswith("test_"):
        raise RuntimeError(
            f"refusing to load test data into {connection.settings_dict['NAME']!r}: "
            "mark the test with django_db"
        )
    with django_db_blocker.unblock():
        load_boundaries()
        load_advisory_zones()
        load_places()  # the gazetteer, for the geocoder and the bulletin parser
        load_indicators()


@pytest.fixture(autouse=True)
def _primary_only(request, settings):
    """Only tests marked `replica` read the standby (make test sets DATABASE_REPLICA_URL): a live
    server's anonymous page would otherwise read it, a few milliseconds behind what the test
    just committed. (Tests in a `db` transaction read the primary anyway: core/replicas.py.)"""
    if not request.node.get_closest_marker("replica"):
        settings.DATABASE_REPLICAS = []


@pytest.fixture(autouse=True)
def _fresh_throttle_counters(request):
    """API throttling counts requests in the table security_rate_counter (security/throttling.py);
    every test that may reach the database starts from zero. The default cache, the page cache,
    the API answer cache and the tile cache (web/page_cache.py, core/answer_cache.py,
    incidents/api/tiles.py: keyed by a data version that rolled-back tests reuse) are cleared
    always."""
    cache.clear()
    for alias in (django_settings.PAGE_CACHE, django_settings.API_CACHE, django_settings.TILE_CACHE):
        caches[alias].clear()
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames \
            or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
        _clear_committed_throttle_counters()


def _clear_committed_throttle_counters():
    """Counters committed by servers the tests start (live server, gunicorn) are deleted from
    another connection, committed at once: deleting them inside the test's transaction would
    lock those rows until the test ends, and the server updating one would wait for ever.
    Counters the test's own requests write are rolled back with the test."""
    from django.db import connection

    from security.throttling import TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE})")
        if not cursor.fetchone()[0]:
            return

    def clear():
        from django.db import connections

        try:
            with connections["default"].cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE}")
        finally:
            connections.close_all()  # this thread's connection only

    thread = threading.Thread(target=clear)
    thread.start()
    thread.join()


# A small, hand-placed set of incidents whose filter answers are known in advance (API,
# security and bad-input tests).
def kimbiri_pichari_border_vertex():
    """A vertex shared by Kimbiri (080907) and Pichari (080910)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_AsText(v.p)
            FROM (SELECT (ST_DumpPoints(geom)).geom AS p FROM regions_adminarea
                  WHERE ubigeo = '080907') v
            JOIN regions_adminarea pichari
              ON pichari.ubigeo = '080910' AND ST_Intersects(v.p, pichari.geom)
            ORDER BY ST_X(v.p), ST_Y(v.p) LIMIT 1
            """
        )
        return GEOSGeometry(cursor.fetchone()[0], srid=4326)


@pytest.fixture
def incidents(db):
    army = Actor.objects.create(name="Military Forces of Peru", kind=1, aliases=["Peruvian Army"])
    sl = Actor.objects.create(name="Shining Path", kind=2, aliases=["Sendero Luminoso"])
    protesters = Actor.objects.create(name="Protesters (Peru)", kind=6)
    huancavelica = AdminArea.objects.get(ubigeo="09")
    made = {
        "pichari": make_incident(
            title="Clash in Pichari", location=PICHARI, occurred_on=date(2018, 6, 1),
            fatalities=2, injuries=1, actors=[army, sl],
        ),
        "vizcatan": make_incident(
            title="Ambush near San Miguel del Ene", location=SAN_MIGUEL_DEL_ENE,
            occurred_on=date(2018, 6, 24), actors=[army, sl], description="Soldiers ambushed on the Ene river",
        ),
        "lima": make_incident(
            title="March in Lima", location=LIMA, occurred_on=date(2019, 1, 15),
            event_type="Protests", sub_event_type="Peaceful protest", fatalities=0, actors=[protesters],
        ),
        "border": make_incident(
            title="Patrol attacked on the Kimbiri-Pichari border", occurred_on=date(2018, 7, 2),
            location=kimbiri_pichari_border_vertex(), fatalities=1, actors=[sl],
        ),
        "huancavelica": make_incident(
            title="Police ambushed in Huancavelica", location=huancavelica.label_point,
            area_level="department", geo_precision=3, occurred_on=date(2018, 6, 7), fatalities=4,
        ),
        "draft": make_incident(
            title="Unreviewed report", location=PICHARI, occurred_on=date(2018, 6, 2),
            status=Incident.Status.DRAFT,
        ),
    }
    return {key: incident.pk for key, incident in made.items()}


# The API clients ask for English (LANGUAGE_CODE is Spanish): the API tests assert the English
# messages; tests/api/test_languages.py asks for both languages.
@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def editor_api():
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user_with("add_incident", "change_incident", "delete_incident", "view_incident"))
    return client


@pytest.fixture
def english():
    """English outside requests too (services, commands), for tests of the English messages."""
    with translation.override("en"):
        yield


@pytest.fixture
def log_lines():
    """What the configured console handler writes, as JSON lines (its real filter, our formatter)."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    stream, formatter = io.StringIO(), handler.formatter
    old_stream = handler.setStream(stream)
    handler.setFormatter(JsonFormatter())
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        handler.setStream(old_stream)
        handler.setFormatter(formatter)
