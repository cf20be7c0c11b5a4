"""DRF throttles that count clients by `security.client` and share their counters between workers.

DRF's own throttles identify an anonymous client by the whole `X-Forwarded-For` header when
NUM_PROXIES is unset (a new header value per request = a new client) and keep their counters
in the default cache (per process with LocMem: N workers = N times the limit). These classes
- take the identity from `security.client.throttle_ident` (TRUSTED_PROXY_COUNT decides);
- keep one counter per client and scope in the table `security_rate_counter` (UNLOGGED, on the
  primary: every gunicorn worker, on every machine, counts in it) and check a request with one
  statement (`count_request`): an upsert that starts a new window or adds one to the count,
  under the row's own lock, so two workers answering the same client at once count two requests;
- count anonymous clients once per request: the user rate applies to signed-in users and API
  tokens only (DRF's UserRateThrottle would count an anonymous client a second time).

The window is fixed per client: it opens at the client's first request and lasts the rate's
period (a minute for "120/minute"); within it at most `num_requests` are allowed, refusals are
not counted (the count stops at num_requests + 1), and Retry-After says when the window ends.
Unlike DRF's sliding list of request times, a client can fit up to twice the rate into one
period across two windows' boundary (e.g. 120 in the last second of one window, 120 in the
first of the next), the usual price of a counter over a list.

Every view uses these (settings DEFAULT_THROTTLE_CLASSES; views naming their own throttles
import them from here); tests/security/test_client_address.py walks every route to check.
"""
import random

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, router
from rest_framework import throttling

from .client import throttle_ident

TABLE = "security_rate_counter"
# Once in this many checks, on average, the same statement also deletes every ended window
# (set-based, by the window_end index): the table holds about one row per client and scope seen
# within the longest rate period, whatever the clients do.
PRUNE_ONE_IN = 1000
_random = random.Random()

_COUNT = f"""
WITH pruned AS (
    DELETE FROM {TABLE} WHERE %(prune)s AND window_end <= to_timestamp(%(now)s) AND key <> %(key)s
)
INSERT INTO {TABLE} AS c (key, window_end, count)
VALUES (%(key)s, to_timestamp(%(now)s) + make_interval(secs => %(seconds)s), 1)
ON CONFLICT (key) DO UPDATE SET
    window_end = CASE WHEN c.window_end <= to_timestamp(%(now)s) THEN EXCLUDED.window_end
                      ELSE c.window_end END,
    count = CASE WHEN c.window_end <= to_timestamp(%(now)s) THEN 1
                 ELSE least(c.count + 1, %(limit)s + 1) END
RETURNING count, extract(epoch FROM window_end)::float8
"""


def count_request(key: str, limit: int, seconds: float, now: float) -> tuple[int, float]:
    """Count one request of `key` at `now` (Unix time) in its window of `seconds`: (the count
    with this request, at most limit + 1; when the window ends, Unix time). One statement."""
    from .models import RateCounter

    connection = connections[router.db_for_write(RateCounter)]  # the primary (core.replicas)
    with connection.cursor() as cursor:
        cursor.execute(_COUNT, {"key": key, "limit": limit, "seconds": seconds, "now": now,
                                "prune": _random.randrange(PRUNE_ONE_IN) == 0})
        count, window_end = cursor.fetchone()
    return count, window_end


class SharedCounterThrottle(throttling.SimpleRateThrottle):
    """get_ident from security.client; counters in security_rate_counter (count_request).

    Listed after DRF's class in each subclass's bases, so that it sits between that class and
    SimpleRateThrottle: ScopedRateThrottle.allow_request first picks the view's scope and rate,
    then its super() call lands here."""

    # True once the counters' database did not answer during this check: while the primary is
    # down, reads can go on from a standby (core.replicas); the counters then live in this
    # worker's memory (DRF's own list in the default cache: the limit holds per worker meanwhile).
    primary_unreachable = False
    window_end = None

    def get_ident(self, request):
        return throttle_ident(request)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        try:
            count, self.window_end = count_request(self.key, self.num_requests, self.duration, self.now)
        except (OperationalError, InterfaceError):
            if not settings.DATABASE_REPLICAS:
                raise  # no standby to answer from: the 503 page, as for any request
            self.primary_unreachable = True
            return super().allow_request(request, view)
        return count <= self.num_requests

    def wait(self):
        """Seconds until the client's window ends (Retry-After)."""
        if self.window_end is None:
            return super().wait()
        return max(self.window_end - self.now, 0.0)


class AnonRateThrottle(throttling.AnonRateThrottle, SharedCounterThrottle):
    pass


class UserRateThrottle(throttling.UserRateThrottle, SharedCounterThrottle):
    """The user rate, for signed-in users and API tokens only. DRF's class also counts an
    anonymous client (by address, under the user rate) beside AnonRateThrottle: two counters
    for one client, of which the anonymous rate is the one meant to apply."""

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


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
