"""The statistics (StatsView, the explorer's month chart) from the month counts
(incidents_month_count) equal the live statistics, for every filter the counts answer, every
reader and the department and province levels, before and after writes; other filters (and
districts) are counted live."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.api.views import live_stats
from incidents.models import Dataset, Incident
from incidents.month_counts import stats_from_counts
from incidents.selectors import filter_incidents
from regions.models import AdminArea
from tests.factories import make_incident, make_source, member
from tests.places import LIMA, PICHARI

# Whole months, partial months at either end, a range inside one month, open ranges, with
# event type and region; synthetic rows excluded (the default), only, or included.
FILTERS = [
    {},
    {"synthetic": "include"},
    {"synthetic": "only", "event_type": "Battles"},
    {"synthetic": "only", "date_from": date(2000, 1, 1), "date_to": date(2012, 12, 31)},
    {"synthetic": "only", "date_from": date(2000, 1, 15), "date_to": date(2012, 6, 20)},
    {"synthetic": "include", "date_from": date(2018, 6, 2), "date_to": date(2018, 6, 30)},
    {"synthetic": "only", "date_from": date(2010, 3, 3)},
    {"synthetic": "include", "date_to": date(2018, 6, 23)},
    {"synthetic": "include", "date_from": date(1995, 2, 28), "date_to": date(2020, 2, 29), "event_type": "Riots"},
    {"synthetic": "include", "region": "08"},
    {"synthetic": "include", "region": "0809", "date_from": date(2001, 5, 5)},
    {"synthetic": "include", "region": "080910"},
]


def _params(filters, level):
    params = {**filters, "level": level}
    if "region" in params:
        params["region"] = AdminArea.objects.get(ubigeo=params["region"])
    return params


def _assert_counts_equal_live():
    from incidents.selectors import hides_restricted, sees_unpublished, visible_incidents
    from django.contrib.auth.models import AnonymousUser

    counted = 0
    for reader in (AnonymousUser(), member("reviewer")):
        for filters in FILTERS:
            for level in ("department", "province", "district"):
                params = _params(filters, level)
                incidents = filter_incidents(visible_incidents(reader), params)
                ours = stats_from_counts(incidents, params, published_only=not sees_unpublished(reader),
                                         hide_restricted=hides_restricted(reader))
                if level == "district" or len(filters.get("region", "")) == 6:
                    assert ours is None  # the counts stop at provinces: live
                    continue
                assert ours == live_stats(incidents, level), (filters, level)
                counted += ours["total"]["incidents"]
    assert counted > 0


@pytest.fixture
def counted_incidents(incidents):
    from incidents.services.synthetic import generate_synthetic

    generate_synthetic(count=300, seed=14)
    # A restricted dataset's published row (hidden from anonymous readers), a draft, and a
    # row known only to its department, with casualties known and unknown.
    make_incident(title="ACLED row", location=PICHARI, dataset=Dataset.objects.get(pk="acled"), occurred_on=date(2018, 6, 5),
                  fatalities=3)
    make_incident(title="Draft", location=PICHARI, status="draft", occurred_on=date(2018, 6, 6), injuries=4)
    return incidents


def test_the_month_counts_give_the_live_statistics(counted_incidents):
    _assert_counts_equal_live()


def test_every_write_keeps_the_month_counts_equal_to_the_live_statistics(counted_incidents):
    """Edit (casualties, type, date, place), publish, archive, delete: after each, the counts
    equal the live statistics and a full rebuild."""
    from incidents.services.incidents import incident_delete, incident_transition, incident_update
    from incidents.services.tile_cells import refresh_tile_cells

    reviewer = member("reviewer")

    def check():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM incidents_month_count ORDER BY 1, 2, 3, 4, 5, 6, 7, 8")
            kept = cursor.fetchall()
            refresh_tile_cells()
            cursor.execute("SELECT * FROM incidents_month_count ORDER BY 1, 2, 3, 4, 5, 6, 7, 8")
            assert cursor.fetchall() == kept
        _assert_counts_equal_live()

    one = make_incident(title="Counted", location=PICHARI, status="draft", occurred_on=date(2018, 6, 24),
                        sources=[make_source()])  # users publish only incidents that name a source
    one = incident_transition(user=reviewer, incident=one, to="published")
    one = incident_update(user=reviewer, incident=one, fatalities=5, injuries=0)
    one = incident_update(user=reviewer, incident=one, event_type="Riots", sub_event_type="Violent demonstration",
                          occurred_on=date(2018, 7, 2))
    one = incident_update(user=reviewer, incident=one, location=LIMA)  # another department
    check()
    one = incident_transition(user=reviewer, incident=one, to="archived")
    draft = Incident.objects.get(title="Draft")
    incident_delete(user=reviewer, incident=draft)
    check()


def test_the_stats_api_reads_the_counts_when_it_can_and_counts_live_otherwise(api, counted_incidents):
    url = reverse("api:stats")
    incidents_table = '"incidents_incident"'
    # Whole months: nothing is read from the incidents table.
    with CaptureQueriesContext(connection) as queries:
        body = api.get(url, {"synthetic": "include", "date_from": "2000-01-01", "date_to": "2019-12-31",
                             "level": "province"}).json()
    assert not [q for q in queries.captured_queries if incidents_table in q["sql"]]
    params = _params({"synthetic": "include", "date_from": date(2000, 1, 1), "date_to": date(2019, 12, 31)},
                     "province")
    published = Incident.objects.filter(status="published").exclude(dataset__redistribution=False)
    assert body == live_stats(filter_incidents(published, params), "province")
    assert body["total"]["incidents"] == published.filter(occurred_on__range=(date(2000, 1, 1), date(2019, 12, 31))).count()
    # A text filter: the counts cannot answer; the live answer.
    assert stats_from_counts(Incident.objects.all(), {"q": "clash"}, published_only=True, hide_restricted=True) is None
    body = api.get(url, {"q": "clash"}).json()
    assert body == live_stats(filter_incidents(published, {"q": "clash"}), "department")


def test_the_count_probe_answers_more_than_from_the_cells_and_equals_the_live_count(api, counted_incidents):
    """page_size=0&count_max=N with a box and filters the cells know: when the cells wholly
    inside the box already hold more than N, no incident is read; the answer is the live one
    (count N, capped) for every reader; below N, or with another filter, it is counted live."""
    from incidents import tiles
    from incidents.selectors import hides_restricted, sees_unpublished, visible_incidents
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.gis.geos import Polygon

    url = reverse("api:incident-list")
    peru = "-81.5,-18.5,-68.5,0.5"
    box = Polygon.from_bbox((-81.5, -18.5, -68.5, 0.5))
    box.srid = 4326
    queries = [
        {"synthetic": "only"},
        {"synthetic": "include", "date_from": "1990-01-15", "date_to": "2025-11-20"},
        {"synthetic": "only", "event_type": "Battles"},
    ]
    for query in queries:
        params = {**query, "bbox": box, "count_max": 20, "page_size": 0}
        for key in ("date_from", "date_to"):
            if key in params:
                params[key] = date.fromisoformat(params[key])
        for reader in (AnonymousUser(), member("reviewer")):
            bound = tiles.count_at_least(params, published_only=not sees_unpublished(reader),
                                         hide_restricted=hides_restricted(reader))
            live = filter_incidents(visible_incidents(reader), params).count()
            assert 20 < bound <= live, query
        with CaptureQueriesContext(connection) as captured:
            body = api.get(url, {**query, "bbox": peru, "page_size": 0, "count_max": 20}).json()
        assert (body["count"], body["count_capped"]) == (20, True)
        assert not [q for q in captured.captured_queries if '"incidents_incident"' in q["sql"]], query
    # Above the bound: counted live, the exact number.
    live = filter_incidents(Incident.objects.filter(status="published").exclude(dataset__redistribution=False),
                            {"synthetic": "only", "bbox": box}).count()
    body = api.get(url, {"synthetic": "only", "bbox": peru, "page_size": 0, "count_max": 5000}).json()
    assert (body["count"], body["count_capped"]) == (live, False)
    # A filter the cells do not know: no bound.
    assert tiles.count_at_least({"bbox": box, "q": "clash"}, published_only=True, hide_restricted=True) is None
    # A box smaller than a cell holds no whole cell.
    small = Polygon.from_bbox((-73.83, -12.52, -73.82, -12.51))
    small.srid = 4326
    assert tiles.count_at_least({"bbox": small}, published_only=True, hide_restricted=True) == 0
