"""A small, hand-placed set of incidents whose filter answers are known in advance."""
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from rest_framework.test import APIClient

from incidents.models import Actor, Incident
from regions.models import AdminArea
from tests.conftest import LIMA, PICHARI, SAN_MIGUEL_DEL_ENE
from tests.factories import make_incident


def kimbiri_pichari_border_vertex():
    """A vertex shared by Kimbiri (080907) and Pichari (080910)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_AsText(v.p)
            FROM (SELECT (ST_DumpPoints(geom)).geom AS p FROM regions_adminarea
                  WHERE ubigeo = '080907') v
            JOIN regions_adminarea pichari
              ON pichari.ubigeo = '080910' AND ST_Intersects(v.p, pichari.geom)
            ORDER BY ST_X(v.p), ST_Y(v.p) LIMIT 1
            """
        )
        from django.contrib.gis.geos import GEOSGeometry

        return GEOSGeometry(cursor.fetchone()[0], srid=4326)


@pytest.fixture
def incidents(db):
    army = Actor.objects.create(name="Military Forces of Peru", kind=1, aliases=["Peruvian Army"])
    sl = Actor.objects.create(name="Shining Path", kind=2, aliases=["Sendero Luminoso"])
    protesters = Actor.objects.create(name="Protesters (Peru)", kind=6)
    huancavelica = AdminArea.objects.get(ubigeo="09")
    made = {
        "pichari": make_incident(
            title="Clash in Pichari", location=PICHARI, occurred_on=date(2018, 6, 1),
            fatalities=2, injuries=1, actors=[army, sl],
        ),
        "vizcatan": make_incident(
            title="Ambush near San Miguel del Ene", location=SAN_MIGUEL_DEL_ENE,
            occurred_on=date(2018, 6, 24), actors=[army, sl], description="Soldiers ambushed on the Ene river",
        ),
        "lima": make_incident(
            title="March in Lima", location=LIMA, occurred_on=date(2019, 1, 15),
            event_type="Protests", sub_event_type="Peaceful protest", fatalities=0, actors=[protesters],
        ),
        "border": make_incident(
            title="Patrol attacked on the Kimbiri-Pichari border", occurred_on=date(2018, 7, 2),
            location=kimbiri_pichari_border_vertex(), fatalities=1, actors=[sl],
        ),
        "huancavelica": make_incident(
            title="Police ambushed in Huancavelica", location=huancavelica.label_point,
            area_level="department", geo_precision=3, occurred_on=date(2018, 6, 7), fatalities=4,
        ),
        "draft": make_incident(
            title="Unreviewed report", location=PICHARI, occurred_on=date(2018, 6, 2),
            status=Incident.Status.DRAFT,
        ),
    }
    return {key: incident.pk for key, incident in made.items()}


@pytest.fixture
def api():
    return APIClient()


def user_with(*codenames):
    user = get_user_model().objects.create_user(f"user-{'-'.join(codenames) or 'none'}", password="x-for-tests")
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def editor_api():
    client = APIClient()
    client.force_authenticate(user_with("add_incident", "change_incident", "delete_incident", "view_incident"))
    return client
