"""Kill an import half-way (SIGKILL, no chance to clean up): no partial rows remain.

`manage.py import_incidents` runs as a separate process against the test database, so it only
sees committed data: the reference data committed when the test database was made, plus the
incidents this test commits (and deletes) itself. The whole import is one transaction
(services/importers/common.run_import); this test is the proof from the outside.
"""
import csv
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from incidents.models import Actor, Incident, Source
from tests.factories import database_url, make_incident
from tests.make_acled_csv import HEADER, rows

# Marked so that the test database exists; the rows the subprocess must see are committed by
# the module-scoped fixture below, outside each test's transaction.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "vraem-killed-import-test"
ROWS = 3000


def counts():
    return (Incident.objects.count(), Actor.objects.count(), Source.objects.count())


def import_backend():
    """(pid, has it written to the incidents table in its open transaction?) or None."""
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps serving the first snapshot of its statistics.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            """
            SELECT a.pid, EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid
                                  AND l.relation = 'incidents_incident'::regclass
                                  AND l.mode = 'RowExclusiveLock')
            FROM pg_stat_activity a WHERE a.application_name = %s
            """,
            [APP_NAME],
        )
        return cursor.fetchone()


@pytest.fixture(scope="module")
def committed_incidents(django_db_setup, django_db_blocker):
    """Two incidents committed for real (the subprocess must see them). Module-scoped, so it
    runs outside the test's rolled-back transaction; afterwards it removes every incident,
    actor and source that was not there before, including what the control import committed."""
    with django_db_blocker.unblock():
        kept = {model: set(model.objects.values_list("pk", flat=True)) for model in (Incident, Actor, Source)}
        made = [make_incident(title="Committed before the import", occurred_on=date(2018, 6, d))
                for d in (1, 2)]
        try:
            yield made
        finally:
            for model, pks in kept.items():
                model.objects.exclude(pk__in=pks).delete()


@pytest.fixture
def acled_file(tmp_path):
    path = tmp_path / "acled.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows(ROWS, Path(settings.PERU_DATA_SOURCE) / "populated_places.csv"))
    return path


def test_a_killed_import_leaves_no_partial_rows(committed_incidents, acled_file):
    env = {**os.environ, "DATABASE_URL": database_url(), "PGAPPNAME": APP_NAME}
    before = counts()
    assert before[0] == 2
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_incidents", str(acled_file), "--format", "acled"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            backend = import_backend()
            if backend and backend[1]:  # its transaction holds a write lock on incidents
                break
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        else:
            pytest.fail("the import never started writing")
        time.sleep(1.0)  # let it write a good number of rows
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL
        assert "created" not in out  # it never reached its summary line
        # PostgreSQL ends the orphaned backend and rolls its transaction back.
        deadline = time.monotonic() + 60
        while import_backend() is not None:
            assert time.monotonic() < deadline, "the killed import's connection is still open"
            time.sleep(0.1)
        assert counts() == before
        assert not Incident.objects.filter(external_source="acled").exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_same_import_left_alone_writes_every_row(committed_incidents, acled_file):
    """Control: the file is good, so the rows above were missing only because of the kill."""
    env = {**os.environ, "DATABASE_URL": database_url()}
    small = acled_file.with_name("small.csv")
    small.write_text("".join(acled_file.read_text(encoding="utf-8").splitlines(keepends=True)[:51]),
                     encoding="utf-8")
    before = counts()[0]
    result = subprocess.run(
        [sys.executable, "manage.py", "import_incidents", str(small), "--format", "acled"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "50 created" in result.stdout
    assert counts()[0] == before + 50  # committed: the module fixture removes them
