"""Issue #12, finding 6: what an anonymous request can make the server do is bounded.

Threat line: a stranger (and an Editor, who holds no more rights on these reads) sends any
q=, tile filters, region parameters and page requests. q= is one indexed LIKE (at least three
letters or digits in a row); tiles stop at TILE_QUERY_TIMEOUT_MS with a 503; region outlines are
simplified unless asked for in full; page maps come from a cache that only published data
renews; pages and tiles are throttled."""
import json

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from web.throttle import PageRateThrottle
from web import maps
from incidents.api.tiles import IncidentTileView
from incidents.models import Incident
from incidents.selectors import filter_incidents
from rest_framework.throttling import ScopedRateThrottle
from tests.factories import make_incident, page_url
from tests.places import PICHARI
from tests.tiles import features, get_tile, tile_of

pytestmark = pytest.mark.django_db

LIST = "/api/v1/incidents/"


@pytest.fixture
def texts():
    made = {
        "mazangaro": make_incident(title="Attack on the Mazángaro base", location=PICHARI),
        "river": make_incident(title="Clash", description="Soldiers ambushed on the ENE river", location=PICHARI),
        "place": make_incident(title="Arrests", location_name="Santa Rosa (Ñuñunhuayco)", location=PICHARI),
        "percent": make_incident(title="abc100x", location=PICHARI),
        "draft": make_incident(title="Mazángaro draft", location=PICHARI, status=Incident.Status.DRAFT),
    }
    return {key: incident.pk for key, incident in made.items()}


def found(api, q) -> set[int]:
    response = api.get(LIST, {"q": q})
    assert response.status_code == 200, response.content
    return {feature["id"] for feature in response.json()["features"]}


def test_text_search_ignores_case_and_accents_in_every_field(api, texts):
    assert found(api, "mazangaro") == found(api, "MAZÁNGARO") == {texts["mazangaro"]}
    assert found(api, "ene river") == {texts["river"]}
    assert found(api, "ñuñunhuayco") == found(api, "nunun") == {texts["place"]}
    # LIKE's wildcards in the text are plain characters.
    assert found(api, "abc%x") == found(api, "abc_00x") == set()
    assert found(api, "abc100") == {texts["percent"]}


@pytest.mark.parametrize("path", [LIST, "/api/v1/stats/", "/tiles/incidents/5/9/16.pbf",
                                  "/tiles/districts/5/9/16.pbf"])
@pytest.mark.parametrize("q", ["ab", "a b c", "___", "%%%"])
def test_a_search_without_three_letters_in_a_row_is_a_400_naming_q(api, path, q):
    response = api.get(path, {"q": q})
    assert response.status_code == 400
    assert response.json() == {"q": [f"Expected at least 3 letters or digits in a row, got {q!r}."]}


def test_the_trigram_index_serves_the_text_search(texts):
    # The test tables are small, so the planner would scan them (or walk another index and
    # filter); with only bitmap scans allowed, the plan must narrow the rows by the predicate,
    # and only the trigram index can.
    with connection.cursor() as cursor:
        for method in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
    plan = filter_incidents(Incident.objects.all(), {"q": "mazangaro"}).explain()
    assert "incidents_incident_search_trgm" in plan, plan
    assert set(filter_incidents(Incident.objects.all(), {"q": "mazangaro"}).values_list("pk", flat=True)) == {
        texts["mazangaro"], texts["draft"]}


def vertices(geometry) -> int:
    def count(coords):
        return 1 if isinstance(coords[0], (int, float)) else sum(count(c) for c in coords)
    return count(geometry["coordinates"])


def test_region_outlines_are_simplified_by_default_and_full_on_request(api):
    default = api.get("/api/v1/regions/", {"level": "district"})
    full = api.get("/api/v1/regions/", {"level": "district", "detail": "full"})
    zoom7 = api.get("/api/v1/regions/", {"level": "district", "zoom": 7})
    assert len(default.content) < len(full.content) / 3
    assert json.loads(default.content) == json.loads(zoom7.content)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(ST_NPoints(geom)) FROM regions_adminarea WHERE level = 'district'")
        stored = cursor.fetchone()[0]
    assert sum(vertices(f["geometry"]) for f in json.loads(full.content)["features"]) == stored
    assert len(json.loads(default.content)["features"]) == 1891


def test_detail_full_with_a_tolerance_is_a_400_naming_detail(api):
    response = api.get("/api/v1/regions/", {"level": "district", "detail": "full", "zoom": 3})
    assert response.status_code == 400
    assert response.json() == {"detail": ["detail=full takes no simplify or zoom."]}


def test_anonymous_page_maps_come_from_the_cache_and_editors_get_fresh_ones(client, monkeypatch, admin_user):
    built = []
    real = maps.explorer_map
    monkeypatch.setattr(maps, "explorer_map", lambda **kw: built.append(1) or real(**kw))
    explorer = page_url("map")
    pages = [client.get(path) for path in (explorer, explorer + "?x=1", explorer + "?x=2", page_url("embed"))]
    assert [p.status_code for p in pages] == [200] * 4
    assert len(built) == 1  # a random query string does not skip the cache
    client.force_login(admin_user)
    client.get(page_url("map"))
    client.get(page_url("map"))
    assert len(built) == 3


@pytest.mark.parametrize("path", [page_url("map"), page_url("embed"), page_url("advisories"), page_url("region", "12"),
                                  page_url("region-search") + "?q=pichari"])
def test_pages_are_throttled(client, monkeypatch, path):
    """Pages built for the request count; a page served whole from the page cache does not
    (web/page_cache.py), so the cache is emptied before each request here."""
    monkeypatch.setattr(PageRateThrottle, "THROTTLE_RATES", {"pages": "3/minute"})
    codes = []
    for _ in range(4):
        caches[settings.PAGE_CACHE].clear()
        codes.append(client.get(path).status_code)
    assert codes == [200, 200, 200, 429]
    refused = client.get(path)
    assert int(refused["Retry-After"]) > 0 and "Too many requests" in refused.content.decode()


def test_incident_pages_are_throttled(client, monkeypatch):
    incident = make_incident(title="Published", location=PICHARI)
    monkeypatch.setattr(PageRateThrottle, "THROTTLE_RATES", {"pages": "2/minute"})
    codes = []
    for _ in range(3):
        caches[settings.PAGE_CACHE].clear()
        codes.append(client.get(page_url("incident", incident.pk)).status_code)
    assert codes == [200, 200, 429]


def test_tiles_are_throttled_under_their_own_rate(api, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"tiles": "2/minute"})
    codes = [get_tile(api, "incidents", 5, 9, 16, f"?date_from=2018-01-0{day}").status_code for day in (1, 2, 3)]
    assert codes == [200, 200, 429]


def test_a_slow_tile_query_is_cancelled_and_answered_503(api, settings, monkeypatch):
    settings.TILE_QUERY_TIMEOUT_MS = 50

    def slow(self, queryset, params, z, x, y):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(2)")
        return b""

    monkeypatch.setattr(IncidentTileView, "build", slow)
    response = get_tile(api, "incidents", 5, 9, 16, "?q=pichari")
    assert response.status_code == 503
    assert response["Retry-After"] == "30" and response["Cache-Control"] == "no-store"
    monkeypatch.undo()
    with connection.cursor() as cursor:  # the connection is usable, the timeout put back
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
    make_incident(title="Clash in Pichari", location=PICHARI)
    z, x, y = tile_of(PICHARI, 14)
    assert len(features(get_tile(api, "incidents", z, x, y, "?q=pichari"), "incidents")) == 1
