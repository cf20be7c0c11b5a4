"""The OpenAPI document types the /api/v1/ GeoJSON answers (core/openapi.py builds them from the
feature expressions): each real answer validates against its documented schema, and the
incident Feature lists exactly the properties the endpoint returns."""
import jsonschema
import pytest

pytestmark = pytest.mark.django_db


def _openapi_30_to_json_schema(schema):
    """OpenAPI 3.0's `nullable: true` is JSON Schema's type [T, "null"]."""
    if isinstance(schema, list):
        return [_openapi_30_to_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _openapi_30_to_json_schema(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


@pytest.fixture
def documented(api):
    schema = api.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json").json()

    def response_schema(path):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        return content["application/json"]["schema"]
    return response_schema


@pytest.mark.parametrize("path, url, query", [
    ("/api/v1/incidents/", "/api/v1/incidents/", {}),
    ("/api/v1/incidents/", "/api/v1/incidents/", {"count_max": "2", "page_size": "1"}),
    ("/api/v1/incidents/", "/api/v1/incidents/", {"min_fatalities": "0", "date_from": "2030-01-01"}),
    ("/api/v1/incidents/", "/api/v1/incidents/", {"min_fatalities": "0", "count_max": "1", "page_size": "0"}),
    ("/api/v1/incidents/{id}/", "/api/v1/incidents/{pichari}/", {}),
    ("/api/v1/regions/", "/api/v1/regions/", {"level": "department"}),
    ("/api/v1/regions/", "/api/v1/regions/", {"level": "province", "parent": "08", "geometry": "false"}),
    ("/api/v1/regions/{ubigeo}/", "/api/v1/regions/080910/", {"date_from": "2018-01-01"}),
    ("/api/v1/advisories/", "/api/v1/advisories/", {"on": "2024-06-01"}),
    ("/api/v1/stats/", "/api/v1/stats/", {"level": "district"}),
])
def test_each_answer_validates_against_its_documented_schema(api, incidents, documented, path, url, query):
    schema = documented(path)
    assert schema["type"] == "object" and schema["properties"], "a bare object again"
    response = api.get(url.format(**incidents), query)
    assert response.status_code == 200, response.content
    jsonschema.validate(response.json(), _openapi_30_to_json_schema(schema))


def test_the_documented_incident_feature_lists_the_properties_returned(api, incidents, documented):
    feature = documented("/api/v1/incidents/{id}/")
    returned = api.get(f"/api/v1/incidents/{incidents['pichari']}/").json()
    assert list(feature["properties"]["properties"]["properties"]) == list(returned["properties"])
    assert feature["properties"]["geometry"]["properties"]["type"]["enum"] == ["Point"]
    page = documented("/api/v1/incidents/")
    assert page["properties"]["features"]["items"] == feature
    listed = api.get("/api/v1/incidents/").json()
    assert set(page["properties"]) == set(listed) | {"count_capped", "left_out", "extent"}
    types = {name: schema["type"] for name, schema in feature["properties"]["properties"]["properties"].items()}
    assert (types["id"], types["fatalities"], types["uncertainty_km"], types["actors"],
            types["occurred_on"], types["updated_at"]) == ("integer", "integer", "number", "array", "string", "string")


def test_region_and_zone_features_list_the_properties_returned(api, incidents, documented):
    region = documented("/api/v1/regions/{ubigeo}/")["properties"]["properties"]["properties"]
    returned = api.get("/api/v1/regions/080910/").json()["properties"]
    assert list(region) == list(returned)
    zones = documented("/api/v1/advisories/")
    answer = api.get("/api/v1/advisories/", {"on": "2024-06-01"}).json()
    documented_zone = zones["properties"]["features"]["items"]["properties"]["properties"]["properties"]
    assert list(documented_zone) == list(answer["features"][0]["properties"])
    assert list(zones["properties"]) == ["type", "on", "reference_areas", "features"]
