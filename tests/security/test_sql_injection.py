"""SQL injection attempts in every API filter and the region search: a 400 naming the
parameter, a 404, or an empty answer; never a 500, never a changed row."""
import pytest
from django.db import connection

from incidents.models import Actor, Alert, Incident, Source
from regions.models import AdminArea, AdvisoryZone, Place
from tests.factories import page_url

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "' OR 1=1--",
    "' OR '1'='1",
    "1;DROP TABLE incidents_incident;--",
    "1); DELETE FROM incidents_incident; --",
    "%27",
    "%27%20OR%201=1--",
    "\u2019 OR \u20181\u2019=\u20181",  # typographic quotes
    "\uff07 OR 1=1--",  # full-width apostrophe
    "1' UNION SELECT username, password FROM auth_user--",
    "\\'; SELECT pg_sleep(3); --",
    "x' AND ST_Area(geom) > 0 --",
    "12' OR ubigeo LIKE '%",
]

# Every filter of every endpoint (parameter, endpoint).
FILTERS = [
    *[("/api/v1/incidents/", name) for name in [
        "bbox", "date_from", "date_to", "event_type", "sub_event_type", "actor", "region", "near",
        "radius_km", "q", "min_fatalities", "ordering", "page", "page_size", "format", "hxl"]],
    *[("/api/v1/stats/", name) for name in ["level", "region", "actor", "q", "bbox", "date_from"]],
    *[("/api/v1/regions/", name) for name in ["level", "parent", "ubigeo", "geometry", "simplify", "zoom"]],
    *[("/api/v1/regions/12/", name) for name in ["date_from", "date_to", "zoom"]],
    *[("/api/v1/advisories/", name) for name in ["at", "on", "zoom"]],
]
FREE_TEXT = {"actor", "q"}  # any text is a valid value: the answer is simply empty

TABLES = [Incident, Actor, Source, Alert, AdminArea, AdvisoryZone, Place]


def row_counts():
    return {model.__name__: model.objects.count() for model in TABLES}


@pytest.fixture
def counts_unchanged(incidents):
    before = row_counts()
    yield
    assert row_counts() == before


def matches(body) -> int:
    return body["total"]["incidents"] if "total" in body else body["count"]  # stats or a list


@pytest.mark.parametrize("url", ["/api/v1/incidents/", "/api/v1/stats/"])
def test_control_the_same_free_text_filters_do_find_rows(api, incidents, url):
    assert matches(api.get(url, {"actor": "shining path"}).json()) == 3
    assert matches(api.get(url, {"q": "ambush"}).json()) == 2


@pytest.mark.parametrize("url, parameter", FILTERS)
def test_injection_in_a_filter_is_refused_or_finds_nothing(api, counts_unchanged, url, parameter):
    for payload in PAYLOADS:
        response = api.get(url, {parameter: payload})
        assert response.status_code in (200, 400), (parameter, payload, response.status_code)
        if response.status_code == 400:
            assert parameter in response.json(), (parameter, payload, response.json())
        else:
            # Only free text may be accepted, and then it matches nothing.
            assert parameter in FREE_TEXT, (parameter, payload)
            assert matches(response.json()) == 0, (parameter, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_in_path_ids_is_a_404(api, counts_unchanged, payload):
    from urllib.parse import quote

    for prefix in ["/api/v1/incidents/", "/api/v1/regions/", page_url("incident", 0).removesuffix("0/"),
                   page_url("region-search")]:
        response = api.get(prefix + quote(payload, safe="") + "/")
        assert response.status_code == 404, (prefix, payload)


def test_injection_in_the_region_search_finds_nothing(client, counts_unchanged):
    for payload in PAYLOADS:
        response = client.get(page_url("region-search"), {"q": payload})
        assert response.status_code == 200, payload
        assert response.context["results"] == [] or all(
            isinstance(area, AdminArea) for area in response.context["results"]
        )
    # A real name next to an injection still searches for text only.
    response = client.get(page_url("region-search"), {"q": "Pichari' OR 1=1--"})
    assert [a.ubigeo for a in response.context["results"]][:1] == ["080910"]


def test_injection_in_the_admin_search_finds_nothing(admin_client, counts_unchanged):
    for payload in PAYLOADS:
        response = admin_client.get("/admin/incidents/incident/", {"q": payload})
        assert response.status_code == 200, payload
        assert response.context["cl"].result_count == 0, payload


def test_the_tables_are_still_there(counts_unchanged):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('incidents_incident') IS NOT NULL")
        assert cursor.fetchone() == (True,)
