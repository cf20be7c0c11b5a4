"""Geocoding that honours the text (#13 part 3): a gazetteer point outside the district the text
or the gazetteer names is moved inside it; a place in a district created after the gazetteer
was made keeps its point; the admin lists every such place."""
import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.urls import reverse

from incidents.selectors import areas_at
from incidents.services.bulletins.ingest import preview_bulletin
from regions.geocoding import geocode
from regions.models import AdminArea, Place, PlaceCorrection
from regions.services.gazetteer import IMPLAUSIBLE_KM, refresh_place_corrections
from tests.factories import logged_in

pytestmark = pytest.mark.django_db

NATIVIDAD = "0809100008"  # listed under Pichari (080910); its INEI point lies in Río Tambo (120608)
# A split: Kapiroshi is listed under Pichari (080910) but its point lies 10.25 km away, in Unión
# Ashaninka (080918), a district no gazetteer place is listed under: it was created from Pichari
# after the gazetteer was made. (Vizcatán del Ene, 120609, is not such a case in this data: the
# gazetteer lists 1206090004 and others under it.)
KAPIROSHI = "0809100073"


def district_of(candidate):
    return areas_at(Point(candidate.longitude, candidate.latitude, srid=4326),
                    finest="district")["district"]


def test_the_table_holds_every_place_outside_its_own_district_and_each_moved_point_is_inside():
    assert PlaceCorrection.objects.count() == 1536
    assert PlaceCorrection.objects.filter(place__kind="populated_place").count() == 1531
    assert PlaceCorrection.objects.filter(split=True).count() == 348
    assert PlaceCorrection.objects.filter(distance_km__gt=IMPLAUSIBLE_KM).count() == 11
    # Every corrected point is given its own district by the same SQL as incidents get.
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM regions_placecorrection c
            JOIN regions_place p ON p.id = c.place_id
            JOIN incidents_areas_at(c.inside_point, 'district') a ON true
            WHERE a.district_id IS DISTINCT FROM p.district_id""")
        assert cursor.fetchone()[0] == 0
    natividad = PlaceCorrection.objects.select_related("found_in").get(place__code=NATIVIDAD)
    assert (natividad.found_in.ubigeo, round(natividad.distance_km, 1), natividad.split) == (
        "120608", 14.1, False)


def test_refresh_is_one_statement_and_repeatable():
    before = dict(PlaceCorrection.objects.values_list("place_id", "distance_km"))
    assert refresh_place_corrections() == 1536
    assert dict(PlaceCorrection.objects.values_list("place_id", "distance_km")) == before


def test_natividad_pichari_district_geocodes_into_pichari():
    natividad = geocode("Natividad", qualifiers=["Pichari district", "Cusco"])[0]
    assert (natividad.place_id, natividad.ubigeo, natividad.geo_precision) == (
        Place.objects.get(code=NATIVIDAD).pk, "080910", 1)
    assert district_of(natividad) == "080910"  # was 120608 Río Tambo (Junín)
    assert ("INEI point lies 14.1 km outside Pichari; moved to the nearest point inside it"
            in natividad.reason)
    # 14.11 km from the INEI point (14.06 km to Pichari's polygon): the nearest point of Pichari
    # that no neighbour's polygon also covers (Río Tambo's overlaps it by a sliver), 10 m inside.
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Distance(ST_MakePoint(%s, %s)::geography, point::geography) "
                       "FROM regions_place WHERE code = %s",
                       [natividad.longitude, natividad.latitude, NATIVIDAD])
        assert cursor.fetchone()[0] / 1000 == pytest.approx(14.11, abs=0.01)


def test_text_naming_the_district_the_point_lies_in_keeps_the_point():
    inei = Place.objects.get(code=NATIVIDAD).point
    natividad = geocode("Natividad", qualifiers=["Río Tambo district"])[0]
    assert (natividad.longitude, natividad.latitude, natividad.ubigeo) == (inei.x, inei.y, "080910")
    assert district_of(natividad) == "120608"
    assert ("INEI lists it under Pichari (080910) but its point lies in Río Tambo (120608), the "
            "district the text names; the point is kept") in natividad.reason


def test_near_natividad_through_the_bulletin_preview():
    text = ("Perú: Emboscada cerca de Natividad\n\n3 de mayo de 2023 | 09:00 UTC\n\n"
            "Patrulla emboscada en el VRAEM\n\nAdvertencia\n\nEvento\n\n"
            "A military patrol was ambushed near Natividad, Pichari district (Cusco), on "
            "Tuesday, May 2. Two soldiers were injured.\n")
    (incident,) = preview_bulletin(text).as_json()["incidents"]
    assert (incident["department"], incident["province"], incident["district"],
            incident["geo_precision"]) == ("08", "0809", "080910", 2)  # "near": precision 2 kept


def test_admin_place_search_puts_natividad_in_pichari():
    response = logged_in("editor").get(reverse("admin:incidents_incident_places"),
                                       {"q": "Natividad, Pichari", "on": "2023-05-02"})
    first = response.json()["candidates"][0]
    assert (first["ubigeo"], first["areas"], first["geo_precision"]) == (
        "080910", ["Pichari", "La Convención", "Cusco"], 1)
    assert "moved to the nearest point inside it" in first["reason"]


def test_a_place_in_a_district_created_after_the_gazetteer():
    """Decided: the INEI point is right and the code is out of date, so with no district named
    (or the new one named) the point stays, in the new district; when the text names the old
    district, the text wins and the place moves into it, as for Natividad."""
    inei = Place.objects.get(code=KAPIROSHI).point
    alone = geocode("Kapiroshi")[0]
    assert (alone.longitude, alone.latitude, alone.ubigeo, district_of(alone)) == (
        inei.x, inei.y, "080910", "080918")
    assert ("its point lies in Unión Ashaninka (080918), a district created after the gazetteer "
            "was made (INEI lists it under Pichari, 080910); the point is kept") in alone.reason
    named_new = geocode("Kapiroshi", qualifiers=["Unión Ashaninka district"])[0]
    assert (named_new.longitude, named_new.latitude, district_of(named_new)) == (
        inei.x, inei.y, "080918")
    assert "not inside" not in named_new.reason
    named_old = geocode("Kapiroshi", qualifiers=["Pichari district"])[0]
    assert district_of(named_old) == "080910"
    assert "INEI point lies 10.2 km outside Pichari; moved to the nearest point inside it" in (
        named_old.reason)


def test_an_implausibly_far_point_goes_to_the_districts_representative_point():
    # Aendoshiari: listed under Echarate (080902), its point 35.7 km away in Kumpirushiato.
    far = geocode("Aendoshiari", qualifiers=["Echarate district"])[0]
    echarati = AdminArea.objects.get(ubigeo="080902")
    assert (far.longitude, far.latitude, far.geo_precision) == (
        echarati.label_point.x, echarati.label_point.y, 3)
    assert ("INEI point lies 35.7 km outside Echarate, too far to be a point near its line "
            "(over 20 km); placed at Echarate's representative point, district precision"
            in far.reason)


def test_the_admin_lists_inconsistent_places_read_only():
    client = logged_in("editor")
    url = reverse("admin:regions_placecorrection_changelist")
    page = client.get(url, {"q": "Natividad"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Natividad" in text and "080910" in text and "Río Tambo (120608)" in text
    assert "14.1" in text
    assert client.get(reverse("admin:regions_placecorrection_add")).status_code == 403
    pk = PlaceCorrection.objects.get(place__code=NATIVIDAD).pk
    assert client.post(reverse("admin:regions_placecorrection_change", args=[pk]),
                       {"distance_km": "0"}).status_code == 403
    assert logged_in("staff").get(url).status_code == 403
