"""The client's address is decided in one place (security.client) from TRUSTED_PROXY_COUNT, and
the API throttles, the token login and the access log all use it (issue #12, finding 4)."""
import random

import pytest
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, SimpleRateThrottle
from rest_framework.views import APIView


ADVISORIES = "/api/v1/advisories/"


def random_address() -> str:
    return f"{random.randint(1, 223)}.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


# --- security.client.client_ip -------------------------------------------------------------

@pytest.mark.parametrize("proxies, remote, forwarded, expected", [
    # No trusted proxy: the header is the client's own text and is ignored.
    (0, "192.0.2.1", "203.0.113.9", "192.0.2.1"),
    (0, "192.0.2.1", None, "192.0.2.1"),
    # One proxy: the last entry is the address it saw; whatever the client put before is ignored.
    (1, "127.0.0.1", "203.0.113.9", "203.0.113.9"),
    (1, "127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),
    (1, "127.0.0.1", "6.6.6.6,203.0.113.9 ", "203.0.113.9"),
    (1, "127.0.0.1", None, "127.0.0.1"),  # did not come through the proxy
    (1, "127.0.0.1", "", "127.0.0.1"),
    (1, "127.0.0.1", "not-an-address", "127.0.0.1"),
    (1, "127.0.0.1", "203.0.113.9:4711", "203.0.113.9"),
    (1, "127.0.0.1", "[2001:DB8:0::1]:443", "2001:db8::1"),
    (1, "127.0.0.1", "2001:db8::1", "2001:db8::1"),
    (1, "127.0.0.1", "::ffff:203.0.113.9", "203.0.113.9"),
    # Two proxies: the second entry from the right.
    (2, "127.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
    (2, "127.0.0.1", "10.0.0.2", "127.0.0.1"),  # fewer entries than proxies
    (0, "garbage", None, None),
])
def test_client_ip(rf, settings, proxies, remote, forwarded, expected):
    from security.client import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    assert client_ip(rf.get("/", REMOTE_ADDR=remote, **headers)) == expected


def test_an_ipv6_client_is_throttled_by_its_64(rf):
    from security.client import throttle_ident

    assert throttle_ident(rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64"
    assert throttle_ident(rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")) == "2001:db8:1:2::/64"
    assert throttle_ident(rf.get("/", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"


@pytest.mark.parametrize("value, message", [
    ("-1", "TRUSTED_PROXY_COUNT must be at least 0, got -1"),
    ("one", "TRUSTED_PROXY_COUNT must be a whole number, got 'one'"),
])
def test_a_bad_trusted_proxy_count_stops_the_start(value, message):
    from tests.config.production import run_manage

    result = run_manage("check", DJANGO_DEBUG="1", DJANGO_SECRET_KEY="x" * 50, TRUSTED_PROXY_COUNT=value)
    assert result.returncode != 0
    assert message in result.stderr


# --- throttles -----------------------------------------------------------------------------

@pytest.fixture
def three_per_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "1000/minute"})


@pytest.mark.django_db
def test_random_forwarded_for_values_do_not_escape_the_limit_without_a_proxy(client, settings, three_per_minute):
    settings.TRUSTED_PROXY_COUNT = 0
    codes = [client.get(ADVISORIES, REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR=random_address()).status_code
             for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    # Another client (socket address) has its own count.
    assert client.get(ADVISORIES, REMOTE_ADDR="198.51.100.5").status_code == 200


@pytest.mark.django_db
def test_random_forwarded_for_values_do_not_escape_the_limit_behind_one_proxy(client, settings, three_per_minute):
    """The proxy appends the address it saw; the client may put anything before it."""
    settings.TRUSTED_PROXY_COUNT = 1
    codes = [client.get(ADVISORIES, REMOTE_ADDR="127.0.0.1",
                        HTTP_X_FORWARDED_FOR=f"{random_address()}, {random_address()}, 203.0.113.7").status_code
             for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    # Another client behind the same proxy is not the proxy's address: its own count.
    assert client.get(ADVISORIES, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def _drf_views():
    """Every DRF view class the URL resolver reaches, with its route."""
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                cls = getattr(pattern.callback, "cls", None)
                if cls is not None and issubclass(cls, APIView):
                    yield prefix + str(pattern.pattern), cls
    return list(walk(get_resolver().url_patterns))


def test_every_throttle_of_every_api_route_counts_clients_by_security_client():
    from security.throttling import SharedCounterThrottle

    views = _drf_views()
    assert len(views) >= 10
    for route, cls in views:
        for throttle in cls.throttle_classes:
            assert issubclass(throttle, SharedCounterThrottle), (route, throttle)
            assert throttle.get_ident is not BaseThrottle.get_ident, (route, throttle)
    # The token login is not left unthrottled (DRF's ObtainAuthToken has no throttles).
    (token_view,) = [cls for route, cls in views if route == "api/v1/token/"]
    assert token_view.throttle_classes and token_view.throttle_scope == "token"


@pytest.mark.django_db
def test_the_token_endpoint_is_throttled(client, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "token", "3/minute")
    # Different usernames each time, so the login lockout (per username) plays no part.
    codes = [client.post("/api/v1/token/", {"username": f"nobody{i}", "password": "x"},
                         REMOTE_ADDR="203.0.113.20", HTTP_X_FORWARDED_FOR=random_address()).status_code
             for i in range(5)]
    assert codes == [400, 400, 400, 429, 429]
    assert client.post("/api/v1/token/", {"username": "nobody", "password": "x"},
                       REMOTE_ADDR="203.0.113.21").status_code == 400


@pytest.mark.django_db
def test_throttle_counters_live_in_one_shared_table(client, three_per_minute):
    """One row per client and scope in security_rate_counter (UNLOGGED), the count and its
    window's end; an anonymous request counts once (the anonymous rate), never under the
    user rate as well."""
    from django.db import connection

    client.get(ADVISORIES, REMOTE_ADDR="198.51.100.9")
    client.get(ADVISORIES, REMOTE_ADDR="198.51.100.9")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, count, window_end - now() > interval '50 seconds' "
                       "FROM security_rate_counter WHERE key LIKE %s", ["%198.51.100.9"])
        assert cursor.fetchall() == [("throttle_anon_198.51.100.9", 2, True)]
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = 'security_rate_counter'")
        assert cursor.fetchone() == ("u",)


@pytest.mark.django_db
def test_an_anonymous_api_request_checks_one_counter_in_one_statement(client, three_per_minute):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(ADVISORIES, REMOTE_ADDR="198.51.100.10").status_code == 200
    throttle = [q["sql"] for q in captured.captured_queries if "security_rate_counter" in q["sql"]]
    assert len(throttle) == 1
    assert "throttle_anon_198.51.100.10" in throttle[0]


@pytest.mark.django_db
def test_a_signed_in_user_is_counted_under_the_user_rate_only(client, monkeypatch):
    from django.db import connection

    from tests.factories import member

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000/minute", "user": "2/minute"})
    user = member("editor")
    client.force_login(user)
    codes = [client.get(ADVISORIES, REMOTE_ADDR="198.51.100.11").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, count FROM security_rate_counter WHERE key LIKE 'throttle_%%' ORDER BY key")
        assert cursor.fetchall() == [(f"throttle_user_{user.pk}", 3)]


@pytest.mark.django_db
def test_the_window_ends_then_the_count_restarts_and_retry_after_says_when(rf, monkeypatch):
    """A fixed window per client, opened by its first request: refusals are not counted (the
    count stops at the rate + 1), Retry-After is the time left in the window, and once the
    window has ended the client starts a new one."""
    from django.contrib.auth.models import AnonymousUser

    from security.throttling import AnonRateThrottle as Throttle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    now = [1_800_000_000.0]
    monkeypatch.setattr(Throttle, "timer", lambda self: now[0])
    request = rf.get("/", REMOTE_ADDR="198.51.100.12")
    request.user = AnonymousUser()

    def check(at):
        now[0] = 1_800_000_000.0 + at
        throttle = Throttle()
        return throttle.allow_request(request, None), throttle

    answers = []
    for at in (0, 10, 20, 30):
        allowed, throttle = check(at)
        answers.append(allowed)
    assert answers == [True, True, False, False]
    assert throttle.wait() == 30.0  # the window opened at 0 ends at 60
    assert check(59.5)[0] is False
    assert check(60)[0] is True  # a new window: 60 to 120
    assert check(61)[0] is True
    allowed, throttle = check(62)
    assert allowed is False and throttle.wait() == 58.0


@pytest.mark.django_db
def test_ended_windows_are_pruned_by_the_same_statement(rf, monkeypatch):
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    import security.throttling as throttling

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "5/minute"})
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO security_rate_counter (key, window_end, count) VALUES "
                       "('throttle_anon_192.0.2.1', now() - interval '1 second', 5), "
                       "('throttle_anon_192.0.2.2', now() + interval '1 minute', 1)")
    request = rf.get("/", REMOTE_ADDR="198.51.100.13")
    request.user = AnonymousUser()
    monkeypatch.setattr(throttling._random, "randrange", lambda n: 1)  # not this time
    assert throttling.AnonRateThrottle().allow_request(request, None) is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM security_rate_counter")
        assert cursor.fetchone() == (3,)
    monkeypatch.setattr(throttling._random, "randrange", lambda n: 0)  # the one in PRUNE_ONE_IN
    assert throttling.AnonRateThrottle().allow_request(request, None) is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, count FROM security_rate_counter ORDER BY key")
        assert cursor.fetchall() == [("throttle_anon_192.0.2.2", 1), ("throttle_anon_198.51.100.13", 2)]


@pytest.mark.django_db
def test_two_workers_counting_one_client_at_the_same_moment_count_two_requests(rf, monkeypatch):
    """Two threads with their own database connections (like two gunicorn workers) check the
    same client at once, many times: every check is counted (the upsert takes the row's lock),
    so exactly the rate's requests are allowed."""
    import threading

    from django.contrib.auth.models import AnonymousUser
    from django.db import connections

    from security.throttling import AnonRateThrottle as Throttle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "25/minute"})
    address = random_address()
    answers = []
    start = threading.Barrier(4)

    def one_worker(job, times):
        try:
            request = rf.get("/", REMOTE_ADDR=address)
            request.user = AnonymousUser()
            start.wait()
            for _ in range(times):
                answers.append(job(request))
        finally:
            connections.close_all()

    def run(job, times):
        threads = [threading.Thread(target=one_worker, args=(job, times)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    run(lambda request: Throttle().allow_request(request, None), 20)
    assert sorted(answers) == [False] * 55 + [True] * 25

    # The threads committed their counter; remove it the same way (outside this test's transaction).
    def delete(request):
        with connections["default"].cursor() as cursor:
            cursor.execute("DELETE FROM security_rate_counter WHERE key = %s", [f"throttle_anon_{address}"])

    run(delete, 1)


@pytest.mark.django_db
def test_with_the_counters_unreachable_and_a_standby_each_worker_counts_alone(rf, settings, three_per_minute, monkeypatch):
    """The primary down (core/replicas.py): the counters' upsert fails, and with a standby
    configured the throttle counts in this worker's memory (DRF's own list) instead of failing
    the read; Retry-After comes from that list. Without a standby the error goes on (503 page).
    (tests/config/test_replica.py stops a real primary.)"""
    from django.contrib.auth.models import AnonymousUser
    from django.db import OperationalError

    import security.throttling as throttling

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(throttling, "count_request", down)
    request = rf.get("/", REMOTE_ADDR="198.51.100.14")
    request.user = AnonymousUser()
    settings.DATABASE_REPLICAS = ["replica"]
    throttles = [throttling.AnonRateThrottle() for _ in range(4)]
    assert [t.allow_request(request, None) for t in throttles] == [True, True, True, False]
    assert throttles[-1].primary_unreachable and 0 < throttles[-1].wait() <= 60
    settings.DATABASE_REPLICAS = []
    with pytest.raises(OperationalError):
        throttling.AnonRateThrottle().allow_request(request, None)


# --- access log ----------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("proxies, expected", [(0, "127.0.0.1"), (1, "203.0.113.30")])
def test_the_access_line_carries_the_client_address(client, settings, log_lines, proxies, expected):  # noqa: F811
    settings.TRUSTED_PROXY_COUNT = proxies
    client.get("/healthz", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.30")
    (access,) = [line for line in log_lines() if line["logger"] == "vraem.access"]
    assert access["client_ip"] == expected
