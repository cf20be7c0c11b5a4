"""Several values per filter (#15 part 5): `event_type=Battles&event_type=Protests` matches
either, in the list, the stats, the tiles' cache key and the OpenAPI schema; a bad value or too
many values is a 400 naming it."""
import pytest

from tests.places import PICHARI
from tests.tiles import tile_of

URL = "/api/v1/incidents/"
pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(feature["id"] for feature in response.json()["features"])


def pick(incidents, *keys):
    return sorted(incidents[k] for k in keys)


def test_every_value_of_a_repeated_filter_counts(api, incidents):
    assert ids(api.get(URL, {"event_type": ["Protests"]})) == pick(incidents, "lima")
    assert ids(api.get(URL, {"event_type": ["Battles", "Protests"]})) == pick(
        incidents, "pichari", "vizcatan", "lima", "border", "huancavelica")
    assert ids(api.get(URL, {"sub_event_type": ["Peaceful protest", "Armed clash"]})) == pick(
        incidents, "pichari", "vizcatan", "lima", "border", "huancavelica")
    # Districts of two departments; a department with a district of another one.
    assert ids(api.get(URL, {"region": ["080910", "080907"]})) == pick(incidents, "pichari", "border")
    assert ids(api.get(URL, {"region": ["09", "080907"]})) == pick(incidents, "huancavelica", "border")
    # A name and an alias of two actors.
    assert ids(api.get(URL, {"actor": ["Protesters (Peru)", "sendero luminoso"]})) == pick(
        incidents, "pichari", "vizcatan", "lima", "border")
    # Different filters must all hold: Battles or Protests, in Cusco.
    assert ids(api.get(URL, {"event_type": ["Battles", "Protests"], "region": ["08"]})) == pick(
        incidents, "pichari", "border")
    # The same value twice counts once.
    assert ids(api.get(URL, {"event_type": ["Protests", "Protests"]})) == pick(incidents, "lima")


def test_dataset_filter_takes_several_slugs(api, incidents):
    assert ids(api.get(URL, {"dataset": ["editor"]})) == pick(
        incidents, "pichari", "vizcatan", "lima", "border", "huancavelica")
    response = api.get(URL, {"dataset": ["editor", "nope"]})
    assert (response.status_code, response.json()) == (400, {"dataset": ["Unknown dataset 'nope'."]})


def test_sub_event_types_must_belong_to_one_of_the_event_types(api, incidents):
    both = {"event_type": ["Battles", "Protests"]}
    assert ids(api.get(URL, {**both, "sub_event_type": ["Armed clash"]})) == pick(
        incidents, "pichari", "vizcatan", "border", "huancavelica")
    response = api.get(URL, {**both, "sub_event_type": ["Armed clash", "Arrests"]})
    assert (response.status_code, response.json()) == (400, {
        "sub_event_type": ["'Arrests' is not a sub-event type of 'Battles' or 'Protests'."]})


@pytest.mark.parametrize("query, body", [
    ({"event_type": ["Battles", "War"]}, {"event_type": ['"War" is not a valid choice.']}),
    ({"region": ["08", "99"]}, {"region": ["Unknown ubigeo '99'."]}),
    ({"region": ["08", "123"]}, {"region": ["Expected an ubigeo of 2, 4 or 6 digits."]}),
    ({"actor": ["Shining Path", "x" * 201]}, {"actor": ["Ensure this field has no more than 200 characters."]}),
    ({"date_from": ["2018-01-01", "2019-01-01"]},
     {"date_from": ["Expected one value, got 2: ['2018-01-01', '2019-01-01']."]}),
    ({"event_type": ["Battles"] * 4}, None),  # duplicates count once: no error
])
def test_bad_or_repeated_values_are_a_400_naming_them(api, incidents, query, body):
    response = api.get(URL, query)
    if body is None:
        assert response.status_code == 200
    else:
        assert (response.status_code, response.json()) == (400, body)


def test_the_number_of_values_is_capped(api, incidents, settings):
    assert settings.FILTER_MAX_VALUES == 20
    ubigeos = [f"{n:02d}" for n in range(1, 22)]  # 21 department codes
    for url in (URL, "/api/v1/stats/", "/tiles/incidents/5/9/16.pbf"):
        response = api.get(url, {"region": ubigeos})
        assert (response.status_code, response.json()) == (
            400, {"region": ["At most 20 values (FILTER_MAX_VALUES), got 21."]}), url
    assert api.get(URL, {"region": ubigeos[:20]}).status_code == 200


def test_stats_count_every_value(api, incidents):
    body = api.get("/api/v1/stats/", {"event_type": ["Battles", "Protests"], "region": ["08", "15"]}).json()
    assert body["total"]["incidents"] == 3  # Pichari and the border (Cusco), Lima (Lima)
    assert body["by_event_type"] == [
        {"event_type": "Battles", "incidents": 2, "fatalities": 3, "injuries": 1},
        {"event_type": "Protests", "incidents": 1, "fatalities": 0, "injuries": None},
    ]


def test_a_tile_is_the_same_whatever_the_order_of_the_values(api, incidents):
    z, x, y = tile_of(PICHARI, 6)
    first = api.get(f"/tiles/incidents/{z}/{x}/{y}.pbf?event_type=Battles&event_type=Protests")
    second = api.get(f"/tiles/incidents/{z}/{x}/{y}.pbf?event_type=Protests&event_type=Battles")
    only_battles = api.get(f"/tiles/incidents/{z}/{x}/{y}.pbf?event_type=Battles")
    assert first.status_code == second.status_code == 200
    assert first["ETag"] == second["ETag"] != only_battles["ETag"]


def test_openapi_documents_repeatable_filters(api):
    schema = api.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/incidents/", "/api/v1/stats/"):
        params = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        for name in ("event_type", "sub_event_type", "actor", "region", "dataset"):
            assert params[name]["schema"]["type"] == "array", (path, name)
            assert params[name]["schema"]["maxItems"] == 20
            # OpenAPI's default for a query array: style form, exploded (name=a&name=b).
            assert params[name].get("style", "form") == "form" and params[name].get("explode", True)
            assert "repeat" in params[name]["description"]
        assert params["event_type"]["schema"]["items"]["enum"][:2] == ["Battles", "Explosions/Remote violence"]
    formats = {p["name"]: p for p in schema["paths"][URL]["get"]["parameters"]}["format"]["schema"]["enum"]
    assert formats == ["json", "geojson", "csv", "gpkg", "kml"]


def test_the_next_and_previous_links_keep_every_value_of_a_repeated_filter(api, incidents):
    """Following `next` must give the rest of the same filtered list, not a list filtered by
    the last value only (the links used to keep one value per name)."""
    from urllib.parse import parse_qs, urlsplit

    first = api.get(URL, {"event_type": ["Battles", "Protests"], "page_size": 2}).json()
    query = parse_qs(urlsplit(first["next"]).query)
    assert query["event_type"] == ["Battles", "Protests"] and query["page"] == ["2"]
    second = api.get(first["next"]).json()
    assert parse_qs(urlsplit(second["previous"]).query)["event_type"] == ["Battles", "Protests"]
    third = api.get(second["next"]).json()
    assert third["next"] is None
    seen = [f["id"] for page in (first, second, third) for f in page["features"]]
    assert sorted(seen) == pick(incidents, "pichari", "vizcatan", "lima", "border", "huancavelica")
