"""ACLED, UCDP and GeoJSON imports: exact values, all-or-nothing, idempotent, round trips."""
import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from incidents.models import Actor, Incident
from incidents.services.exporters import export_incidents
from incidents.services.importers.common import ImportFailed
from incidents.services.importers.files import import_file
from incidents.services.workflow import OPERATOR

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def snapshot(source):
    return [
        (i.external_id, i.occurred_on.isoformat(), i.date_precision, i.event_type, i.sub_event_type,
         i.geo_precision, i.area_level, i.fatalities, i.injuries,
         tuple(a.ubigeo if a else None for a in (i.department, i.province, i.district)),
         tuple(sorted(a.name for a in i.actors.all())), i.location_name)
        for i in Incident.objects.filter(external_source=source).order_by("external_id")
    ]


ACLED_EXPECTED = [
    ("PER1001", "2018-06-24", 1, "Battles", "Armed clash", 1, "district", None, None,
     ("12", "1206", "120609"), ("Military Forces of Peru (2016-)", "Shining Path"), "San Miguel del Ene"),
    ("PER1002", "2018-06-07", 1, "Battles", "Armed clash", 3, "department", 4, None,
     ("09", None, None), ("Police Forces of Peru (2016-)", "Shining Path"), "Huancavelica"),
    ("PER1003", "2023-04-18", 2, "Explosions/Remote violence", "Remote explosive/landmine/IED", 1,
     "district", 0, None, ("08", "0809", "080910"), ("Shining Path",), "Pichari"),
]


def test_acled_import_values_and_idempotent_re_import():
    summary = import_file(user=OPERATOR, path=str(FIXTURES / "acled_small.csv"), format="acled")
    assert (summary.created, summary.updated, summary.unchanged, summary.skipped) == (3, 0, 0, [])
    assert snapshot("acled") == ACLED_EXPECTED
    assert Actor.objects.get(name="Shining Path").kind == 2
    again = import_file(user=OPERATOR, path=str(FIXTURES / "acled_small.csv"), format="acled")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Incident.objects.count() == 3


def test_a_changed_row_is_updated_in_place(tmp_path):
    import_file(user=OPERATOR, path=str(FIXTURES / "acled_small.csv"), format="acled")
    pk = Incident.objects.get(external_id="PER1001").pk
    changed = tmp_path / "changed.csv"
    text = (FIXTURES / "acled_small.csv").read_text().replace(
        "-12.186018616,-74.027089694,1,La Republica,Clash during a patrol.,",
        "-12.5195740239999,-73.8290288969999,1,La Republica,Clash during a patrol.,2")
    changed.write_text(text)
    summary = import_file(user=OPERATOR, path=str(changed), format="acled")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    incident = Incident.objects.get(external_id="PER1001")
    assert (incident.pk, incident.fatalities, incident.district.ubigeo) == (pk, 2, "080910")


def test_a_bad_row_aborts_the_whole_import_naming_row_and_reason(english):
    with pytest.raises(ImportFailed) as error:
        import_file(user=OPERATOR, path=str(FIXTURES / "acled_bad_row.csv"), format="acled")
    assert str(error.value) == (
        "row 3: event_date '31 June 2018' is not a date (YYYY-MM-DD or '24 June 2018'). "
        "Nothing was imported.")
    assert (Incident.objects.count(), Actor.objects.count()) == (0, 0)


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(english):
    summary = import_file(user=OPERATOR, path=str(FIXTURES / "acled_bad_row.csv"), format="acled", skip_invalid=True)
    assert summary.created == 1
    assert summary.skipped == [
        "row 3: event_date '31 June 2018' is not a date (YYYY-MM-DD or '24 June 2018')",
        "row 4: sub_event_type: 'Arrests' is not a sub-event type of 'Battles'.",
        "row 5: location: The point (longitude -80.00000, latitude -12.00000) is outside Peru's boundaries.",
        "row 6: fatalities 'two' is not a whole number",
    ]
    assert list(Incident.objects.values_list("external_id", flat=True)) == ["PER2001"]


def test_command_reports_and_fails_cleanly(capsys, english):
    call_command("import_incidents", str(FIXTURES / "acled_small.csv"), "--format", "acled")
    assert "3 created, 0 updated, 0 unchanged, 0 skipped" in capsys.readouterr().out
    with pytest.raises(CommandError, match="row 3: event_date"):
        call_command("import_incidents", str(FIXTURES / "acled_bad_row.csv"), "--format", "acled")
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_incidents", str(FIXTURES / "ucdp_small.csv"), "--format", "acled")


