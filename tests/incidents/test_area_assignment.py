"""Department, province and district are assigned in the database from the point."""
from datetime import date

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection

from incidents.models import Incident
from regions.models import AdminArea
from tests.places import PACIFIC, PICHARI, SAN_MIGUEL_DEL_ENE
from tests.factories import make_incident

pytestmark = pytest.mark.django_db


def ubigeos(incident):
    return tuple(
        area.ubigeo if area else None
        for area in (incident.department, incident.province, incident.district)
    )


def test_pichari_capital_lands_in_pichari():
    assert ubigeos(make_incident(location=PICHARI)) == ("08", "0809", "080910")


def test_san_miguel_del_ene_lands_in_vizcatan_del_ene():
    assert ubigeos(make_incident(location=SAN_MIGUEL_DEL_ENE)) == ("12", "1206", "120609")


def test_a_point_in_the_pacific_is_rejected_with_a_clear_message(english):
    with pytest.raises(ValidationError) as error:
        make_incident(location=PACIFIC)
    assert error.value.message_dict["location"] == [
        "The point (longitude -80.00000, latitude -12.00000) is outside Peru's boundaries."
    ]
    assert Incident.objects.count() == 0


def test_moving_the_point_reassigns_areas_even_through_a_bulk_update():
    incident = make_incident(location=PICHARI)
    Incident.objects.filter(pk=incident.pk).update(location=SAN_MIGUEL_DEL_ENE)
    incident.refresh_from_db()
    assert ubigeos(incident) == ("12", "1206", "120609")


def test_areas_finer_than_the_known_level_stay_empty():
    huancavelica = AdminArea.objects.get(ubigeo="09")
    incident = make_incident(location=huancavelica.label_point, area_level="department",
                             geo_precision=Incident.GeoPrecision.AREA)
    assert ubigeos(incident) == ("09", None, None)
    province = AdminArea.objects.get(level="province", geom__intersects=huancavelica.label_point)
    incident.area_level = "province"
    incident.save()
    incident.refresh_from_db()
    assert ubigeos(incident) == ("09", province.ubigeo, None)


def test_a_point_on_a_shared_border_gets_the_lowest_ubigeo():
    # A vertex shared by Pichari (080910) and Kimbiri (080907), found in the database.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_X(v.p), ST_Y(v.p)
            FROM (SELECT (ST_DumpPoints(geom)).geom AS p FROM regions_adminarea
                  WHERE ubigeo = '080907') v
            JOIN regions_adminarea pichari
              ON pichari.ubigeo = '080910' AND ST_Intersects(v.p, pichari.geom)
            ORDER BY 1, 2 LIMIT 1
            """
        )
        x, y = cursor.fetchone()
    border_point = Point(x, y, srid=4326)
    covering = sorted(
        AdminArea.objects.filter(level="district", geom__intersects=border_point)
        .values_list("ubigeo", flat=True)
    )
    assert covering == ["080907", "080910"]
    assert ubigeos(make_incident(location=border_point))[2] == "080907"


def test_sub_event_type_must_belong_to_event_type_and_date_not_in_future():
    with pytest.raises(ValidationError) as error:
        make_incident(sub_event_type="Arrests", occurred_on=date(2999, 1, 1))
    assert set(error.value.message_dict) == {"sub_event_type", "occurred_on"}
