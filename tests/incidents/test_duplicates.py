"""Possible duplicates (same type, 10 km, 2 days) and merging them."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import override_settings
from django.urls import reverse

from incidents.models import Actor, Incident, Source
from incidents.selectors import possible_duplicates
from incidents.services.bulletins.ingest import ingest_bulletin, preview_bulletin
from incidents.services.duplicates import incident_merge
from incidents.services.workflow import OPERATOR
from tests.factories import admin_change_url, incident_form_data, logged_in, make_actor, make_incident, member
from tests.incidents.bulletin_expectations import SEED
from tests.places import PICHARI, SAN_MIGUEL_DEL_ENE

pytestmark = pytest.mark.django_db
S = Incident.Status


def _point_km_east(point, km):
    from pyproj import Geod

    lon, lat, _ = Geod(ellps="WGS84").fwd(point.x, point.y, 90, km * 1000)
    return Point(lon, lat, srid=4326)


def test_possible_duplicates_are_same_type_within_10_km_and_2_days():
    base = make_incident(location=PICHARI, occurred_on=date(2018, 6, 24))
    near = make_incident(location=_point_km_east(PICHARI, 9.9), occurred_on=date(2018, 6, 26))
    make_incident(location=_point_km_east(PICHARI, 10.1), occurred_on=date(2018, 6, 24))  # too far
    make_incident(location=PICHARI, occurred_on=date(2018, 6, 27))  # too late
    make_incident(location=PICHARI, event_type="Protests", sub_event_type="Peaceful protest")
    make_incident(location=PICHARI, status=S.ARCHIVED)  # archived ones are settled
    assert list(possible_duplicates(base)) == [near]
    with override_settings(INCIDENT_DUPLICATE_RADIUS_KM=11, INCIDENT_DUPLICATE_DAYS=3):
        assert len(possible_duplicates(base)) == 3


def test_merge_keeps_the_richer_fields_and_all_sources_and_archives_the_duplicate():
    army, sl = make_actor("Military Forces of Peru", Actor.Kind.STATE_FORCES), make_actor()
    bulletin = Source.objects.create(name="Bulletin 26 June")
    paper = Source.objects.create(name="La República", url="https://larepublica.pe/x")
    survivor = make_incident(title="Clash in Vizcatán", location=SAN_MIGUEL_DEL_ENE,
                             geo_precision=3, area_level="district", actors=[army],
                             sources=[bulletin], description="Short.")
    duplicate = make_incident(title="Soldiers attacked at San Miguel del Ene", fatalities=2,
                              location=_point_km_east(SAN_MIGUEL_DEL_ENE, 1), geo_precision=1,
                              location_name="San Miguel del Ene", actors=[sl], sources=[paper],
                              description="A longer account of the attack on the patrol.")
    incident_merge(user=member("reviewer"), survivor=survivor, duplicate=duplicate)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert set(survivor.sources.all()) == {bulletin, paper}
    assert set(survivor.actors.all()) == {army, sl}
    assert (survivor.fatalities, survivor.geo_precision, survivor.location_name) == (
        2, 1, "San Miguel del Ene")
    assert survivor.description == duplicate.description
    assert survivor.title == "Clash in Vizcatán"  # its own where both have one
    assert (duplicate.status, duplicate.duplicate_of_id) == (S.ARCHIVED, survivor.pk)
    reasons = [r.history_change_reason for r in survivor.history.all()] + [
        r.history_change_reason for r in duplicate.history.all()]
    assert f"Merged duplicate #{duplicate.pk} into this incident" in reasons
    assert f"Merged into #{survivor.pk} as a duplicate" in reasons


def test_merge_from_the_admin_asks_which_survives():
    a = make_incident(title="Report A", status=S.DRAFT)
    b = make_incident(title="Report B", status=S.IN_REVIEW)
    client = logged_in("reviewer", language="en")
    url = reverse("admin:incidents_reviewitem_changelist")
    page = client.post(url, {"action": "merge_duplicates", "_selected_action": [a.pk, b.pk]})
    assert page.status_code == 200 and b"Choose the incident that stays" in page.content
    assert Incident.objects.get(pk=a.pk).status == S.DRAFT  # nothing yet
    client.post(url, {"action": "merge_duplicates", "_selected_action": [a.pk, b.pk],
                      "survivor": b.pk, "confirm": "yes"})
    assert Incident.objects.get(pk=a.pk).duplicate_of_id == b.pk
    assert a.history.order_by("-history_id").first().history_change_reason == (
        f"Merged into #{b.pk} as a duplicate")


def test_saving_in_the_admin_warns_about_possible_duplicates():
    existing = make_incident(title="Earlier report", location=PICHARI)
    incident = make_incident(title="New report", status=S.DRAFT, location=PICHARI)
    client = logged_in("editor", "en")
    response = client.post(admin_change_url(incident), incident_form_data(incident, expected_version=1),
                           follow=True)
    text = response.content.decode()
    assert "Possible duplicate(s) of this incident" in text
    assert f"#{existing.pk} Earlier report" in text


def test_ingest_flags_possible_duplicates_of_existing_incidents():
    text = (Path(settings.ALERTS_DIR) / SEED).read_text(encoding="utf-8")
    placed = next(v.draft.location.candidate for v in preview_bulletin(text).drafts
                  if v.draft.occurred_on == date(2018, 6, 24))
    point = Point(placed.longitude, placed.latitude, srid=4326)
    existing = make_incident(title="Earlier report of the 24 June clash",
                             location=_point_km_east(point, 5), occurred_on=date(2018, 6, 23))
    make_incident(title="Another, too far", location=_point_km_east(point, 15),
                  occurred_on=date(2018, 6, 24))
    result = ingest_bulletin(user=OPERATOR, text=text)
    june_24 = next(i for i in result.created if i.occurred_on == date(2018, 6, 24))
    assert result.possible_duplicates == {june_24.pk: [existing.pk]}
