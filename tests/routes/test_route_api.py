"""/api/v1/route-check/: GET and POST, bounds on N and M, ambiguous places, the work rate, and
the OpenAPI description."""
from datetime import date, timedelta

import jsonschema
import pytest

from security.throttling import WorkRateThrottle
from tests.factories import make_incident
from tests.places import PICHARI

pytestmark = pytest.mark.django_db

URL = "/api/v1/route-check/"


@pytest.fixture
def recent(db):
    return {
        "pichari": make_incident(title="Clash in Pichari", location=PICHARI,
                                 occurred_on=date.today() - timedelta(days=3), fatalities=2).pk,
        "old": make_incident(title="Old clash in Pichari", location=PICHARI,
                             occurred_on=date.today() - timedelta(days=400)).pk,
    }


def test_get_with_places(api, recent):
    response = api.get(URL, {"stop": ["Huanta", "Pichari"], "km": "5", "days": "30"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(s["name"], s["ubigeo"], s["areas"]) for s in body["stops"]] == [
        ("Huanta", "050401", ["Ayacucho"]), ("Pichari", "080910", ["La Convención", "Cusco"])]
    assert body["route"]["properties"] == {"source": "places", "length_km": 65.026, "legs_km": [65.026],
                                           "note": "Straight lines between the places, not roads."}
    assert [(z["slug"], z["issuer_level"], z["km_inside"], z["share"]) for z in body["zones"]] == [
        ("us-vraem", "Level 4: Do Not Travel", 65.026, 1.0),
        ("uk-vraem", "Advise against all but essential travel", 65.026, 1.0),
        ("vraem", "", 65.026, 1.0)]
    assert [(d["name"], round(d["km_inside"], 1)) for d in body["districts"]] == [
        ("Huanta", 12.3), ("Chaca", 3.0), ("Uchuraccay", 13.8), ("Sivia", 33.2), ("Pichari", 2.8)]
    assert body["incidents"]["count"] == 1
    (feature,) = body["incidents"]["features"]
    assert (feature["id"], feature["properties"]["distance_km"], feature["properties"]["fatalities"]) == (
        recent["pichari"], 0.021, 2)  # tests.places.PICHARI is 21 m from the gazetteer's
    assert (body["date_from"], body["date_to"]) == (
        (date.today() - timedelta(days=30)).isoformat(), date.today().isoformat())


def test_post_json_line_and_form_places_agree(api, recent):
    line = api.post(URL, {"line": "-74.248056,-12.939444;-73.829167,-12.519444", "days": 500},
                    format="json").json()
    form = api.post(URL, {"stop": ["Huanta", "Pichari"], "days": "500"}, format="multipart").json()
    assert line["route"]["properties"]["source"] == "line"
    assert [f["id"] for f in line["incidents"]["features"]] == [f["id"] for f in form["incidents"]["features"]] \
        == [recent["old"], recent["pichari"]]  # same place: oldest first
    # The places' route follows the geodesic (densified); the line is taken as given: the same
    # districts, the km within metres.
    assert [d["ubigeo"] for d in line["districts"]] == [d["ubigeo"] for d in form["districts"]]
    assert all(abs(a["km_inside"] - b["km_inside"]) < 0.05
               for a, b in zip(line["districts"], form["districts"]))


def test_an_ambiguous_place_is_a_400_with_choices_and_a_choice_resolves(api):
    response = api.get(URL, {"stop": ["Pichari", "San Francisco"]})
    assert response.status_code == 400
    body = response.json()
    assert body["stop"] == ["'San Francisco' names 7 places; choose one, or add its district after a comma."]
    (problem,) = body["choices"]
    assert (problem["stop"], problem["problem"]) == (2, "ambiguous")
    ayna = [c for c in problem["choices"] if c["ubigeo"] == "050503"]
    assert [c["value"] for c in ayna] == ["San Francisco [050503]"]
    assert ayna[0]["areas"] == ["Ayna", "La Mar", "Ayacucho"]
    chosen = api.get(URL, {"stop": ["Pichari", ayna[0]["value"]]})
    assert chosen.status_code == 200
    assert [s["ubigeo"] for s in chosen.json()["stops"]] == ["080910", "050503"]
    narrowed = api.get(URL, {"stop": ["Pichari", "San Francisco, Ayna"]}).json()
    assert narrowed["stops"][1]["code"] == "050503"


def test_an_unknown_place_is_named(api):
    response = api.get(URL, {"stop": ["Pichari", "Xqzwv"]})
    assert response.status_code == 400
    assert response.json()["choices"] == [{"stop": 2, "text": "Xqzwv", "problem": "not_found", "choices": []}]


@pytest.mark.parametrize("query, field, message", [
    ({"stop": ["Huanta", "Pichari"], "km": "51"}, "km", "Ensure this value is less than or equal to 50."),
    ({"stop": ["Huanta", "Pichari"], "km": "-1"}, "km", "Ensure this value is greater than or equal to 0."),
    ({"stop": ["Huanta", "Pichari"], "days": "3651"}, "days", "Ensure this value is less than or equal to 3650."),
    ({"stop": ["Huanta", "Pichari"], "days": "0"}, "days", "Ensure this value is greater than or equal to 1."),
    ({"stop": ["Huanta"], "line": "-74,-12;-73,-12"}, "stop",
     "Give the route one way: stop (places, repeated), line (lon,lat;lon,lat;…) or, with POST, "
     "file (GPX, KML or GeoJSON)."),
    ({}, "stop", "Give the route one way: stop (places, repeated), line (lon,lat;lon,lat;…) or, "
     "with POST, file (GPX, KML or GeoJSON)."),
    ({"stop": ["Huanta"]}, "stop", "Give at least two places, one per line."),
    ({"line": "-74,-12"}, "line", "A route needs at least two points, got 1."),
    ({"line": "-74,-12;x,y"}, "line", "Point 2: expected lon,lat, got 'x,y'."),
    ({"line": "-74,-12;-73,-95"}, "line", "Point 2: expected longitude in [-180, 180] and latitude in [-90, 90]."),
    ({"line": "-74,-12;-74,-12"}, "line", "The route is shorter than 10 m; give two different places or points."),
])
def test_bad_parameters_are_400s_naming_them(api, query, field, message):
    response = api.get(URL, query)
    assert response.status_code == 400
    assert response.json()[field] == [message]


def test_too_many_stops_and_points(api, settings):
    response = api.get(URL, {"stop": ["Pichari"] * 21})
    assert response.status_code == 400
    assert response.json()["stop"] == ["Ensure this field has no more than 20 elements."]
    settings.ROUTE_MAX_POINTS = 3
    response = api.get(URL, {"line": ";".join(f"-74.{i},-12.{i}" for i in range(1, 5))})
    assert response.json()["line"] == ["A route has at most 3 points (ROUTE_MAX_POINTS), got 4; simplify the line."]


def test_route_checks_count_against_their_work_rate(api, monkeypatch):
    monkeypatch.setattr(WorkRateThrottle, "THROTTLE_RATES", {"route_checks": "2/minute"})
    query = {"line": "-74.2,-12.9;-73.8,-12.5"}
    codes = [api.get(URL, query).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert api.get(URL, {"km": "99"}).status_code == 400  # refused before any work: not counted


def test_openapi_documents_get_and_post_with_their_parameters(api, recent):
    schema = api.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json").json()
    path = schema["paths"]["/api/v1/route-check/"]
    params = {p["name"]: p for p in path["get"]["parameters"]}
    assert set(params) == {"stop", "line", "km", "days"}
    assert params["stop"]["schema"]["type"] == "array" and params["km"]["schema"]["maximum"] == 50
    assert "not the road" in params["stop"]["description"]
    body = path["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data", "application/x-www-form-urlencoded"}
    upload = schema["components"]["schemas"][body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert upload["properties"]["file"]["format"] == "binary"
    documented = path["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    answer = api.get(URL, {"stop": ["Huanta", "Pichari"]}).json()
    jsonschema.validate(answer, _json_schema(documented))


def _json_schema(schema):
    """OpenAPI 3.0's `nullable: true` as JSON Schema's "or null"."""
    if isinstance(schema, list):
        return [_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _json_schema(v) for k, v in schema.items() if k != "nullable"}
    return {"anyOf": [out, {"type": "null"}]} if schema.get("nullable") else out
