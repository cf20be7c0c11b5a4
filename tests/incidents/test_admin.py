"""The admin moves an incident's point and the district follows."""
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from incidents.models import Incident
from tests.factories import incident_form_data, make_actor, make_incident
from tests.places import PACIFIC, PICHARI, SAN_MIGUEL_DEL_ENE

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw-for-tests-only")
    client.force_login(user)
    return client




def geojson(point):
    return json.dumps({"type": "Point", "coordinates": [point.x, point.y]})


def test_moving_the_point_in_the_admin_reassigns_the_district(admin_client):
    incident = make_incident(location=PICHARI, actors=[make_actor()])
    assert incident.district.ubigeo == "080910"
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    response = admin_client.post(url, incident_form_data(incident, location=geojson(SAN_MIGUEL_DEL_ENE)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    incident.refresh_from_db()
    assert (incident.department.ubigeo, incident.province.ubigeo, incident.district.ubigeo) == (
        "12", "1206", "120609",
    )


def test_admin_refuses_a_point_outside_peru(admin_client):
    incident = make_incident(location=PICHARI)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    response = admin_client.post(url, incident_form_data(incident, location=geojson(PACIFIC)),
                                 headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["location"] == [
        "The point (longitude -80.00000, latitude -12.00000) is outside Peru's boundaries."
    ]
    incident.refresh_from_db()
    assert incident.district.ubigeo == "080910"


def test_change_form_uses_the_local_leaflet_widget(admin_client):
    incident = make_incident()
    html = admin_client.get(reverse("admin:incidents_incident_change", args=[incident.pk])).content.decode()
    assert "/static/leaflet/leaflet.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another host


def test_list_filters_by_department_and_searches(admin_client):
    make_incident(title="Clash in Pichari", location=PICHARI)
    make_incident(title="Clash in Vizcatan", location=SAN_MIGUEL_DEL_ENE)
    url = reverse("admin:incidents_incident_changelist")
    by_department = admin_client.get(url, {"department": "12"})
    assert [i.title for i in by_department.context["cl"].result_list] == ["Clash in Vizcatan"]
    by_search = admin_client.get(url, {"q": "pichari"})
    assert [i.title for i in by_search.context["cl"].result_list] == ["Clash in Pichari"]
    assert Incident.objects.count() == 2
