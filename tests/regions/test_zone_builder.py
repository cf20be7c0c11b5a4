"""The advisory-zone builder: a zone from chosen areas (PostGIS union, optional buffer) or drawn."""
import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from regions.models import AdminArea, AdvisoryZone
from tests.factories import member

pytestmark = pytest.mark.django_db
AREAS = ["1206", "120609", "0809"]  # Satipo province, Vizcatán del Ene (inside it), La Convención


@pytest.fixture
def reviewer():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the tests read the English messages
    client.force_login(member("reviewer"))
    return client


def zone_form(**changes):
    data = {"name": "Test zone", "slug": "test-zone", "kind": "advice", "severity": 3, "issuer": "Test ministry", "issuer_level": "Avoid non-essential travel", "definition": "", "exceptions": "", "last_reviewed": "", "construction": "areas", "construction_note": "", "same_as": "",
            "summary": "", "source_url": "", "valid_from": "2024-01-01", "valid_until": "",
            "areas": [], "buffer_km": "0", "geom": ""}
    data.update(changes)
    return data


def km2(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_zone_from_areas_equals_their_union(reviewer):
    ids = list(AdminArea.objects.filter(ubigeo__in=AREAS).values_list("pk", flat=True))
    response = reviewer.post(reverse("admin:regions_advisoryzone_add"), zone_form(areas=ids))
    assert response.status_code == 302, response.context["adminform"].form.errors
    zone = AdvisoryZone.objects.get(slug="test-zone")
    assert set(zone.areas.values_list("ubigeo", flat=True)) == set(AREAS)
    # The zone and the plain PostGIS union differ only by filled sliver holes (< 1 km² each).
    difference = km2(
        "SELECT ST_Area(ST_SymDifference(z.geom, (SELECT ST_Union(geom) FROM regions_adminarea "
        "WHERE id = ANY(%s)))::geography) / 1e6 FROM regions_advisoryzone z WHERE z.id = %s",
        [ids, zone.pk])
    union = km2("SELECT ST_Area(ST_Union(geom)::geography) / 1e6 FROM regions_adminarea "
                "WHERE id = ANY(%s)", [ids])
    assert difference < 0.001 * union, (difference, union)
    history = zone.history.order_by("-history_id").first()
    assert history.history_user.username == "reviewer"


def test_a_buffer_widens_the_zone_by_about_perimeter_times_distance(reviewer):
    district = AdminArea.objects.get(ubigeo="120609")
    reviewer.post(reverse("admin:regions_advisoryzone_add"),
                  zone_form(areas=[district.pk], buffer_km="5"))
    zone = AdvisoryZone.objects.get(slug="test-zone")
    area, plain, perimeter = [km2(sql, [zone.pk, district.pk]) for sql in (
        "SELECT ST_Area(z.geom::geography) / 1e6 FROM regions_advisoryzone z, regions_adminarea a "
        "WHERE z.id = %s AND a.id = %s",
        "SELECT ST_Area(a.geom::geography) / 1e6 FROM regions_advisoryzone z, regions_adminarea a "
        "WHERE z.id = %s AND a.id = %s",
        "SELECT ST_Perimeter(a.geom::geography) / 1e3 FROM regions_advisoryzone z, "
        "regions_adminarea a WHERE z.id = %s AND a.id = %s",
    )]
    # A ragged outline's buffer overlaps itself, so the gain is below perimeter × 5 km.
    assert plain + 0.3 * perimeter * 5 < area < plain + perimeter * 5 + 3.1416 * 25


def test_a_drawn_zone_is_kept_and_nothing_at_all_is_an_error(reviewer):
    square = json.dumps({"type": "MultiPolygon", "coordinates": [[[
        [-74.2, -12.4], [-73.9, -12.4], [-73.9, -12.1], [-74.2, -12.1], [-74.2, -12.4]]]]})
    response = reviewer.post(reverse("admin:regions_advisoryzone_add"), zone_form(geom=square))
    assert response.status_code == 302
    assert AdvisoryZone.objects.get(slug="test-zone").geom.num_coords == 5
    empty = reviewer.post(reverse("admin:regions_advisoryzone_add"), zone_form(slug="other"))
    assert empty.status_code == 200
    assert "Choose departments, provinces or districts, or draw the zone." in empty.content.decode()
    assert not AdvisoryZone.objects.filter(slug="other").exists()


def test_preview_returns_the_zone_without_saving(reviewer):
    ids = list(AdminArea.objects.filter(ubigeo__in=AREAS).values_list("pk", flat=True))
    url = reverse("admin:regions_advisoryzone_preview")
    before = AdvisoryZone.objects.count()
    response = reviewer.get(url, {"areas": ",".join(map(str, ids)), "buffer_km": "2"})
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    feature = response.json()
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["areas"] == 3 and feature["properties"]["area_km2"] > 1000
    assert AdvisoryZone.objects.count() == before
    for params, message in [({"areas": ""}, "areas:"), ({"areas": "a,b"}, "areas:"),
                            ({"areas": str(ids[0]), "buffer_km": "500"}, "buffer_km:"),
                            ({"areas": "999999999"}, "areas: unknown")]:
        bad = reviewer.get(url, params)
        assert bad.status_code == 400 and bad.json()["error"].startswith(message), params
