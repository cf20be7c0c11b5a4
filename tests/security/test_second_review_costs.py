"""Second review of the issue #12 fixes (branch `review`, findings 4, 5 and 8): anonymous
requests whose cost was bounded only by generous request rates. The three tests are copied
unchanged from tests/security/test_review_findings.py; each docstring says what a stranger did.
"""
from datetime import date

import pytest

pytestmark = pytest.mark.django_db


# --- 4. Tile builds (cache misses) ------------------------------------------------------------

def test_uncached_filtered_tiles_are_bounded_only_by_the_3000_per_minute_tile_rate(api, incidents):
    """Every distinct filter value is a cache miss, so each of these tiles is built by a fresh
    query (district tiles with a date filter cost ~0.8 s on the documented data, capped at
    TILE_QUERY_TIMEOUT_MS = 2 s). The only bound on a stranger is API_TILE_RATE (3000/minute,
    sized for cached map panning): one address can start 50 such queries a second, i.e. tens
    of seconds of database time per second on a 2-core machine. Tile builds (cache misses)
    need their own, much lower per-client budget (or filters limited to cached values)."""
    statuses = []
    for day in range(150):  # 150 distinct, valid filters: more than the anonymous API rate
        response = api.get("/tiles/districts/4/4/8.pbf",
                           {"date_from": date.fromordinal(date(2000, 1, 1).toordinal() + day).isoformat()})
        statuses.append(response.status_code)
    assert 429 in statuses, f"{statuses.count(200)} uncached tile builds in a row, none refused"


# --- 5. Full exports ---------------------------------------------------------------------

def test_anonymous_full_exports_have_no_bound_of_their_own(api, incidents):
    """`?format=csv` / `?format=geojson` stream *every* match (synthetic=include: the 100,000
    or 1,000,000 load-test rows too), row by row through Python, to anyone; they count as one
    request each against the 120/minute anonymous rate, like a 50-row page. A stranger asking
    for 100 full exports a minute holds workers for minutes. Full exports need a separate,
    low rate (or a row cap for anonymous clients, with the bulk file served pre-built)."""
    statuses = [api.get("/api/v1/incidents/", {"format": "csv", "synthetic": "include",
                                               "date_from": f"2000-01-{day:02d}"}).status_code
                for day in range(1, 31)]
    assert 429 in statuses, f"{statuses.count(200)} full exports in a row, none refused"


# --- 8. Region outlines at any simplify value ---------------------------------------------

