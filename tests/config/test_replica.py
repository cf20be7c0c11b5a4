"""Reads on a real hot standby (issue #18 target 7; core/replicas.py, `make replica`).

Two real PostgreSQL servers: the primary (DATABASE_URL's, holding the test database) and its
streaming standby (DATABASE_REPLICA_URL; `make test` starts it with `make replica`). The test
database replicates like any other, so the "replica" alias reads test_… on the standby.

These tests run in autocommit, as a server does, not in the rolled-back transaction of `db`
tests: a standby only sees committed rows, and reads inside a transaction on the primary stay
on the primary by design (every other test runs in one, so it never touches the standby).
What they commit they delete at the end. Two of them stop a server and start it again: the
standby (own cluster), and once the primary itself.
"""
import os
import pwd
import subprocess
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connections
from django.test import Client
from django.urls import reverse

from core.replicas import PIN_COOKIE
from incidents.models import Incident
from security.throttling import AnonRateThrottle
from incidents.services.incidents import incident_update
from tests.factories import make_source, member
from tests.places import SAN_MIGUEL_DEL_ENE

pytestmark = pytest.mark.replica

# The anonymous public load: pages, API lists, statistics, a vector tile (Pichari, z8).
ANONYMOUS_READS = [
    ("map", [], {}),
    ("region", ["0805"], {}),
    ("advisories", [], {}),
    ("api:incident-list", [], {"event_type": "Battles"}),
    ("api:region-list", [], {"level": "department"}),
    ("api:stats", [], {}),
    ("incident-tile", [8, 75, 136], {}),
]


def _server(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')::int, current_database()")
        return cursor.fetchone()


def _caught_up(timeout=30.0):
    """Wait until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (lsn,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while True:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
        assert time.monotonic() < deadline, f"the standby has not replayed {lsn} after {timeout} s"
        time.sleep(0.1)


@contextmanager
def queries_by_alias():
    """Every SQL statement run while inside, as (alias, sql), on the primary and the standby."""
    ran = []

    def recorder(alias):
        def record(execute, sql, params, many, context):
            ran.append((alias, sql))
            return execute(sql, params, many, context)
        return record

    with connections["default"].execute_wrapper(recorder("default")), \
            connections["replica"].execute_wrapper(recorder("replica")):
        yield ran


def _bookkeeping(sql):
    """The throttle counters (one upsert, security/throttling.py): primary only."""
    return "security_rate_counter" in sql


@contextmanager
def _cluster_stopped(alias):
    """Stop the server `alias` reads (fast: its sessions end), yield, start it again and wait
    until it answers (and, for the primary, until the standby streams from it again)."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT current_setting('port'), current_setting('data_directory'), "
                       "split_part(current_setting('unix_socket_directories'), ',', 1)")
        port, data_directory, socket_dir = cursor.fetchone()
    connections.close_all()
    listed = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout
    debian = [line.split()[:2] for line in listed.splitlines() if line.split()[2:3] == [port]]
    if debian:  # Debian's clusters, as root (config/setup/localdb.sh, replica.sh)
        version, name = debian[0]
        stop = ["pg_ctlcluster", version, name, "stop", "-m", "fast"]
        start = ["pg_ctlcluster", version, name, "start"]
    else:  # a private cluster (non-root: in $PGHOST), run as its data directory's owner
        version = max(os.listdir("/usr/lib/postgresql"), key=int)  # as config/setup/localdb.sh
        bindir = f"/usr/lib/postgresql/{version}/bin"
        owner = pwd.getpwuid(os.stat(data_directory).st_uid).pw_name
        as_owner = ["runuser", "-u", owner, "--"] if os.geteuid() == 0 else []
        stop = [*as_owner, f"{bindir}/pg_ctl", "-D", data_directory, "stop", "-m", "fast"]
        start = [*as_owner, f"{bindir}/pg_ctl", "-D", data_directory, "-w", "-l", f"{data_directory}.log",
                 "-o", f"-k {socket_dir} -p {port} -c listen_addresses=''", "start"]
    subprocess.run(stop, check=True, capture_output=True)
    try:
        yield
    finally:
        connections.close_all()
        subprocess.run(start, check=True, capture_output=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                _server(alias)
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
                    if cursor.fetchone()[0] >= 1:
                        break
            except Exception:
                connections.close_all()
            assert time.monotonic() < deadline, f"the server on port {port} did not come back"
            time.sleep(0.2)


def _need_standby():
    assert settings.DATABASE_REPLICAS == ["replica"], (
        "these tests need a standby: run `make test` (it runs `make replica`), or "
        "`make replica` and DATABASE_REPLICA_URL=postgis://:5433/<your database>"
    )


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    """Database access in autocommit for the module, the standby reading the test database;
    deletes what the tests committed."""
    _need_standby()
    with django_db_blocker.unblock():
        # What the test runner does for a TEST MIRROR alias it sets up: same name, own server.
        connections["replica"].creation.set_as_test_mirror(connections["default"].settings_dict)
        connections["replica"].close()
        users_before = set(get_user_model().objects.values_list("pk", flat=True))
        incidents_before = set(Incident.objects.values_list("pk", flat=True))
        _caught_up()
        yield
        connections.close_all()
        Incident.objects.exclude(pk__in=incidents_before).delete()
        Incident.history.exclude(id__in=incidents_before).delete()
        get_user_model().objects.exclude(pk__in=users_before).delete()
        Session.objects.all().delete()
        with connections["default"].cursor() as cursor:
            cursor.execute("DELETE FROM security_rate_counter")


def test_the_replica_alias_is_a_streaming_standby_of_the_test_database(standby):
    primary_port = _server("default")[1]
    assert _server("default") == (False, primary_port, connections["default"].settings_dict["NAME"])
    standby_port = int(connections["replica"].settings_dict["PORT"])  # 5433: make replica
    assert _server("replica") == (True, standby_port, connections["default"].settings_dict["NAME"])
    assert primary_port != standby_port
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT s.state, r.slot_name, r.active FROM pg_stat_replication s "
                       "JOIN pg_replication_slots r ON r.active_pid = s.pid")
        assert cursor.fetchall() == [("streaming", "vraem_replica", True)]


