"""Two gunicorn workers share one throttle limit (issue #12, finding 4).

A real `gunicorn config.wsgi --workers 2` runs against the test database with a small
API_ANON_RATE, behind a pretend proxy (TRUSTED_PROXY_COUNT=1), so each test picks a fresh client
address in X-Forwarded-For. Requests go in parallel, so both workers answer (gunicorn's own
access log records each worker's pid) and so that two workers counting the same client at the
same moment is exercised too: exactly API_ANON_RATE requests succeed, the next is a 429.
"""
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import database_url

# For the test database (pytest-django makes it only for django_db tests). Each test uses a
# fresh client address; tests/conftest.py deletes committed counters between tests anyway.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, forwarded_for: str) -> int:
    request = urllib.request.Request(url, headers={"X-Forwarded-For": forwarded_for, "Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """(base URL, gunicorn access log, Django log) of a two-worker server on the test database."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM security_rate_counter")  # committed counters of earlier runs
    logs = tmp_path_factory.mktemp("gunicorn")
    access_log, app_log = logs / "access.log", logs / "app.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "API_", "TRUSTED_", "DATABASE_REPLICA_"))}
    env.update({
        "DATABASE_URL": database_url(),
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_FORMAT": "json",
        "API_ANON_RATE": f"{LIMIT}/minute",
        "TRUSTED_PROXY_COUNT": "1",
    })
    with open(app_log, "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--preload",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", str(access_log),
             "--access-logformat", "%(p)s %(s)s %({x-forwarded-for}i)s"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if get(f"{base}/healthz", "192.0.2.250") == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start: {app_log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield base, access_log, app_log
    finally:
        process.terminate()
        process.wait(timeout=30)


def worker_pids(access_log: Path, address: str) -> set[str]:
    lines = [line.split() for line in access_log.read_text().splitlines()]
    return {pid for pid, status, *forwarded in lines if forwarded and forwarded[-1] == address}


def test_two_workers_share_one_limit(server):
    base, access_log, app_log = server
    address = f"198.18.{random.randint(0, 255)}.{random.randint(1, 254)}"
    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(lambda _: get(f"{base}/api/v1/advisories/", address), range(LIMIT + 18)))
    assert sorted(codes) == [200] * LIMIT + [429] * 18
    time.sleep(0.5)  # gunicorn writes its access line after the response
    assert len(worker_pids(access_log, address)) == 2, "both workers must have answered"
    # The next one, whichever worker takes it, is refused too.
    assert get(f"{base}/api/v1/advisories/", address) == 429
    # The app's access line names the client as the proxy saw it.
    access = [json.loads(line) for line in app_log.read_text().splitlines()
              if line.startswith("{") and '"vraem.access"' in line]
    assert any(line["client_ip"] == address and line["status"] == 429 for line in access)


def test_a_new_forwarded_for_prefix_is_the_same_client(server):
    base, _, _ = server
    address = f"198.19.{random.randint(0, 255)}.{random.randint(1, 254)}"
    codes = [get(f"{base}/api/v1/advisories/", f"10.{i}.0.1, {address}") for i in range(LIMIT + 2)]
    assert codes == [200] * LIMIT + [429] * 2
    # Another client behind the same proxy has its own count.
    assert get(f"{base}/api/v1/advisories/", "198.19.255.255") == 200
