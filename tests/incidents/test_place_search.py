"""Placing an incident: the gazetteer search of the incident form."""

import re
from datetime import date

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from incidents.models import Incident
from incidents.selectors import areas_at
from regions.models import AdminArea
from tests.factories import admin_change_url, logged_in, make_incident
from tests.places import SAN_MIGUEL_DEL_ENE

pytestmark = pytest.mark.django_db
S = Incident.Status


def test_place_search_returns_candidates_with_areas_and_the_advisory_in_force():
    client = logged_in("editor")
    response = client.get(reverse("admin:incidents_incident_places"),
                          {"q": "Natividad, Pichari", "on": "2018-06-24"})
    assert response.status_code == 200
    first = response.json()["candidates"][0]
    assert first["name"].lower().startswith("natividad")
    assert first["ubigeo"].startswith("080910")
    assert first["listed_under"] == "Pichari"
    # The point lies just outside Pichari's polygon: the areas are those it will be given.
    point = Point(first["longitude"], first["latitude"], srid=4326)
    assigned = areas_at(point, finest="district")
    assert [a.upper() for a in first["areas"]] == [
        AdminArea.objects.get(ubigeo=assigned[level]).name.upper()
        for level in ("district", "province", "department")]
    assert "U.S. Department of State — Level 4: Do Not Travel" in [z["wording"] for z in first["advisories"]]
    bad = client.get(reverse("admin:incidents_incident_places"), {"q": "x"})
    assert bad.status_code == 400 and bad.json()["error"].startswith("q:")


def test_the_change_form_offers_search_and_shows_areas_and_advisory():
    incident = make_incident(location=SAN_MIGUEL_DEL_ENE, occurred_on=date(2018, 6, 24),
                             status=S.DRAFT)
    text = logged_in("editor", "en").get(admin_change_url(incident)).content.decode()
    assert 'class="place-search"' in text and "js/admin-placement.js" in text
    assert "VRAEM" in re.sub(r"\s+", " ", text.split("Advisory in force", 1)[1])[:400]
