"""/route/: the route check page — places, a drawn line or an uploaded file; zones, districts
and incidents in tables and on the map; choices for an ambiguous place; escaping; printable."""
import re
from pathlib import Path
from datetime import date, timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from security.throttling import WorkRateThrottle
from tests.factories import make_incident
from tests.places import PICHARI

pytestmark = pytest.mark.django_db

KML = b"""<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><LineString>
<coordinates>-74.248056,-12.939444 -73.829167,-12.519444</coordinates></LineString></Placemark></kml>"""


def _rows(html: str, table: str) -> list[str]:
    body = html.split(f'<table class="{table}">', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in body.split("<tbody>", 1)[1].split("</tr>")[:-1]]


def test_the_empty_page_offers_the_three_ways(client):
    response = client.get(reverse("route-check"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="stops"' in html and 'id="id_line"' in html and 'type="file"' in html
    assert "/static/js/route.js" in html and "VraemRoute.start(" in html
    assert "route-result" not in html


def test_places_give_zones_districts_and_incidents(client):
    pk = make_incident(title="Clash in Pichari", location=PICHARI,
                       occurred_on=date.today() - timedelta(days=3), fatalities=2).pk
    response = client.get(reverse("route-check"), {"stops": "Huanta\nPichari", "km": "5", "days": "30"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Straight lines between the places, not roads." in html
    assert _rows(html, "route-zones") == [
        "U.S. Department of State — Level 4: Do Not Travel VRAEM (Valley of the Apurímac, Ene and Mantaro Rivers) 65.0 100 % 0.0",
        "UK Foreign, Commonwealth &amp; Development Office — Advise against all but essential travel VRAEM (Valley of the Apurímac, Ene and Mantaro Rivers) 65.0 100 % 0.0",
        "Presidencia del Consejo de Ministros (Peru) — reference area, not travel advice VRAEM intervention area (ámbito de intervención) 65.0 100 % 0.0",
    ]
    assert _rows(html, "route-districts") == [
        "Huanta Huanta, Ayacucho 12.3 0.0", "Chaca Huanta, Ayacucho 3.0 12.3",
        "Uchuraccay Huanta, Ayacucho 13.8 15.2", "Sivia Huanta, Ayacucho 33.2 29.0",
        "Pichari La Convención, Cusco 2.8 62.2"]
    assert f'<tr data-incident="{pk}">' in html
    assert "1 published incident within 5 km of the route in the last 30 days" in html
    assert "Route: 65.0 km" in html  # the route's tooltip on the map


def test_a_drawn_line_and_an_uploaded_file(client):
    drawn = client.get(reverse("route-check"), {"line": "-74.248056,-12.939444;-73.829167,-12.519444"})
    uploaded = client.post(reverse("route-check"), {"file": SimpleUploadedFile("road.kml", KML), "km": "10"})
    for response, words in ((drawn, "As drawn."), (uploaded, "From the uploaded file.")):
        html = response.content.decode()
        assert response.status_code == 200 and words in html
        assert [row.split(" ")[0] for row in _rows(html, "route-districts")] == [
            "Huanta", "Chaca", "Uchuraccay", "Sivia", "Pichari"]
        assert "not roads" not in html


def test_an_ambiguous_place_offers_choices_that_fill_its_line(client):
    response = client.get(reverse("route-check"), {"stops": "Pichari\nSan Francisco"})
    html = response.content.decode()
    assert response.status_code == 400
    links = re.findall(r'<a class="route-choice" href="([^"]+)">([^<]+)</a>', html)
    assert len(links) == 7
    (ayna,) = [href for href, label in links if label == "San Francisco, Ayna, La Mar, Ayacucho"]
    followed = client.get(ayna.replace("&amp;", "&"))
    assert followed.status_code == 200
    assert "San Francisco [050503]" in followed.content.decode()  # kept in the form
    assert [row.split(" ")[0] for row in _rows(followed.content.decode(), "route-districts")] == [
        "Pichari", "Ayna", "Kimbiri"]


def test_typed_names_are_escaped(client):
    response = client.get(reverse("route-check"), {"stops": 'Pichari\n<img src=x onerror=alert(1)>'})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_bad_bounds_are_named(client):
    response = client.get(reverse("route-check"), {"stops": "Huanta\nPichari", "km": "500"})
    assert response.status_code == 400
    assert "km: Ensure this value is less than or equal to 50." in response.content.decode()


def test_a_refused_upload_is_a_400_naming_it(client):
    bomb = b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaa">]><kml>&a;</kml>'
    response = client.post(reverse("route-check"), {"file": SimpleUploadedFile("x.kml", bomb)})
    assert response.status_code == 400
    assert "DTDs and entities are refused" in response.content.decode()


def test_the_upload_form_needs_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("route-check"), {"file": SimpleUploadedFile("road.kml", KML)})
    assert response.status_code == 403


def test_checks_count_against_the_shared_work_rate(client, api, monkeypatch):
    monkeypatch.setattr(WorkRateThrottle, "THROTTLE_RATES", {"route_checks": "2/minute"})
    query = {"line": "-74.2,-12.9;-73.8,-12.5"}
    assert client.get(reverse("route-check"), query).status_code == 200
    assert api.get("/api/v1/route-check/", query).status_code == 200
    response = client.get(reverse("route-check"), query)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert client.get(reverse("route-check")).status_code == 200  # the empty form costs nothing


def test_the_page_is_printable(client):
    html = client.get(reverse("route-check"), {"stops": "Huanta\nPichari"}).content.decode()
    assert "/static/css/route.css" in html and 'id="route-print"' in html
    assert 'class="route-form no-print"' in html
    text = Path(finders.find("css/route.css")).read_text()
    assert "@media print" in text and ".no-print" in text and ".site-header" in text


def test_the_site_header_links_the_route_check(client):
    assert f'href="{reverse("route-check")}"' in client.get(reverse("advisories")).content.decode()