def test_anonymous_reads_land_on_the_replica(standby):
    client = Client()
    for name, args, query in ANONYMOUS_READS:
        with queries_by_alias() as ran:
            response = client.get(reverse(name, args=args), query)
        assert response.status_code == 200, (name, response.content[:300])
        on_replica = [sql for alias, sql in ran if alias == "replica"]
        on_primary = [sql for alias, sql in ran if alias == "default"]
        assert on_replica, name
        assert [sql for sql in on_primary if not _bookkeeping(sql)] == [], (name, on_primary)
        assert PIN_COOKIE not in response.cookies
    # The standby's own view of it: this test's connection to it, on the test database.
    pid = connections["replica"].connection.info.backend_pid
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_stat_activity WHERE pid = %s", [pid])
        assert cursor.fetchone() == (connections["default"].settings_dict["NAME"],)


def test_writes_and_the_writers_reads_go_to_the_primary_then_replicate(standby):
    reviewer = Client()
    reviewer_user = member("reviewer")
    reviewer.force_login(reviewer_user)
    url = reverse("api:incident-list")
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [SAN_MIGUEL_DEL_ENE.x, SAN_MIGUEL_DEL_ENE.y]},
        "properties": {"title": "Replica probe clash", "occurred_on": "2019-03-02", "event_type": "Battles",
                       "sub_event_type": "Armed clash", "actors": [], "status": "in_review"},
    }
    with queries_by_alias() as ran:
        created = reviewer.post(url, feature, content_type="application/json")
    assert created.status_code == 201, created.content
    assert {alias for alias, _ in ran} == {"default"}
    pk = created.json()["id"]
    assert created.cookies[PIN_COOKIE]["max-age"] == settings.REPLICA_PIN_SECONDS
    # Publishing needs a source (workflow.check_sourced), which the API does not take: the
    # reviewer links one and publishes through the service, on the primary as well.
    incident_update(user=reviewer_user, incident=Incident.objects.get(pk=pk),
                    status=Incident.Status.PUBLISHED, sources=[make_source()])

    # Read-your-writes: the logged-in reviewer reads the primary, right after the write.
    with queries_by_alias() as ran:
        detail = reviewer.get(reverse("incident", args=[pk]))
        listed = reviewer.get(url, {"q": "Replica probe"})
    assert detail.status_code == 200
    assert "Replica probe clash" in detail.content.decode()
    assert [f["id"] for f in listed.json()["features"]] == [pk]
    assert {alias for alias, _ in ran} == {"default"}

    # Logged out (a POST: the pin cookie), the same browser still reads the primary.
    assert reviewer.post(reverse("admin:logout")).status_code == 200
    assert PIN_COOKIE in reviewer.cookies
    with queries_by_alias() as ran:
        assert reviewer.get(reverse("incident", args=[pk])).status_code == 200
    assert {alias for alias, _ in ran} == {"default"}

    # A stranger reads the standby, which has the change once replayed.
    _caught_up()
    with queries_by_alias() as ran:
        stranger = Client().get(url, {"q": "Replica probe"})
    assert [f["id"] for f in stranger.json()["features"]] == [pk]
    assert [sql for alias, sql in ran if alias == "default" and not _bookkeeping(sql)] == []


