"""DRF throttles that count clients by `security.client` and share their counters between workers.

DRF's own throttles identify an anonymous client by the whole `X-Forwarded-For` header when
NUM_PROXIES is unset (a new header value per request = a new client) and keep their counters
in the default cache (per process with LocMem: N workers = N times the limit). These classes
- take the identity from `security.client.throttle_ident` (TRUSTED_PROXY_COUNT decides);
- keep the counters in the THROTTLE_CACHE cache (the database cache: one table all gunicorn
  workers share; `make` creates it with `createcachetable`);
- read and write a client's counter under a PostgreSQL advisory lock (one per client key): DRF reads the list of
  request times, appends, writes it back; without the lock two workers answering the same
  client at once would both read the same list and count two requests as one, so a client
  sending requests in parallel would get up to `workers` times the limit again.

Every view uses these (settings DEFAULT_THROTTLE_CLASSES; views naming their own throttles
import them from here); tests/security/test_client_address.py walks every route to check.
"""
import zlib

from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, connections, router, transaction
from rest_framework import throttling

from .client import throttle_ident

# First half of the two-integer advisory lock key: "throttle" locks never meet the app's others.
_ADVISORY_LOCK_CLASS = 0x7468  # "th"


class SharedCounterThrottle(throttling.SimpleRateThrottle):
    """get_ident from security.client; counters in the shared cache, updated under a lock.

    Listed after DRF's class in each subclass's bases, so that it sits between that class and
    SimpleRateThrottle: ScopedRateThrottle.allow_request first picks the view's scope and rate,
    then its super() call lands here."""

    # True once the shared counters' database did not answer during this check.
    primary_unreachable = False

    @property
    def cache(self):
        # While the primary is down, reads can go on from a standby (core.replicas): the
        # counters then live in this worker's memory (the limit holds per worker meanwhile).
        return caches["default" if self.primary_unreachable else settings.THROTTLE_CACHE]

    def get_ident(self, request):
        return throttle_ident(request)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        backend = self.cache
        if getattr(backend, "_table", None) is None:  # not the database cache: nothing to lock
            return super().allow_request(request, view)
        try:
            return self._allow_with_shared_counter(request, view, key, backend)
        except (OperationalError, InterfaceError):
            if not settings.DATABASE_REPLICAS:
                raise  # no standby to answer from: the 503 page, as for any request
            self.primary_unreachable = True
            return super().allow_request(request, view)

    def _allow_with_shared_counter(self, request, view, key, backend):
        alias = router.db_for_write(backend.cache_model_class)
        connection = connections[alias]
        lock = [_ADVISORY_LOCK_CLASS, zlib.crc32(key.encode()) - 2**31]  # collisions only wait
        outermost = not connection.in_atomic_block
        with connection.cursor() as cursor:
            # A session lock, released only after the counter is committed: the next worker
            # then reads the updated list. Never held past this check, even inside a transaction.
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", lock)
            try:
                with transaction.atomic(using=alias):
                    if outermost:  # a counter need not survive a crash: no wait for the WAL flush
                        cursor.execute("SET LOCAL synchronous_commit TO OFF")
                    return super().allow_request(request, view)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", lock)


class AnonRateThrottle(throttling.AnonRateThrottle, SharedCounterThrottle):
    pass


class UserRateThrottle(throttling.UserRateThrottle, SharedCounterThrottle):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, SharedCounterThrottle):
    pass


class WorkRateThrottle(SharedCounterThrottle):
    """A rate for one kind of costly work a view does on some requests only (building a tile
    that is not cached, streaming a whole download), counted apart from the view's request
    rate: per user when logged in, else per client (`throttle_ident`), in the shared counters.
    The view asks `check_work_rate` just before doing that work; cheap answers never count."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()  # reads THROTTLE_RATES[scope]: ImproperlyConfigured if missing

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = user.pk if user is not None and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def check_work_rate(request, view, scope: str) -> None:
    """Raise DRF's Throttled (429 with Retry-After) when this client has used up `scope`."""
    throttle = WorkRateThrottle(scope)
    if not throttle.allow_request(request, view):
        view.throttled(request, throttle.wait())
