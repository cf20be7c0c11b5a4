"""generate_synthetic: deterministic, flagged, kept out of public reads unless asked, removable."""
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from incidents.models import Incident
from incidents.services.synthetic import delete_synthetic, generate_synthetic
from incidents.taxonomy import EVENT_TYPES
from regions.models import AdvisoryZone
from tests.factories import make_incident

pytestmark = pytest.mark.django_db
COUNT = 400


def snapshot():
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.external_id, i.title, i.occurred_on, i.date_precision, i.event_type,
                   i.sub_event_type, ST_AsText(i.location), i.geo_precision, i.location_uncertainty_km,
                   i.fatalities, i.injuries, d.ubigeo
              FROM incidents_incident i LEFT JOIN regions_adminarea d ON d.id = i.district_id
             WHERE i.is_synthetic ORDER BY i.external_id""")
        return cursor.fetchall()


def test_same_seed_gives_the_same_rows_and_another_seed_others():
    assert generate_synthetic(count=COUNT, seed=7).created == COUNT
    first = snapshot()
    assert generate_synthetic(count=COUNT, seed=7).created == 0  # already there: nothing added
    assert delete_synthetic() == COUNT
    generate_synthetic(count=COUNT, seed=7)
    assert snapshot() == first
    delete_synthetic()
    generate_synthetic(count=COUNT, seed=8)
    other = snapshot()
    assert len(other) == COUNT and [row[1:] for row in other] != [row[1:] for row in first]


def test_rows_are_flagged_published_varied_and_concentrated_in_the_vraem():
    result = generate_synthetic(count=COUNT, seed=3)
    assert result.created == result.assigned == COUNT
    rows = Incident.objects.filter(is_synthetic=True)
    assert rows.count() == COUNT
    assert set(rows.values_list("status", flat=True)) == {"published"}
    assert not rows.filter(department__isnull=True).exists()  # areas assigned by the database
    for event_type, sub_event_type in rows.values_list("event_type", "sub_event_type").distinct():
        assert sub_event_type in EVENT_TYPES[event_type]
    assert len(set(rows.values_list("event_type", flat=True))) == len(EVENT_TYPES)
    assert set(rows.values_list("geo_precision", flat=True)) == {1, 2, 3}
    first, last = min(rows.values_list("occurred_on", flat=True)), max(rows.values_list("occurred_on", flat=True))
    assert date(1980, 5, 17) <= first < date(1990, 1, 1) and date(2015, 1, 1) < last <= date(2025, 12, 31)
    vraem = AdvisoryZone.objects.get(slug="vraem").areas.values("id")
    in_vraem = rows.filter(district__in=vraem).count()
    # about 58% by the weights, the rest all over Peru; the VRAEM area is now its 79 districts
    # (was 42), so more of the rest falls inside it too.
    assert 0.45 * COUNT < in_vraem < 0.8 * COUNT
    assert rows.values("department").distinct().count() >= 15


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


def test_public_reads_leave_synthetic_incidents_out_unless_asked(api):
    real = make_incident(title="A real clash")
    generate_synthetic(count=COUNT, seed=5)

    def count(query=""):
        response = api.get(f"/api/v1/incidents/?page_size=1{query}")
        assert response.status_code == 200
        return response.json()["count"]

    assert count() == 1
    assert count("&synthetic=include") == COUNT + 1
    assert count("&synthetic=only") == COUNT
    assert api.get("/api/v1/stats/").json()["total"]["incidents"] == 1
    assert api.get("/api/v1/stats/?synthetic=only").json()["total"]["incidents"] == COUNT
    csv = b"".join(api.get("/api/v1/incidents/?format=csv").streaming_content).decode()
    assert len(csv.strip().splitlines()) == 2 and "A real clash" in csv
    response = api.get("/api/v1/incidents/?synthetic=maybe")
    assert response.status_code == 400 and list(response.json()) == ["synthetic"]
    assert [f["id"] for f in api.get("/api/v1/incidents/?page_size=10").json()["features"]] == [real.pk]


def test_delete_command_removes_every_synthetic_incident_and_nothing_else(capsys):
    real = make_incident(title="A real clash")
    call_command("generate_synthetic", count=COUNT, seed=9)
    assert "400 synthetic incident(s) added" in capsys.readouterr().out
    call_command("generate_synthetic", delete=True)
    assert "400 synthetic incident(s) deleted." in capsys.readouterr().out
    assert list(Incident.objects.values_list("id", flat=True)) == [real.pk]


@pytest.mark.parametrize("options, message", [
    ({}, "Give --count N"),
    ({"count": 0}, "count must be at least 1"),
    ({"count": 5, "seed": 0}, "seed must be between 1 and 100000"),
])
def test_bad_arguments_stop_the_command_with_a_message(options, message):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("generate_synthetic", **options)
