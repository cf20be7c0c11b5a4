"""Shared fixtures. The test database holds Peru's real boundaries and advisory zones.

They are loaded once, committed, when the test database is created; every `db` test runs in a
transaction rolled back at its end, so they stay. Avoid `transactional_db`/`live_server`: their
flush would empty these tables for later tests. Browser tests start their own server instead
and run last (tests/browser/conftest.py).
"""
import threading

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.contrib.gis.geos import Point

from regions.services.advisories import load_advisory_zones
from regions.services.boundaries import load_boundaries
from regions.services.gazetteer import load_places
from regions.services.indicators import load_indicators


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
def _fresh_throttle_counters(request):
    """API throttling counts requests in a database cache (settings.THROTTLE_CACHE); every test
    that may reach the database starts from zero. The default cache (tiles) is cleared always."""
    cache.clear()
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

    table = connection.ops.quote_name(caches[django_settings.THROTTLE_CACHE]._table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        if not cursor.fetchone()[0]:
            return

    def clear():
        from django.db import connections

        try:
            caches[django_settings.THROTTLE_CACHE].clear()
        finally:
            connections.close_all()  # this thread's connection only

    thread = threading.Thread(target=clear)
    thread.start()
    thread.join()


# Capitals from the INEI populated places (longitude, latitude).
PICHARI = Point(-73.8290288969999, -12.5195740239999, srid=4326)  # 080910, Cusco
SAN_MIGUEL_DEL_ENE = Point(-74.027089694, -12.186018616, srid=4326)  # 120609, Junín
LIMA = Point(-77.0282, -12.0432, srid=4326)  # Plaza Mayor, 150101
PACIFIC = Point(-80.0, -12.0, srid=4326)  # 300 km off the coast
