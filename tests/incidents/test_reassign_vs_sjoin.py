"""The set-based assignment statement (and the INSERT ... SELECT that computes the areas as it
writes, services.areas.insert_with_areas) agrees with geopandas' sjoin on over 10,000 points in Peru.

Points: 23,000 drawn uniformly (seeded) over Peru's bounding box (10,386 fall inside Peru), plus
100 vertices shared by two districts. For a point on a shared border both sides "intersect";
the statement takes the lowest ubigeo, and so does the comparison. Where no district polygon
covers a point (slivers between the published districts) the statement falls back to the
province, then the department polygon; the comparison does the same.
"""
from time import perf_counter

import geopandas as gpd
import numpy as np
import pytest
from django.db import connection, transaction

from tools.bench.assign import area_frame, geopandas_assign
from incidents.services.areas import deferred_area_assignment, insert_with_areas, reassign_areas

pytestmark = pytest.mark.django_db
RANDOM_POINTS, BORDER_POINTS = 23_000, 100

INSERT = """
INSERT INTO incidents_incident (title, description, occurred_on, date_precision, event_type,
    sub_event_type, location, location_name, geo_precision, area_level, status, created_at,
    updated_at, external_source, external_id)
SELECT 'p' || n, '', DATE '2020-01-01', 1, 'Battles', 'Armed clash',
       ST_SetSRID(ST_MakePoint(x, y), 4326), '', 1, 'district', 'draft', now(), now(), 'test', n::text
  FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS t(x, y, n)
"""
SHARED_VERTICES = """
SELECT DISTINCT ST_X(v.p), ST_Y(v.p) FROM (
    SELECT (ST_DumpPoints(geom)).geom AS p FROM regions_adminarea
     WHERE level = 'district' AND ubigeo LIKE '05%%') v
  JOIN regions_adminarea o ON o.level = 'district' AND ST_Intersects(o.geom, v.p)
 GROUP BY v.p HAVING count(*) = 2 ORDER BY 1, 2 LIMIT %s
"""


def _points() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20180626)
    xs = rng.uniform(-81.4, -68.6, RANDOM_POINTS)
    ys = rng.uniform(-18.4, -0.0, RANDOM_POINTS)
    with connection.cursor() as cursor:
        cursor.execute(SHARED_VERTICES, [BORDER_POINTS])
        border = np.array(cursor.fetchall())
    return np.concatenate([xs, border[:, 0]]), np.concatenate([ys, border[:, 1]])


def test_statement_matches_sjoin_on_over_10000_points_in_peru():
    xs, ys = _points()
    assert len(xs) == RANDOM_POINTS + BORDER_POINTS
    with transaction.atomic(), deferred_area_assignment():
        with connection.cursor() as cursor:
            cursor.execute(INSERT, [list(xs), list(ys)])
        started = perf_counter()
        changed = reassign_areas()
        elapsed = perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.external_id::int, dep.ubigeo, prov.ubigeo, dist.ubigeo
              FROM incidents_incident i
              LEFT JOIN regions_adminarea dep ON dep.id = i.department_id
              LEFT JOIN regions_adminarea prov ON prov.id = i.province_id
              LEFT JOIN regions_adminarea dist ON dist.id = i.district_id
             WHERE i.external_source = 'test' ORDER BY 1""")
        database = [(d, p, s) for _, d, p, s in cursor.fetchall()]

    # The geopandas baseline of `make bench`: sjoin per level, the database's rule on borders.
    areas = {level: area_frame(level) for level in ("district", "province", "department")}
    expected = geopandas_assign(xs, ys, areas)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xs, ys), crs=4326)
    district_hits = gpd.sjoin(points, areas["district"], predicate="intersects").groupby(level=0).size()

    differences = [(i, database[i], expected[i]) for i in range(len(points)) if database[i] != expected[i]]
    assert differences == []
    inside = sum(1 for dep, _, _ in expected if dep)
    assert changed == inside  # every point inside Peru was assigned, by one statement
    assert int((district_hits >= 2).sum()) >= BORDER_POINTS  # the border cases were exercised
    assert 10_000 <= inside < len(points)
    assert reassign_areas() == 0  # a second run changes nothing
    print(f"{len(points)} points, {inside} in Peru, assigned in {elapsed:.2f} s")


SELECT_POINTS = """
SELECT 'p' || n, '', DATE '2020-01-01', 1, 'Battles', 'Armed clash',
       ST_SetSRID(ST_MakePoint(x, y), 4326), '', 1, 'district', 'draft', now(), now(), 'test', n::text
  FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS t(x, y, n)
"""
COLUMNS = ["title", "description", "occurred_on", "date_precision", "event_type", "sub_event_type",
           "location", "location_name", "geo_precision", "area_level", "status", "created_at",
           "updated_at", "external_source", "external_id"]


def test_insert_with_areas_matches_sjoin_and_writes_each_row_once():
    xs, ys = _points()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT n_tup_upd + n_tup_hot_upd FROM pg_stat_xact_user_tables"
                           " WHERE relname = 'incidents_incident'")
            updates_before = (cursor.fetchone() or [0])[0]
        inserted = insert_with_areas(SELECT_POINTS, [list(xs), list(ys)], columns=COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute("SELECT n_tup_upd + n_tup_hot_upd FROM pg_stat_xact_user_tables"
                           " WHERE relname = 'incidents_incident'")
            updates_after = (cursor.fetchone() or [0])[0]
            cursor.execute("""
                SELECT i.external_id::int, dep.ubigeo, prov.ubigeo, dist.ubigeo
                  FROM incidents_incident i
                  LEFT JOIN regions_adminarea dep ON dep.id = i.department_id
                  LEFT JOIN regions_adminarea prov ON prov.id = i.province_id
                  LEFT JOIN regions_adminarea dist ON dist.id = i.district_id
                 WHERE i.external_source = 'test' ORDER BY 1""")
            database = [(d, p, s) for _, d, p, s in cursor.fetchall()]
    assert inserted == len(xs) == len(database)
    assert updates_after == updates_before  # written once: no UPDATE of the new rows
    areas = {level: area_frame(level) for level in ("district", "province", "department")}
    expected = geopandas_assign(xs, ys, areas)
    assert [(i, database[i]) for i in range(len(xs)) if database[i] != expected[i]] == []
    assert 10_000 <= sum(1 for dep, _, _ in database if dep) < len(xs)
    assert reassign_areas() == 0  # the statement that re-assigns finds nothing to change
