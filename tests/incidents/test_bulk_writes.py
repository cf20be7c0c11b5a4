"""What a bulk write of incidents pays for (#18, target 4; migration 0020_cheaper_bulk_writes):
the per-row area trigger is skipped by its WHEN clause when a bulk writer deferred the
assignment, the varchar_pattern_ops copies of the status and dataset indexes are gone, and the
counting triggers stay equal to a full rebuild after a bulk insert (no DELETE after an insert)."""
from datetime import date

import pytest
from django.db import connection, transaction

from incidents.models import Incident
from incidents.services.areas import insert_with_areas
from incidents.services.tile_cells import refresh_tile_cells
from tests.factories import make_incident
from tests.places import PICHARI, SAN_MIGUEL_DEL_ENE

pytestmark = pytest.mark.django_db

RAW_INSERT = """
INSERT INTO incidents_incident (title, description, occurred_on, date_precision, event_type, sub_event_type,
       location, location_name, geo_precision, area_level, status, is_synthetic, external_source, external_id,
       created_at, updated_at)
VALUES (%s, '', '2019-03-04', 1, 'Battles', 'Armed clash', ST_SetSRID(ST_MakePoint(%s, %s), 4326), '', 1,
        'district', 'draft', false, '', '', now(), now())
RETURNING department_id, province_id, district_id
"""


def _insert(cursor, title, point):
    cursor.execute(RAW_INSERT, [title, point.x, point.y])
    return cursor.fetchone()


def test_the_area_trigger_is_skipped_by_its_when_clause_only_while_the_assignment_is_deferred():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'incidents_incident_assign_areas'")
        (definition,) = cursor.fetchone()
    assert ("FOR EACH ROW WHEN ((COALESCE(current_setting('incidents.defer_area_assignment'::text, true), "
            "''::text) <> 'on'::text)) EXECUTE FUNCTION incidents_incident_assign_areas()") in definition
    with transaction.atomic(), connection.cursor() as cursor:
        assert _insert(cursor, "before", PICHARI) != (None, None, None)
        cursor.execute("SELECT set_config('incidents.defer_area_assignment', 'on', true)")
        assert _insert(cursor, "deferred", PICHARI) == (None, None, None)
        cursor.execute("SELECT set_config('incidents.defer_area_assignment', 'off', true)")
        _insert(cursor, "after", SAN_MIGUEL_DEL_ENE)
    after = Incident.objects.select_related("department", "province", "district").get(title="after")
    assert (after.department.ubigeo, after.province.ubigeo, after.district.ubigeo) == ("12", "1206", "120609")
    before = Incident.objects.select_related("department", "province", "district").get(title="before")
    assert (before.department.ubigeo, before.province.ubigeo, before.district.ubigeo) == ("08", "0809", "080910")
    assert Incident.objects.get(title="deferred").district_id is None


def test_the_incidents_table_keeps_only_the_indexes_a_query_reads():
    """The `_like` (varchar_pattern_ops) copies Django makes for indexed varchar columns served
    only LIKE/startswith on status and dataset_id, which no query uses."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'incidents_incident' ORDER BY 1")
        names = [name for (name,) in cursor.fetchall()]
    assert names == [
        "incident_external_id_unique",
        "incidents_i_occurre_798a53_idx",
        "incidents_incident_alert_id_cfb77e8f",
        "incidents_incident_dataset_id_f18748a2",
        "incidents_incident_department_id_3d4d4f52",
        "incidents_incident_district_id_86043d7c",
        "incidents_incident_duplicate_of_id_d224bfe2",
        "incidents_incident_location_45554ecf_id",
        "incidents_incident_pkey",
        "incidents_incident_province_id_f21f2dc0",
        "incidents_incident_search_trgm",
        "incidents_incident_status_4ce5780f",
    ]


# The float sums rounded (their last bits depend on the order of the additions).
CELLS = ("SELECT zoom, cx, cy, status, is_synthetic, event_type, month, count, sum_id, round(sum_mx::numeric, 3),"
         " round(sum_my::numeric, 3) FROM incidents_tile_cell ORDER BY 1, 2, 3, 4, 5, 6, 7")
MONTHS = "SELECT * FROM incidents_month_count ORDER BY 1, 2, 3, 4, 5, 6, 7"


def _tables():
    with connection.cursor() as cursor:
        cursor.execute(CELLS)
        cells = cursor.fetchall()
        cursor.execute(MONTHS)
        return cells, cursor.fetchall()


def test_a_bulk_insert_keeps_the_cells_and_month_counts_equal_to_a_rebuild():
    """Rows added to cells and months that already hold incidents and to new ones, then a
    delete that empties some: after each statement the triggers' tables equal a full rebuild."""
    make_incident(title="Already there", location=PICHARI, status="draft", occurred_on=date(2019, 3, 10))
    columns = ["title", "description", "occurred_on", "date_precision", "event_type", "sub_event_type", "location",
               "location_name", "geo_precision", "area_level", "status", "is_synthetic", "external_source",
               "external_id", "created_at", "updated_at"]
    select = """
        SELECT 'bulk ' || n, '', date '2019-03-01' + mod(n, 60), 1, 'Battles', 'Armed clash',
               ST_SetSRID(ST_MakePoint(-74.0 + mod(n, 7) * 0.05, -12.6 + mod(n, 5) * 0.05), 4326), '', 1, 'district',
               'draft', false, '', '', now(), now()
          FROM generate_series(1, 40) AS n"""
    with transaction.atomic():
        assert insert_with_areas(select, [], columns=columns) == 40
    kept = _tables()
    for zoom in (2, 5, 8):
        assert sum(row[7] for row in kept[0] if row[0] == zoom) == 41
    assert sum(row[7] for row in kept[1]) == 41
    refresh_tile_cells()
    assert _tables() == kept
    Incident.objects.filter(title__startswith="bulk ").delete()
    kept = _tables()
    refresh_tile_cells()
    assert _tables() == kept
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(count) FROM incidents_tile_cell WHERE zoom = 8")
        assert cursor.fetchone() == (1, 1)
        cursor.execute("SELECT count(*), sum(incidents) FROM incidents_month_count")
        assert cursor.fetchone() == (1, 1)