def test_region_outlines_at_any_simplify_value_skip_the_cache():
    """`detail=full` (5 MB of district outlines) is cached, but `simplify=<tiny value>` returns
    nearly the same 4.6 MB and is recomputed every time (~0.54 s of PostGIS here): a stranger
    varying the value in the 7th decimal gets 120 uncached full-country simplifications a minute
    (~65 s of database time and ~550 MB of egress per minute, per address). Tolerances should
    be snapped to a few cacheable steps (e.g. the zoom levels) — then every answer is cached."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    assert client.get("/api/v1/regions/", {"level": "district", "simplify": "0.00011"}).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/regions/", {"level": "district", "simplify": "0.000110001"})
    assert response.status_code == 200 and len(response.content) > 4_000_000
    simplified = [q for q in queries.captured_queries if "ST_SimplifyPreserveTopology" in q["sql"]]
    assert not simplified, "the outlines of every district were simplified again for a new 'simplify'"


# --- How the fixes behave (beyond the reviewer's tests) ---------------------------------------

def _tile(client, day: int, **extra):
    return client.get("/tiles/districts/4/4/8.pbf", {"date_from": f"2018-01-{day:02d}"}, **extra)


def test_cached_tiles_do_not_count_against_tile_builds(api, incidents, monkeypatch):
    from security.throttling import WorkRateThrottle

    monkeypatch.setattr(WorkRateThrottle, "THROTTLE_RATES", {"tile_builds": "3/minute"})
    built = [_tile(api, day) for day in (1, 2, 3)]
    assert [r.status_code for r in built] == [200, 200, 200]
    refused = _tile(api, 4)  # a fourth build
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    # The tiles already built are served from the cache, and revalidated, as often as asked.
    assert [_tile(api, day).status_code for day in (1, 2, 3) * 4] == [200] * 12
    assert _tile(api, 1, HTTP_IF_NONE_MATCH=built[0]["ETag"]).status_code == 304
    # Another client has its own budget.
    assert _tile(api, 4, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_downloads_have_their_own_rate_and_pages_keep_theirs(api, incidents, monkeypatch):
    from security.throttling import WorkRateThrottle

    monkeypatch.setattr(WorkRateThrottle, "THROTTLE_RATES", {"exports": "2/minute"})
    url = "/api/v1/incidents/"
    codes = [api.get(url, {"format": kind}).status_code for kind in ("csv", "geojson", "csv")]
    assert codes == [200, 200, 429]
    assert 0 < int(api.get(url, {"format": "geojson"})["Retry-After"]) <= 60
    assert api.get(url, {"format": "json"}).status_code == 200  # a page is not a download


def test_anonymous_downloads_over_the_row_cap_are_refused_naming_it(api, editor_api, incidents, settings):
    url = "/api/v1/incidents/"
    settings.EXPORT_MAX_ROWS_ANON = 5  # the fixture publishes 5 incidents
    rows = api.get(url, {"format": "csv"}).getvalue().decode().splitlines()
    assert len(rows) == 1 + 5
    settings.EXPORT_MAX_ROWS_ANON = 4
    for kind in ("csv", "geojson"):
        response = api.get(url, {"format": kind})
        assert response.status_code == 400
        assert response.json() == {"format": [
            "An anonymous download holds at most 4 incidents (EXPORT_MAX_ROWS_ANON) and these "
            "filters match more: narrow them (date_from, date_to, region, bbox, event_type, "
            "synthetic=exclude) or download with an API token."]}
    narrowed = api.get(url, {"format": "csv", "region": "08"}).getvalue().decode().splitlines()
    assert len(narrowed) == 1 + 2  # Pichari and the Kimbiri-Pichari border
    assert editor_api.get(url, {"format": "csv"}).status_code == 200  # a logged-in client: no cap


def test_simplify_is_snapped_to_a_zoom_levels_tolerance():
    from regions.api.params import FULL_DETAIL_ZOOM, snapped_tolerance, tolerance_for_zoom

    assert FULL_DETAIL_ZOOM == 12
    assert snapped_tolerance(simplify=tolerance_for_zoom(5)) == tolerance_for_zoom(5) == 0.02197265625
    assert snapped_tolerance(simplify=0.03) == tolerance_for_zoom(5)  # log2(0.703/0.03) = 4.55
    assert snapped_tolerance(simplify=0.015) == tolerance_for_zoom(6)  # 5.55
    assert snapped_tolerance(simplify=1) == tolerance_for_zoom(0) == 0.703125
    assert snapped_tolerance(simplify=tolerance_for_zoom(12)) == 0.000171661376953125
    assert snapped_tolerance(simplify=0.00011) == 0  # nearest is zoom 13: the stored outlines
    assert snapped_tolerance(simplify=0) == 0
    assert snapped_tolerance(zoom=12) == tolerance_for_zoom(12)
    assert [snapped_tolerance(zoom=z) for z in (13, 22)] == [0, 0]


def test_every_region_outline_answer_is_built_once(api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def outline_queries(params):
        with CaptureQueriesContext(connection) as queries:
            body = api.get("/api/v1/regions/", {"level": "department", **params}).content
        return body, len([q for q in queries.captured_queries if "json_agg" in q["sql"]])

    zoom5, built = outline_queries({"zoom": 5})
    assert built == 1
    assert outline_queries({"simplify": "0.03"}) == (zoom5, 0)  # snapped to zoom 5: cached
    assert outline_queries({"simplify": "0.0219"}) == (zoom5, 0)
    full, built = outline_queries({"detail": "full"})
    assert built == 1 and len(full) > 3 * len(zoom5)
    for same in ({"simplify": "0"}, {"simplify": "0.00001"}, {"zoom": 15}, {"detail": "full"}):
        assert outline_queries(same) == (full, 0)
