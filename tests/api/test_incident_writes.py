"""Writes need authentication and model permissions; validation errors are field messages."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from incidents.models import Incident
from tests.places import PACIFIC, SAN_MIGUEL_DEL_ENE

from tests.factories import user_with

URL = "/api/v1/incidents/"
pytestmark = pytest.mark.django_db


def feature(**properties):
    props = {
        "title": "Clash reported near San Miguel del Ene",
        "occurred_on": "2018-06-24",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "fatalities": 1,
        "injuries": None,
        "actors": [],
        "status": "draft",
    }
    geometry = properties.pop("geometry", {"type": "Point", "coordinates": [SAN_MIGUEL_DEL_ENE.x, SAN_MIGUEL_DEL_ENE.y]})
    props.update(properties)
    return {"type": "Feature", "geometry": geometry, "properties": props}


def test_anonymous_cannot_write(api, incidents):
    response = api.post(URL, feature(), format="json")
    assert response.status_code in (401, 403)
    assert api.delete(f"{URL}{incidents['lima']}/").status_code in (401, 403)
    assert api.patch(f"{URL}{incidents['lima']}/", {"properties": {"title": "x"}}, format="json").status_code in (401, 403)
    assert Incident.objects.count() == 6


def test_authenticated_without_permission_is_refused(incidents):
    client = APIClient()
    client.force_authenticate(user_with())
    assert client.post(URL, feature(), format="json").status_code == 403
    assert client.delete(f"{URL}{incidents['lima']}/").status_code == 403
    assert Incident.objects.count() == 6


def test_editor_creates_with_token_auth_and_areas_are_assigned(incidents):
    token = Token.objects.create(user=user_with("add_incident"))
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(URL, feature(), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["properties"]["district"] == "120609"
    assert created["properties"]["status"] == "draft"
    assert Incident.objects.get(pk=created["id"]).fatalities == 1


def test_editor_moves_and_deletes_a_draft(editor_api, incidents):
    url = f"{URL}{incidents['draft']}/"
    moved = editor_api.patch(
        url, {"type": "Feature", "geometry": {"type": "Point", "coordinates": [SAN_MIGUEL_DEL_ENE.x, SAN_MIGUEL_DEL_ENE.y]},
              "properties": {"version": 1}}, format="json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["properties"]["district"] == "120609"
    assert editor_api.delete(url).status_code == 204
    assert not Incident.objects.filter(pk=incidents["draft"]).exists()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"geometry": {"type": "Point", "coordinates": [PACIFIC.x, PACIFIC.y]}}, "location", "outside Peru"),
        ({"occurred_on": "2999-01-01"}, "occurred_on", "in the future"),
        ({"fatalities": -3}, "fatalities", "greater than or equal to 0"),
        ({"injuries": -1}, "injuries", "greater than or equal to 0"),
        ({"event_type": "War"}, "event_type", "not a valid choice"),
        ({"event_type": "Protests", "sub_event_type": "Armed clash"}, "sub_event_type", "not a sub-event type"),
        ({"actors": ["Nobody at all"]}, "actors", "does not exist"),
        ({"geometry": {"type": "Point", "coordinates": ["x", 1]}}, "location", ""),
    ],
)
def test_validation_errors_are_400_with_field_messages(editor_api, incidents, change, field, message):
    response = editor_api.post(URL, feature(**change), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert message in " ".join(map(str, body[field]))
    assert Incident.objects.count() == 6


def test_staff_needs_permissions_too_and_a_superuser_has_them(incidents):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("staff", password="x-for-tests", is_staff=True)
    client = APIClient()
    client.force_authenticate(staff)
    assert client.post(URL, feature(), format="json").status_code == 403
    assert client.get(f"{URL}{incidents['draft']}/").status_code == 404
    root = get_user_model().objects.create_superuser("root", password="x-for-tests")
    client.force_authenticate(root)
    assert client.post(URL, feature(), format="json").status_code == 201
    assert client.get(f"{URL}{incidents['draft']}/").status_code == 200


def test_a_stated_location_uncertainty_is_kept_and_published(editor_api, incidents):
    """Written and read as `uncertainty_km`; the former write name is still accepted."""
    response = editor_api.post(URL, feature(geo_precision=2, uncertainty_km=3.5), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["uncertainty_km"] == 3.5
    assert "location_uncertainty_km" not in response.json()["properties"]
    read = editor_api.get(f"{URL}{response.json()['id']}/").json()
    assert read["properties"]["uncertainty_km"] == 3.5
    # An update sends back what it read, under the same name.
    changed = editor_api.patch(f"{URL}{response.json()['id']}/", {"type": "Feature", "properties": {
        "uncertainty_km": 4.0, "version": read["properties"]["version"]}}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["properties"]["uncertainty_km"] == 4.0
    bad = editor_api.post(URL, feature(uncertainty_km=-1), format="json")
    assert bad.status_code == 400
    assert bad.json() == {"uncertainty_km": ["Ensure this value is greater than or equal to 0."]}


def test_the_former_write_name_of_the_uncertainty_is_still_accepted(editor_api, incidents):
    response = editor_api.post(URL, feature(geo_precision=2, location_uncertainty_km=2.5), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["uncertainty_km"] == 2.5
    same = editor_api.post(URL, feature(uncertainty_km=1.5, location_uncertainty_km=1.5), format="json")
    assert same.status_code == 201 and same.json()["properties"]["uncertainty_km"] == 1.5
    bad = editor_api.post(URL, feature(location_uncertainty_km=-1), format="json")
    assert bad.status_code == 400
    assert bad.json() == {"location_uncertainty_km": ["Ensure this value is greater than or equal to 0."]}
    both = editor_api.post(URL, feature(uncertainty_km=1, location_uncertainty_km=2), format="json")
    assert both.status_code == 400
    assert both.json() == {"location_uncertainty_km": [
        "Deprecated name of uncertainty_km: send one of the two, or the same value in both."]}
    schema = editor_api.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json").json()
    request = schema["components"]["schemas"]["Incident"]["properties"]["properties"]["properties"]
    assert request["location_uncertainty_km"]["deprecated"] is True
    assert request["location_uncertainty_km"]["description"].startswith("Deprecated: the former name")
    assert request["uncertainty_km"]["description"].endswith("The same name as in reads.")
