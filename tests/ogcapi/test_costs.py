"""What a stranger's /ogc/ requests cost (review finding on the OGC API): item pages of the
area collections and every collection's extent are built once per data version and then
served from the cache; pages that are built count against the `ogc_builds` work rate; drafts
leave no trace in what anonymous clients get."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Incident
from tests.factories import make_incident, member
from tests.places import PICHARI

pytestmark = pytest.mark.django_db


def _get(client, url, **query):
    """(body without its timeStamp, number of queries that built GeoJSON, counted or aggregated)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200, response.content
    document = response.json()
    document.pop("timeStamp", None)
    built = [q["sql"] for q in queries.captured_queries if "throttle" not in q["sql"]
             and any(word in q["sql"] for word in ("json_agg", "COUNT(", "ST_Extent", "MIN("))]
    return document, len(built)


def test_a_second_full_detail_district_page_builds_nothing(api):
    first, built = _get(api, "/ogc/collections/districts/items", limit="5000")
    assert built == 2  # the count and the page
    assert first["numberMatched"] == 1891 and first["numberReturned"] == 1891
    assert _get(api, "/ogc/collections/districts/items", limit="5000") == (first, 0)
    clamped, built = _get(api, "/ogc/collections/districts/items", limit="99999")  # the same page
    assert (clamped["features"], built) == (first["features"], 0)
    # Following `next` links at the default limit: each page built once.
    page2, built = _get(api, "/ogc/collections/districts/items", offset="100")
    assert built == 2 and page2["numberReturned"] == 100
    assert _get(api, "/ogc/collections/districts/items", offset="100") == (page2, 0)


def test_a_write_to_the_areas_rebuilds_their_pages(api):
    from regions.models import AdminArea

    url = "/ogc/collections/departments/items"
    before, _ = _get(api, url, ubigeo="09")
    AdminArea.objects.filter(ubigeo="09").update(name="Huancavelica (renamed)")
    after, built = _get(api, url, ubigeo="09")
    assert built == 2
    assert [f["properties"]["name"] for f in (before["features"] + after["features"])] == [
        "Huancavelica", "Huancavelica (renamed)"]


def test_collection_extents_are_computed_once_per_data_version(api, incidents):
    first, built = _get(api, "/ogc/collections")
    assert built == 7  # five bounding boxes, first and last day of incidents and of zones
    assert _get(api, "/ogc/collections") == (first, 0)
    assert _get(api, "/ogc/collections/incidents") == (
        next(c for c in first["collections"] if c["id"] == "incidents"), 0)


def test_a_draft_write_does_not_change_what_anonymous_clients_get(api, incidents):
    items, _ = _get(api, "/ogc/collections/incidents/items")
    collections, _ = _get(api, "/ogc/collections")
    assert items["numberMatched"] == 5
    make_incident(user=member("editor"), title="Another draft", location=PICHARI,
                  occurred_on=date(2017, 1, 1), status=Incident.Status.DRAFT)
    # Served from the cache as before: neither the page nor the extent says a draft was written.
    assert _get(api, "/ogc/collections/incidents/items") == (items, 0)
    assert _get(api, "/ogc/collections") == (collections, 0)
    # A published write is news: both are rebuilt.
    make_incident(title="Published later", location=PICHARI, occurred_on=date(2017, 1, 1))
    items, built = _get(api, "/ogc/collections/incidents/items")
    assert built == 2 and items["numberMatched"] == 6
    collections, _ = _get(api, "/ogc/collections")
    incident_collection = next(c for c in collections["collections"] if c["id"] == "incidents")
    assert incident_collection["extent"]["temporal"]["interval"] == [["2017-01-01T00:00:00Z", "2019-01-15T23:59:59Z"]]


def test_editors_pages_are_cached_apart_and_follow_drafts(api, editor_api, incidents):
    assert _get(api, "/ogc/collections/incidents/items")[0]["numberMatched"] == 5
    assert _get(editor_api, "/ogc/collections/incidents/items")[0]["numberMatched"] == 6
    make_incident(title="A new draft", location=PICHARI, status=Incident.Status.DRAFT)
    assert _get(editor_api, "/ogc/collections/incidents/items")[0]["numberMatched"] == 7
    assert _get(api, "/ogc/collections/incidents/items")[1] == 0


def test_built_pages_have_their_own_rate_and_cached_pages_do_not_count(api, incidents, monkeypatch):
    from security.throttling import WorkRateThrottle

    monkeypatch.setattr(WorkRateThrottle, "THROTTLE_RATES", {"ogc_builds": "3/minute"})
    url = "/ogc/collections/districts/items"
    boxes = ["-74,-13,-73,-12", "-74,-13,-73.5,-12", "-74,-13,-73.9,-12", "-74,-13,-73.8,-12"]
    codes = [api.get(url, {"bbox": box}).status_code for box in boxes]
    assert codes == [200, 200, 200, 429]
    assert 0 < int(api.get(url, {"bbox": boxes[0]})["Retry-After"]) <= 60  # bbox pages: built each time
    # A page cached before the budget ran out is served as often as asked.
    monkeypatch.setattr(WorkRateThrottle, "THROTTLE_RATES", {"ogc_builds": "1/minute"})
    other = {"REMOTE_ADDR": "192.0.2.7"}
    assert api.get(url, **other).status_code == 200
    assert [api.get(url, **other).status_code for _ in range(5)] == [200] * 5
    assert api.get(url, {"offset": "7"}, **other).status_code == 429  # not a `next`-link page: built
