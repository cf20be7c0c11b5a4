"""Ingesting bulletins: drafts through incident_create, story links, no duplicates."""
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from incidents.models import Alert, Incident
from incidents.services.bulletins.ingest import ingest_bulletin
from incidents.services.workflow import OPERATOR
from tests.incidents.bulletin_expectations import SEED

pytestmark = pytest.mark.django_db
BULLETINS = Path(__file__).resolve().parent.parent / "bulletins"
SEED_PATH = Path(settings.ALERTS_DIR) / SEED


def ubigeos(incident):
    return tuple(a.ubigeo if a else None for a in (incident.department, incident.province, incident.district))


def test_seed_bulletin_creates_three_drafts_linked_to_its_alert():
    result = ingest_bulletin(user=OPERATOR, text=SEED_PATH.read_text(encoding="utf-8"))
    alert = result.alert
    assert (alert.headline, alert.severity, alert.update_number, alert.previous) == (
        "Peru: Clashes with armed group in VRAEM region June 24 /update 2", "informational", 2, None)
    assert sorted(alert.sections) == ["advice", "context", "event"]
    incidents = sorted(alert.incidents.all(), key=lambda i: i.occurred_on)
    assert [(i.occurred_on.isoformat(), i.status, i.fatalities, i.injuries, i.area_level, ubigeos(i))
            for i in incidents] == [
        ("2018-06-07", "draft", 4, None, "department", ("09", None, None)),
        ("2018-06-11", "draft", None, 6, "district", ("12", "1206", "120609")),
        ("2018-06-24", "draft", None, None, "district", ("12", "1206", "120609")),
    ]
    assert [sorted(a.name for a in i.actors.all()) for i in incidents] == [
        ["Police Forces of Peru", "Shining Path"], ["Military Forces of Peru", "Shining Path"],
        ["Military Forces of Peru", "Shining Path"]]
    assert incidents[0].sources.get().name == f"Security bulletin: {alert.headline}"


def test_re_ingesting_the_same_bulletin_creates_nothing():
    first = ingest_bulletin(user=OPERATOR, text=SEED_PATH.read_text(encoding="utf-8"))
    again = ingest_bulletin(user=OPERATOR, text=SEED_PATH.read_text(encoding="utf-8"))
    assert (again.already_ingested, again.alert.pk, again.created) == (True, first.alert.pk, [])
    assert (Alert.objects.count(), Incident.objects.count()) == (1, 3)


def test_an_update_links_to_the_earlier_bulletin_and_skips_incidents_it_reported():
    first = ingest_bulletin(user=OPERATOR, text=(BULLETINS / "es_llochegua_campesinos.txt").read_text(encoding="utf-8"))
    update = ingest_bulletin(user=OPERATOR, text=(BULLETINS / "es_llochegua_campesinos_update2.txt").read_text(encoding="utf-8"))
    assert update.alert.previous == first.alert
    assert update.alert.story == first.alert.story == "peru asesinan a campesinos en llochegua huanta"
    assert (len(first.created), len(update.created), update.duplicates) == (1, 1, 1)
    assert update.created[0].sub_event_type == "Armed clash"
    assert update.created[0].location_name == "Union Mantaro, Canayre, Huanta, Ayacucho"
    assert Incident.objects.count() == 2


def test_an_earlier_update_ingested_late_is_linked_in_its_place():
    update = ingest_bulletin(user=OPERATOR, text=(BULLETINS / "es_llochegua_campesinos_update2.txt").read_text(encoding="utf-8"))
    first = ingest_bulletin(user=OPERATOR, text=(BULLETINS / "es_llochegua_campesinos.txt").read_text(encoding="utf-8"))
    update.alert.refresh_from_db()
    assert (update.alert.previous, first.alert.previous) == (first.alert, None)


def test_a_bulletin_without_incident_stores_the_alert_only():
    result = ingest_bulletin(user=OPERATOR, text=(BULLETINS / "en_state_of_emergency.txt").read_text(encoding="utf-8"))
    assert (result.created, Alert.objects.count(), Incident.objects.count()) == ([], 1, 0)


def test_command_dry_run_json_follows_the_contract_and_writes_nothing(capsys):
    call_command("ingest_alert", str(SEED_PATH), str(BULLETINS / "en_state_of_emergency.txt"),
                 "--dry-run", "--format", "json")
    output = json.loads(capsys.readouterr().out)
    assert [o["file"] for o in output] == [str(SEED_PATH), str(BULLETINS / "en_state_of_emergency.txt")]
    assert [len(o["incidents"]) for o in output] == [3, 0]
    assert output[0]["alert"] == {
        "headline": "Peru: Clashes with armed group in VRAEM region June 24 /update 2",
        "published_at": "2018-06-26T11:35:00+00:00", "severity": "informational", "update_number": 2}
    assert output[0]["incidents"][1] == {
        "occurred_on": "2018-06-07", "event_type": "Battles", "sub_event_type": "Armed clash",
        "fatalities": 4, "injuries": None, "location_name": "Huancavelica department",
        "latitude": -13.0244, "longitude": -75.0027, "geo_precision": 3,
        "department": "09", "province": None, "district": None,
        "actors": ["Police Forces of Peru", "Shining Path"], "missing": None, "kidnapped": None}
    assert (Alert.objects.count(), Incident.objects.count()) == (0, 0)


def test_command_creates_drafts(capsys):
    call_command("ingest_alert", str(SEED_PATH))
    assert "3 draft(s) created" in capsys.readouterr().out
    assert Incident.objects.filter(status="draft").count() == 3


@pytest.mark.django_db
def test_command_takes_the_publication_date_of_a_text_without_one(capsys, tmp_path, english):
    path = BULLETINS / "blind" / "b14_en_no_date_sivia_kidnap.txt"
    with pytest.raises(CommandError, match=r"has no timestamp .*--published YYYY-MM-DD"):
        call_command("ingest_alert", str(path), "--dry-run", "--format", "json")
    call_command("ingest_alert", str(path), "--published", "2022-04-08", "--dry-run", "--format", "json")
    output = json.loads(capsys.readouterr().out)
    assert output["alert"]["published_at"] == "2022-04-08T00:00:00+00:00"
    assert [(i["occurred_on"], i["district"], i["kidnapped"]) for i in output["incidents"]] == [
        ("2022-04-07", "050407", 1)]
    assert (Alert.objects.count(), Incident.objects.count()) == (0, 0)
