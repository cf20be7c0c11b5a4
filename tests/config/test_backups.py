"""A backup restored into a scratch database holds the same rows and geometries."""
import subprocess

import psycopg
import pytest
from django.db import connection

from core.backups import BackupError, libpq_env, backup, restore

pytestmark = pytest.mark.django_db
SCRATCH = f"{connection.settings_dict['NAME']}_restore_check"

FINGERPRINT = """
SELECT (SELECT count(*) FROM regions_adminarea),
       (SELECT md5(string_agg(ubigeo || ST_AsEWKB(geom)::text, ',' ORDER BY ubigeo)) FROM regions_adminarea),
       (SELECT md5(string_agg(slug || ST_AsEWKB(geom)::text, ',' ORDER BY slug)) FROM regions_advisoryzone),
       (SELECT count(*) FROM regions_place),
       (SELECT count(*) FROM regions_districtindicators)
"""


def fingerprint(cursor):
    cursor.execute(FINGERPRINT)
    return cursor.fetchone()


@pytest.fixture
def scratch_database():
    env, _ = libpq_env()
    subprocess.run(["dropdb", "--if-exists", SCRATCH], env=env, check=True)
    yield SCRATCH
    subprocess.run(["dropdb", "--if-exists", SCRATCH], env=env, check=True)


def test_backup_and_restore_keep_every_row_and_geometry(tmp_path, scratch_database):
    path = str(tmp_path / "backup.dump")
    backup(path)  # the committed reference data of the test database
    restore(path, database=scratch_database)
    with connection.cursor() as cursor:
        original = fingerprint(cursor)
    params = {k: v for k, v in connection.get_connection_params().items()
              if k in {"host", "port", "user", "password"}}
    with psycopg.connect(dbname=scratch_database, **params) as restored:
        copy = fingerprint(restored.cursor())
    assert original[0] == 2112 and original[3] == 98908 and original[4] == 1889
    assert copy == original
    with pytest.raises(BackupError, match="already exists"):
        restore(path, database=scratch_database)  # never over an existing database
