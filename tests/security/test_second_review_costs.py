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
