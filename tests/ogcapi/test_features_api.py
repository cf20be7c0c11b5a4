"""OGC API - Features (ogcapi/): each requirement class claimed in /conformance, checked with
the test client on the `incidents` fixture (5 published incidents, 1 draft) and the real
boundaries and advisory zones. Real clients (GDAL, geopandas) are in
tests/browser/test_ogc_clients.py."""
import json
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db

ITEMS = "/ogc/collections/incidents/items"


def _items(api, url=ITEMS, **query):
    response = api.get(url, query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return response.json()


def _titles(document):
    return sorted(f["properties"]["title"] for f in document["features"])


def test_landing_page_links_the_definition_conformance_and_collections(api):
    document = api.get("/ogc/", {"f": "json"}).json()
    rels = {link["rel"]: link["href"] for link in document["links"]}
    assert rels["service-desc"] == "http://testserver/ogc/api?f=json"
    assert rels["conformance"] == "http://testserver/ogc/conformance"
    assert rels["data"] == "http://testserver/ogc/collections"
    assert rels["related"] == "http://testserver/ogc/vraem.qgs"
    definition = api.get("/ogc/api", {"f": "json"})
    assert definition["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert definition.json()["openapi"].startswith("3.0")


def test_conformance_lists_the_classes_claimed(api):
    assert api.get("/ogc/conformance").json()["conformsTo"] == [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    ]


def test_collections_with_extents_and_item_links(api, incidents):
    document = api.get("/ogc/collections").json()
    by_id = {c["id"]: c for c in document["collections"]}
    assert list(by_id) == ["incidents", "departments", "provinces", "districts", "advisory-zones"]
    assert by_id["incidents"]["extent"]["temporal"]["interval"] == [["2018-06-01T00:00:00Z", "2019-01-15T23:59:59Z"]]
    items = [link for link in by_id["districts"]["links"] if link["rel"] == "items"]
    assert [(link["href"], link["type"]) for link in items] == [
        ("http://testserver/ogc/collections/districts/items?f=json", "application/geo+json"),
        ("http://testserver/ogc/collections/districts/items?f=html", "text/html"),
    ]
    assert api.get("/ogc/collections/nowhere").status_code == 404


def test_items_page_through_next_links_with_counts(api, incidents):
    seen, url, query, pages = [], ITEMS, {"limit": 2}, []
    while url:
        document = _items(api, url, **query)
        pages.append((document["numberMatched"], document["numberReturned"]))
        seen += [f["id"] for f in document["features"]]
        nxt = [link["href"] for link in document["links"] if link["rel"] == "next"]
        url, query = (nxt[0].removeprefix("http://testserver"), {}) if nxt else (None, {})
    assert pages == [(5, 2), (5, 2), (5, 1)]
    published = sorted(v for k, v in incidents.items() if k != "draft")
    assert seen == published


def test_drafts_never_appear_anonymously_but_editors_see_them(api, editor_api, incidents):
    assert _items(api)["numberMatched"] == 5
    assert api.get(f"{ITEMS}/{incidents['draft']}").status_code == 404
    assert _items(editor_api)["numberMatched"] == 6
    assert editor_api.get(f"{ITEMS}/{incidents['draft']}").json()["properties"]["status"] == "draft"


def test_property_filters_and_datetime_intervals(api, incidents):
    assert _items(api, event_type="Protests")["numberMatched"] == 1
    assert _items(api, event_type="Battles")["numberMatched"] == 4
    assert _titles(_items(api, actor="Sendero Luminoso")) == [
        "Ambush near San Miguel del Ene", "Clash in Pichari", "Patrol attacked on the Kimbiri-Pichari border"]
    assert _titles(_items(api, region="09")) == ["Police ambushed in Huancavelica"]
    assert _titles(_items(api, datetime="2018-06-01/2018-06-30")) == [
        "Ambush near San Miguel del Ene", "Clash in Pichari", "Police ambushed in Huancavelica"]
    assert _titles(_items(api, datetime="2019-01-01/..")) == ["March in Lima"]
    assert _titles(_items(api, datetime="2018-06-24T10:00:00Z")) == ["Ambush near San Miguel del Ene"]


def test_bbox_in_crs84_and_in_epsg_4326_axis_order(api, incidents):
    lima = ["March in Lima"]
    assert _titles(_items(api, bbox="-77.2,-12.3,-76.8,-11.9")) == lima
    assert _titles(_items(api, bbox="-77.2,-12.3,-76.8,-11.9",
                          **{"bbox-crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"})) == lima
    assert _titles(_items(api, bbox="-12.3,-77.2,-11.9,-76.8",
                          **{"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/4326"})) == lima


@pytest.mark.parametrize("query, name", [
    ({"limit": "0"}, "limit"), ({"offset": "-1"}, "offset"), ({"bbox": "1,2,3"}, "bbox"),
    ({"bbox": "10,0,0,10"}, "bbox"), ({"bbox": "1,2,3,4", "bbox-crs": "EPSG:3857"}, "bbox-crs"),
    ({"datetime": "2018-13-01"}, "datetime"), ({"datetime": "2019-01-01/2018-01-01"}, "datetime"),
    ({"event_type": "Picnics"}, "event_type"), ({"colour": "red"}, "colour"), ({"f": "xml"}, "f"),
])
def test_bad_parameters_are_400s_naming_them(api, query, name):
    response = api.get(ITEMS, query)
    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_limit_above_the_maximum_is_reduced(api, settings, incidents):
    settings.OGC_ITEMS_MAX_LIMIT = 3
    document = _items(api, limit=1000)
    assert (document["numberMatched"], document["numberReturned"]) == (5, 3)


def test_areas_and_zones_by_id_with_counter_clockwise_exteriors(api):
    district = _items(api, "/ogc/collections/districts/items/120609")
    assert (district["id"], district["properties"]["name"], district["geometry"]["type"]) == (
        "120609", "Vizcatán del Ene", "MultiPolygon")
    assert _items(api, "/ogc/collections/departments/items")["numberMatched"] == 25
    assert _items(api, "/ogc/collections/provinces/items", parent="12")["numberMatched"] == 9
    zones = _items(api, "/ogc/collections/advisory-zones/items", severity=4)
    assert sorted(f["id"] for f in zones["features"]) == ["us-colombia-border", "us-vraem"]
    assert {f["properties"]["issuer_level"] for f in zones["features"]} == {"Level 4: Do Not Travel"}
    for feature in [district, *zones["features"]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT ST_IsPolygonCCW(ST_GeomFromGeoJSON(%s))", [json.dumps(feature["geometry"])])
            assert cursor.fetchone()[0] is True, feature["id"]


def test_queryables_document(api):
    response = api.get("/ogc/collections/incidents/queryables")
    assert response["Content-Type"] == "application/schema+json"
    document = response.json()
    assert document["$id"] == "http://testserver/ogc/collections/incidents/queryables"
    assert sorted(document["properties"]) == ["actor", "event_type", "region", "sub_event_type"]
    assert sorted(api.get("/ogc/collections/advisory-zones/queryables").json()["properties"]) == ["issuer", "kind", "severity"]


def test_html_representation_escapes_titles(api, incidents):
    from incidents.models import Incident

    Incident.objects.filter(pk=incidents["lima"]).update(title="<script>alert(1)</script>")
    html = api.get(ITEMS, {"f": "html"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    browser = api.get("/ogc/collections", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert browser["Content-Type"] == "text/html; charset=utf-8"


def test_openapi_types_the_items_of_each_collection(api):
    schema = api.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/ogc/collections/incidents/items"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"limit", "offset", "bbox", "bbox-crs", "datetime", "event_type",
                     "sub_event_type", "actor", "region", "f"}
    body = operation["responses"]["200"]["content"]["application/geo+json"]["schema"]
    feature = body["properties"]["features"]["items"]
    assert feature["properties"]["geometry"]["properties"]["type"]["enum"] == ["Point"]
    assert feature["properties"]["properties"]["properties"]["fatalities"] == {"type": "integer", "nullable": True}


def test_ogc_items_are_throttled_like_the_api(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    assert [api.get(ITEMS).status_code for _ in range(3)] == [200, 200, 429]


def test_qgis_project_opens_this_servers_collections(api):
    response = api.get("/ogc/vraem.qgs")
    assert response["Content-Type"] == "application/x-qgis-project"
    root = ET.fromstring(response.content.split(b"\n", 1)[1])
    layers = root.findall("projectlayers/maplayer")
    assert [layer.findtext("provider") for layer in layers] == ["OAPIF"] * 3
    assert [layer.findtext("datasource") for layer in layers] == [
        f"pagingEnabled='true' preferCoordinatesForWfsT11='false' restrictToRequestBBOX='1' "
        f"typename='{name}' url='http://testserver/ogc'" for name in ("advisory-zones", "districts", "incidents")
    ]
    incidents = layers[2].find("renderer-v2")
    assert incidents.get("attr") == "event_type"
    battles = incidents.find("categories/category[@value='Battles']")
    colour = incidents.find(f"symbols/symbol[@name='{battles.get('symbol')}']/layer/prop[@k='color']")
    assert colour.get("v") == "213,94,0,255"  # #d55e00, the explorer's Battles colour


def test_the_api_documentation_links_the_qgis_project(api):
    """#17 part 5: the project file is linked from the API page (Swagger UI and ReDoc show the
    schema's description)."""
    description = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["info"]["description"]
    assert "/ogc/vraem.qgs" in description and "/ogc/" in description


def test_a_repeated_property_filter_matches_any_of_its_values_and_the_links_keep_them(api, incidents):
    """`event_type=Battles&event_type=Protests` is both, as in the incidents API (#15 part 5),
    not silently the last one; the next page's link keeps both values."""
    from urllib.parse import parse_qs, urlsplit

    both = api.get(ITEMS, {"event_type": ["Battles", "Protests"], "limit": 2})
    assert both.status_code == 200, both.content
    document = both.json()
    assert document["numberMatched"] == 5
    nxt = next(link["href"] for link in document["links"] if link["rel"] == "next")
    assert parse_qs(urlsplit(nxt).query)["event_type"] == ["Battles", "Protests"]
    assert api.get(ITEMS, {"event_type": ["Battles", "War"]}).status_code == 400
