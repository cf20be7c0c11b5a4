"""The month-count trigger's DELETE of the counts that fell to 0 reads an index, not the whole
table (#18 target 5: at 1,000,000 incidents that scan added ~40 ms to every single INSERT, e.g.
each draft of a bulletin)."""
import pytest
from django.db import connection

from tests.factories import make_incident
from tests.places import PICHARI

pytestmark = pytest.mark.django_db


def test_the_counts_that_fell_to_zero_have_their_own_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'incidents_month_count'"
                       " AND indexname = 'incidents_month_count_empty'")
        assert cursor.fetchall() == [(
            "CREATE INDEX incidents_month_count_empty ON public.incidents_month_count USING btree (month)"
            " WHERE (incidents = 0)",)]
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN DELETE FROM incidents_month_count WHERE incidents = 0")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "incidents_month_count_empty" in plan


def test_a_deleted_incident_leaves_no_empty_count():
    incident = make_incident(location=PICHARI)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_month_count WHERE incidents > 0")
        counted = cursor.fetchone()[0]
        cursor.execute("DELETE FROM incidents_incident_actors WHERE incident_id = %s", [incident.pk])
        cursor.execute("DELETE FROM incidents_incident_sources WHERE incident_id = %s", [incident.pk])
        cursor.execute("DELETE FROM incidents_incident WHERE id = %s", [incident.pk])
        cursor.execute("SELECT count(*) FROM incidents_month_count WHERE incidents = 0")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM incidents_month_count WHERE incidents > 0")
        assert cursor.fetchone()[0] == counted - 1