def test_token_clients_read_the_primary(standby):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=member("editor"))
    with queries_by_alias() as ran:
        response = Client().get(reverse("api:incident-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert {alias for alias, _ in ran} == {"default"}


def test_a_standby_that_is_down_leaves_the_reads_to_the_primary(standby):
    with _cluster_stopped("replica"):
        with queries_by_alias() as ran:
            response = Client().get(reverse("api:incident-list"), {"event_type": "Battles"})
        assert response.status_code == 200
        assert {alias for alias, _ in ran} == {"default"}
    _caught_up()
    with queries_by_alias() as ran:
        assert Client().get(reverse("api:region-list")).status_code == 200
    assert "replica" in {alias for alias, _ in ran}


def test_with_the_primary_down_anonymous_reads_go_on_and_writes_are_a_503(standby, monkeypatch):
    reviewer = Client()
    reviewer.force_login(member("reviewer"))
    stranger = Client()
    with _cluster_stopped("default"):
        for name, args, query in ANONYMOUS_READS:
            response = stranger.get(reverse(name, args=args), query)
            assert response.status_code == 200, (name, response.content[:300])
        listed = stranger.get(reverse("api:region-list"), {"level": "department"})
        assert len(listed.json()["features"]) == 25
        write = reviewer.post(reverse("api:incident-list"), {}, content_type="application/json")
        assert write.status_code == 503
        assert write["Retry-After"] == "30"
        assert "Traceback" not in write.content.decode()
        assert Client().get(reverse("healthz")).status_code == 503
        # The throttles still count, in this worker's memory, while their table is unreachable.
        monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
        statuses = [stranger.get(reverse("api:region-list"), REMOTE_ADDR="192.0.2.77").status_code
                    for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
    # Back: writes work again without restarting anything.
    assert reviewer.get(reverse("api:incident-list")).status_code == 200


@pytest.mark.django_db
def test_inside_a_transaction_on_the_primary_reads_stay_on_the_primary(incidents):
    """Every other test runs in a transaction (the `db` fixture), as a service's read-check-write
    does: the standby, which cannot see uncommitted rows, is never read inside one."""
    _need_standby()
    with queries_by_alias() as ran:
        response = Client().get(reverse("api:incident-list"), {"event_type": "Battles"})
    assert response.status_code == 200
    assert len(response.json()["features"]) == 4  # the fixture's published battles, uncommitted
    assert {alias for alias, _ in ran} == {"default"}
