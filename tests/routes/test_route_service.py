"""The route check's corridor (incidents/services/routes.py): incidents within N km (geodesic)
in the last M days, published and of public datasets only; one statement per question, each
able to use its spatial index."""
import re
from datetime import date, timedelta

import pytest
from django.contrib.gis.geos import LineString, Point
from django.db import connection
from pyproj import Geod

from incidents.models import Incident
from incidents.services.routes import (
    districts_crossed,
    incidents_near,
    route_check,
    zones_crossed,
)

pytestmark = pytest.mark.django_db

HUANTA, PICHARI = (-74.248056, -12.939444), (-73.829167, -12.519444)
GEOD = Geod(ellps="WGS84")
TODAY = date.today()


def _beside_midpoint(km: float) -> Point:
    """A point `km` (geodesic) from the middle of Huanta–Pichari, at right angles to it."""
    forward, _back, length = GEOD.inv(*HUANTA, *PICHARI)
    lon, lat, _ = GEOD.fwd(*HUANTA, forward, length / 2)
    heading = GEOD.inv(lon, lat, *PICHARI)[0]
    x, y, _ = GEOD.fwd(lon, lat, heading + 90, km * 1000)
    return Point(x, y, srid=4326)


@pytest.fixture
def corridor(db):
    from tests.factories import make_incident

    def make(title, km, days_ago, **fields):
        return make_incident(title=title, location=_beside_midpoint(km),
                             occurred_on=TODAY - timedelta(days=days_ago), **fields).pk

    return {
        "near": make("9 km away, 10 days ago", 9, 10),
        "far": make("11 km away", 11, 10),
        "old": make("9 km away, 400 days ago", 9, 400),
        "draft": make("A draft beside the road", 1, 5, status=Incident.Status.DRAFT),
        "acled": make("An ACLED row beside the road", 2, 5, dataset="acled"),
        "close": make("2 km away, yesterday", 2, 1),
    }


def test_incidents_within_km_in_the_last_days_published_and_public_only(corridor):
    check = route_check(points=[HUANTA, PICHARI], km=10, days=365)
    assert [row["id"] for row in check.incidents] in (
        [corridor["near"], corridor["close"]], [corridor["close"], corridor["near"]])
    assert check.incidents_count == 2
    distances = {row["id"]: round(row["distance_km"], 1) for row in check.incidents}
    assert distances == {corridor["near"]: 9.0, corridor["close"]: 2.0}
    along = {row["id"]: round(row["along_km"]) for row in check.incidents}
    assert along == {corridor["near"]: 33, corridor["close"]: 33}  # beside the middle of 65 km
    wider = route_check(points=[HUANTA, PICHARI], km=12, days=500)
    assert {row["id"] for row in wider.incidents} == {corridor[k] for k in ("near", "far", "old", "close")}


def test_the_listed_incidents_are_capped_but_counted(corridor, settings):
    settings.ROUTE_MAX_INCIDENTS = 1
    check = route_check(points=[HUANTA, PICHARI], km=10, days=365)
    assert (len(check.incidents), check.incidents_count, check.incidents_capped) == (1, 2, True)


def test_one_statement_per_question(corridor, django_assert_num_queries):
    with django_assert_num_queries(3):  # zones, districts, incidents
        route_check(points=[HUANTA, PICHARI], km=10, days=365)


def test_a_route_outside_peru_crosses_nothing():
    check = route_check(points=[(-80.0, -12.0), (-80.5, -12.5)], km=50, days=3650)
    assert (check.zones, check.districts, check.incidents, round(check.length_km, 2)) == ([], [], [], 77.58)


def test_the_length_is_geodesic_as_postgis_measures_it():
    check = route_check(points=[HUANTA, PICHARI], km=1, days=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Length(ST_GeomFromEWKT(%s)::geography) / 1000", [check.line.ewkt])
        postgis_km = cursor.fetchone()[0]
    assert round(check.length_km, 2) == round(postgis_km, 2) == 65.03


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plan


def test_each_corridor_query_can_use_its_spatial_index(corridor):
    """With sequential scans priced out, each statement reads its table through the GiST index
    of its geometry column (the test tables are too small for the planner to prefer it
    otherwise): the predicates are index-compatible. Incidents: `location && <box widened by
    km>` is the indexed condition; the geodesic ST_DWithin on geography then decides."""
    line = LineString([HUANTA, PICHARI], srid=4326)
    zones = _plan(zones_crossed(line, on=TODAY))
    districts = _plan(districts_crossed(line))
    # On a handful of rows the planner may as well take the date or status index: the other
    # plain indexes of the table are dropped for this plan only (DDL is transactional; the
    # test's rollback brings them back), so only the location's GiST index can serve.
    with connection.cursor() as cursor:
        cursor.execute("SELECT i.indexname FROM pg_indexes i LEFT JOIN pg_constraint c "
                       "ON c.conname = i.indexname WHERE i.tablename = 'incidents_incident' "
                       "AND i.indexdef NOT LIKE %s AND c.conname IS NULL", ["%USING gist%"])
        names = [name for (name,) in cursor.fetchall()]
        assert names
        for name in names:
            cursor.execute(f'DROP INDEX "{name}"')
    incidents = _plan(incidents_near(line, km=10, since=TODAY - timedelta(days=365), on=TODAY, limit=500))
    assert re.search(r"(Index Scan using|Bitmap Index Scan on) regions_advisoryzone_geom_\w+_id", zones), zones
    assert re.search(r"(Index Scan using|Bitmap Index Scan on) regions_adminarea_geom_\w+_id", districts), districts
    assert re.search(r"(Index Scan using|Bitmap Index Scan on) incidents_incident_location_\w+_id", incidents), incidents
    for plan in (zones, districts, incidents):
        assert re.search(r"Index Cond: \((geom|location) && ", plan), plan
