from datetime import date

import pytest
from django.core.management import call_command

from incidents.models import Incident

pytestmark = pytest.mark.django_db


def load():
    call_command("load_demo_incidents")


def test_seed_bulletin_yields_its_three_incidents():
    load()
    rows = [
        (
            i.occurred_on, i.event_type, i.sub_event_type, i.fatalities, i.injuries, i.geo_precision,
            i.department.ubigeo, i.province and i.province.ubigeo, i.district and i.district.ubigeo,
            sorted(i.actors.values_list("name", flat=True)), i.status,
        )
        for i in Incident.objects.order_by("occurred_on")
    ]
    assert rows == [
        (date(2018, 6, 7), "Battles", "Armed clash", 4, None, 3, "09", None, None,
         ["Police Forces of Peru", "Shining Path"], "published"),
        (date(2018, 6, 11), "Battles", "Armed clash", None, 6, 2, "12", "1206", "120609",
         ["Military Forces of Peru", "Shining Path"], "published"),
        (date(2018, 6, 24), "Battles", "Armed clash", None, None, 3, "12", "1206", "120609",
         ["Military Forces of Peru", "Shining Path"], "published"),
    ]
    alert = Incident.objects.first().alert
    assert alert.update_number == 2
    assert alert.raw_text.startswith("Skip to main content")
    assert {i.sources.get().name for i in Incident.objects.all()} == {
        "Security bulletin: Peru: Clashes with armed group in VRAEM region June 24 /update 2"
    }


def test_loading_again_changes_nothing():
    load()
    before = list(Incident.objects.values_list("pk", "updated_at").order_by("pk"))
    load()
    assert list(Incident.objects.values_list("pk", "updated_at").order_by("pk")) == before
