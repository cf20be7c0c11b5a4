"""Filters of /api/v1/incidents/ against answers worked out by hand."""
import pytest
from pyproj import Geod

from tests.places import PICHARI, SAN_MIGUEL_DEL_ENE

URL = "/api/v1/incidents/"
pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return sorted(feature["id"] for feature in response.json()["features"])


def pick(incidents, *keys):
    return sorted(incidents[k] for k in keys)


def test_list_is_rfc7946_geojson_of_published_incidents_only(api, incidents):
    body = api.get(URL).json()
    assert body["type"] == "FeatureCollection" and "crs" not in body
    assert body["count"] == 5
    assert sorted(f["id"] for f in body["features"]) == pick(
        incidents, "pichari", "vizcatan", "lima", "border", "huancavelica"
    )
    pichari = next(f for f in body["features"] if f["id"] == incidents["pichari"])
    assert pichari["geometry"] == {"type": "Point", "coordinates": [round(PICHARI.x, 6), round(PICHARI.y, 6)]}
    props = pichari["properties"]
    assert (props["department"], props["province"], props["district"]) == ("08", "0809", "080910")
    assert props["actors"] == ["Military Forces of Peru", "Shining Path"]
    assert (props["fatalities"], props["injuries"], props["occurred_on"]) == (2, 1, "2018-06-01")


def test_bbox_is_a_true_intersection(api, incidents):
    # A box around the VRAEM holds Pichari, San Miguel del Ene and the border point, not Lima.
    assert ids(api.get(URL, {"bbox": "-74.5,-12.8,-73.5,-12.0"})) == pick(
        incidents, "pichari", "vizcatan", "border"
    )
    # Edges exactly through the Pichari point still count it (intersection, boundary included).
    edge = f"{PICHARI.x},{PICHARI.y},{PICHARI.x + 0.1},{PICHARI.y + 0.1}"
    assert incidents["pichari"] in ids(api.get(URL, {"bbox": edge}))


def test_dates_types_fatalities_and_text(api, incidents):
    assert ids(api.get(URL, {"date_from": "2018-06-07", "date_to": "2018-06-30"})) == pick(
        incidents, "vizcatan", "huancavelica"
    )
    assert ids(api.get(URL, {"event_type": "Protests"})) == pick(incidents, "lima")
    assert ids(api.get(URL, {"sub_event_type": "Armed clash"})) == pick(
        incidents, "pichari", "vizcatan", "border", "huancavelica"
    )
    # Unknown fatalities (NULL) are not "at least 0"; a recorded 0 is.
    assert ids(api.get(URL, {"min_fatalities": 0})) == pick(incidents, "pichari", "lima", "border", "huancavelica")
    assert ids(api.get(URL, {"min_fatalities": 2})) == pick(incidents, "pichari", "huancavelica")
    assert ids(api.get(URL, {"q": "ENE RIVER"})) == pick(incidents, "vizcatan")


def test_actor_by_name_or_alias_ignoring_case(api, incidents):
    assert ids(api.get(URL, {"actor": "sendero luminoso"})) == pick(incidents, "pichari", "vizcatan", "border")
    assert ids(api.get(URL, {"actor": "Military Forces of Peru"})) == pick(incidents, "pichari", "vizcatan")
    assert ids(api.get(URL, {"actor": "Nobody"})) == []


def test_region_at_each_level_and_a_point_on_a_district_border(api, incidents):
    assert ids(api.get(URL, {"region": "08"})) == pick(incidents, "pichari", "border")
    assert ids(api.get(URL, {"region": "0809"})) == pick(incidents, "pichari", "border")
    # The border vertex belongs to both districts; it is assigned to the lower ubigeo only.
    assert ids(api.get(URL, {"region": "080910"})) == pick(incidents, "pichari")
    assert ids(api.get(URL, {"region": "080907"})) == pick(incidents, "border")
    # Known only at department level: in Huancavelica, in none of its provinces.
    assert ids(api.get(URL, {"region": "09"})) == pick(incidents, "huancavelica")
    assert ids(api.get(URL, {"region": "0901"})) == []