def test_ucdp_import():
    summary = import_file(user=OPERATOR, path=str(FIXTURES / "ucdp_small.csv"), format="ucdp")
    assert summary.created == 2
    assert snapshot("ucdp") == [
        ("190001", "2018-06-24", 1, "Battles", "Armed clash", 3, "province", 2, None,
         ("12", "1206", None), ("Government of Peru", "Sendero Luminoso"), "Vizcatan del Ene district"),
        ("190002", "2018-05-01", 3, "Violence against civilians", "Attack", 1, "district", 1, None,
         ("08", "0809", "080910"), ("Civilians", "Sendero Luminoso"), "Pichari"),
    ]
    assert dict(Actor.objects.filter(name__in=["Civilians", "Government of Peru"]).values_list(
        "name", "kind")) == {"Civilians": 7, "Government of Peru": 1}


@pytest.mark.parametrize("format", ["csv", "geojson", "gpkg"])
def test_export_writes_acled_columns_and_round_trips(tmp_path, format):
    import_file(user=OPERATOR, path=str(FIXTURES / "acled_small.csv"), format="acled")
    path = tmp_path / f"out.{format}"
    assert export_incidents(path=str(path), format=format) == 3
    if format == "csv":
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        assert [(r["event_id_cnty"], r["event_date"], r["admin1"], r["admin3"], r["fatalities"])
                for r in rows] == [
            ("PER1002", "2018-06-07", "Huancavelica", "", "4"),
            ("PER1001", "2018-06-24", "Junín", "Vizcatán del Ene", ""),
            ("PER1003", "2023-04-18", "Cusco", "Pichari", "0"),
        ]
        return
    if format == "geojson":
        again = import_file(user=OPERATOR, path=str(path), format="geojson")  # same database: same records
        assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
        Incident.objects.all().delete()
        summary = import_file(user=OPERATOR, path=str(path), format="geojson")  # another database
        assert summary.created == 3
        assert snapshot("acled") == ACLED_EXPECTED
    else:
        import geopandas as gpd
        frame = gpd.read_file(path, layer="incidents")
        assert list(frame.sort_values("event_id_cnty")["admin3_ubigeo"].fillna("")) == [
            "120609", "", "080910"]


def _tile_cells():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT zoom, cx, cy, status, is_synthetic, event_type, month, count, sum_id"
                       " FROM incidents_tile_cell ORDER BY 1, 2, 3, 4, 5, 6, 7")
        cells = cursor.fetchall()
        cursor.execute("SELECT zoom, cx, cy, status, is_synthetic, event_type, count, sum_id"
                       " FROM incidents_tile_total ORDER BY 1, 2, 3, 4, 5, 6")  # tile_total.sql
        return cells + [("total", *row) for row in cursor.fetchall()]


def test_an_import_counts_its_rows_into_the_tile_cells_once(tmp_path):
    """The rows' tile-cell changes are queued and applied in one upsert at the end: after a
    first import, an update that moves a row and an import with bad rows skipped, the cells
    equal a full rebuild; nothing stays queued; a failed import leaves the cells as they were."""
    from django.db import connection

    from incidents.services.tile_cells import refresh_tile_cells

    def rebuilt():
        kept = _tile_cells()
        refresh_tile_cells()
        assert _tile_cells() == kept
        return kept

    assert rebuilt() == []
    import_file(user=OPERATOR, path=str(FIXTURES / "acled_small.csv"), format="acled")
    cells = rebuilt()
    # 3 incidents at each stored zoom; the two Battles of June 2018 share their z2 cell.
    assert [(z, sum(row[7] for row in cells if row[0] == z)) for z in (2, 5, 8)] == [(2, 3), (5, 3), (8, 3)]
    assert len([row for row in cells if row[0] != "total"]) == 8
    # And in the totals (no month split; zoom 11 too).
    assert [(z, sum(row[7] for row in cells if row[:2] == ("total", z))) for z in (2, 5, 8, 11)] == [
        (2, 3), (5, 3), (8, 3), (11, 3)]
    changed = tmp_path / "changed.csv"
    changed.write_text((FIXTURES / "acled_small.csv").read_text().replace(
        "-12.186018616,-74.027089694,1,La Republica,Clash during a patrol.,",
        "-12.5195740239999,-73.8290288969999,1,La Republica,Clash during a patrol.,2"))
    assert import_file(user=OPERATOR, path=str(changed), format="acled").updated == 1
    assert rebuilt() != cells
    import_file(user=OPERATOR, path=str(FIXTURES / "acled_bad_row.csv"), format="acled", skip_invalid=True)
    cells = rebuilt()
    assert sum(row[7] for row in cells if row[0] == 8) == 4
    with pytest.raises(ImportFailed):
        import_file(user=OPERATOR, path=str(FIXTURES / "acled_bad_row.csv"), format="acled")
    assert rebuilt() == cells
    with connection.cursor() as cursor:
        # (The test's transaction never commits: the table, dropped at commit, is still there.)
        cursor.execute("SELECT count(*) FROM pg_temp.incidents_tile_cell_queue")
        assert cursor.fetchone()[0] == 0