def test_radius_is_geodesic_km_across_a_department_boundary(api, incidents):
    # From Pichari (Cusco) to San Miguel del Ene (Junín), on the WGS 84 ellipsoid.
    _, _, metres = Geod(ellps="WGS84").inv(PICHARI.x, PICHARI.y, SAN_MIGUEL_DEL_ENE.x, SAN_MIGUEL_DEL_ENE.y)
    km = metres / 1000
    near = f"{PICHARI.x},{PICHARI.y}"
    inside = ids(api.get(URL, {"near": near, "radius_km": km + 0.05}))
    outside = ids(api.get(URL, {"near": near, "radius_km": km - 0.05}))
    assert incidents["vizcatan"] in inside and incidents["vizcatan"] not in outside
    assert incidents["pichari"] in outside
    assert incidents["lima"] not in inside


def test_ordering_and_pagination_links(api, incidents):
    first = api.get(URL, {"ordering": "occurred_on", "page_size": 2}).json()
    assert [f["properties"]["occurred_on"] for f in first["features"]] == ["2018-06-01", "2018-06-07"]
    assert (first["count"], first["previous"]) == (5, None)
    assert first["next"].startswith("http://testserver/api/v1/incidents/?")
    second = api.get(first["next"]).json()
    assert [f["properties"]["occurred_on"] for f in second["features"]] == ["2018-06-24", "2018-07-02"]
    third = api.get(second["next"]).json()
    assert [f["properties"]["occurred_on"] for f in third["features"]] == ["2019-01-15"]
    assert third["next"] is None and third["previous"] is not None
    by_deaths = api.get(URL, {"ordering": "-fatalities", "min_fatalities": 0}).json()["features"]
    assert [f["properties"]["fatalities"] for f in by_deaths] == [4, 2, 1, 0]


def test_detail_and_unpublished_visibility(api, editor_api, incidents):
    feature = api.get(f"{URL}{incidents['lima']}/").json()
    assert feature["type"] == "Feature" and feature["properties"]["title"] == "March in Lima"
    assert api.get(f"{URL}{incidents['draft']}/").status_code == 404
    assert editor_api.get(f"{URL}{incidents['draft']}/").status_code == 200
    assert editor_api.get(URL).json()["count"] == 6


def test_list_query_count_does_not_grow_with_the_page(api, incidents):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def list_queries(params=None):
        # The throttles' bookkeeping (one upsert of a counter, security/throttling.py) and the
        # answer cache's key (the published data version, core/answer_cache.py) aside.
        with CaptureQueriesContext(connection) as captured:
            response = api.get(URL, params or {})
        assert response.status_code == 200
        return [q["sql"] for q in captured.captured_queries
                if not any(word in q["sql"] for word in ("security_rate_counter", "incidents_data_version"))]

    # One COUNT, one query that writes the whole page's GeoJSON.
    assert len(list_queries({"page_size": 1})) == 2
    assert len(list_queries()) == 2


def test_clients_may_ask_for_the_geojson_media_type(api, incidents):
    response = api.get(URL, HTTP_ACCEPT="application/geo+json")
    assert response.status_code == 200
    assert response.json()["count"] == 5


def test_count_max_stops_counting_and_says_so(api, incidents):
    capped = api.get("/api/v1/incidents/?page_size=1&count_max=3").json()
    assert (capped["count"], capped["count_capped"], len(capped["features"])) == (3, True, 1)
    assert capped["next"] is not None
    exact = api.get("/api/v1/incidents/?page_size=1&count_max=5").json()
    assert (exact["count"], exact["count_capped"]) == (5, False)
    assert api.get("/api/v1/incidents/?count_max=0").json() == {
        "count_max": ["Ensure this value is greater than or equal to 1."]}


def test_page_size_zero_gives_only_the_count(api, incidents):
    body = api.get("/api/v1/incidents/?page_size=0&count_max=2").json()
    assert (body["count"], body["count_capped"], body["features"], body["next"]) == (2, True, [], None)
    assert api.get("/api/v1/incidents/?page_size=0").json()["count"] == 5
