"""Vector tiles: valid MVT, clusters at low zoom and incidents at high zoom, the API's filters,
ETag/304, and a 400 naming a bad parameter."""
from datetime import date

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Polygon

from incidents.models import Incident
from incidents.tiles import tile_bounds_lonlat
from tests.factories import make_incident, make_source
from tests.places import LIMA, PICHARI
from tests.tiles import features, get_tile, tile_of

pytestmark = pytest.mark.django_db


def published_in_tile(z, x, y, **filters):
    box = Polygon.from_bbox(tile_bounds_lonlat(z, x, y))
    box.srid = 4326
    return set(
        Incident.objects.filter(status="published", is_synthetic=False, **filters)
        .filter(location__bboverlaps=box).values_list("id", flat=True)
    )


def test_low_zoom_tile_counts_every_published_incident_in_clusters(api, incidents):
    z, x, y = tile_of(PICHARI, 5)
    found = features(get_tile(api, "incidents", z, x, y), "incidents")
    expected = published_in_tile(z, x, y)
    assert incidents["draft"] not in expected and len(expected) == 5  # Lima is in this tile too
    assert sum(f["properties"]["count"] for f in found) == len(expected)
    assert max(f["properties"]["count"] for f in found) >= 2  # Pichari and the border point
    singles = {f["properties"]["id"] for f in found if f["properties"]["count"] == 1}
    assert singles <= expected


def test_high_zoom_tile_has_one_feature_per_incident(api, incidents):
    z, x, y = tile_of(PICHARI, 14)
    found = features(get_tile(api, "incidents", z, x, y), "incidents")
    assert {f["properties"]["id"] for f in found} == published_in_tile(z, x, y) == {incidents["pichari"]}
    (feature,) = found
    assert feature["properties"]["count"] == 1
    assert feature["properties"]["event_type"] == "Battles"
    assert feature["properties"]["occurred_on"] == "2018-06-01"
    assert feature["geometry"]["type"] == "Point"


def test_tiles_apply_the_api_filters(api, incidents):
    z, x, y = tile_of(LIMA, 7)
    protests = features(get_tile(api, "incidents", z, x, y, "?event_type=Protests"), "incidents")
    assert [(f["properties"]["count"], f["properties"]["id"]) for f in protests] == [(1, incidents["lima"])]
    z, x, y = tile_of(PICHARI, 7)
    assert features(get_tile(api, "incidents", z, x, y, "?event_type=Protests"), "incidents") == []
    june = features(get_tile(api, "incidents", z, x, y, "?date_from=2018-06-01&date_to=2018-06-30"), "incidents")
    assert sum(f["properties"]["count"] for f in june) == len(
        published_in_tile(z, x, y, occurred_on__range=("2018-06-01", "2018-06-30")))


def test_district_tile_counts_incidents_per_district(api, incidents):
    z, x, y = tile_of(PICHARI, 7)
    found = {f["properties"]["ubigeo"]: f["properties"]["incidents"]
             for f in features(get_tile(api, "districts", z, x, y), "districts")}
    expected = {}
    for ubigeo in Incident.objects.filter(status="published", district__isnull=False).values_list(
            "district__ubigeo", flat=True):
        expected[ubigeo] = expected.get(ubigeo, 0) + 1
    assert found["080910"] == expected["080910"] == 1  # Pichari (the draft is not counted)
    assert {u: n for u, n in found.items()} == {u: n for u, n in expected.items() if u in found}
    assert "150101" not in found  # Lima is not in this tile


def test_etag_gives_304_and_changes_when_incidents_change(api, incidents):
    z, x, y = tile_of(PICHARI, 8)
    first = get_tile(api, "incidents", z, x, y)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=60"
    again = get_tile(api, "incidents", z, x, y, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    other_filter = get_tile(api, "incidents", z, x, y, "?event_type=Battles", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other_filter.status_code == 200
    make_incident(title="A new clash", location=PICHARI)
    changed = get_tile(api, "incidents", z, x, y, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert sum(f["properties"]["count"] for f in features(changed, "incidents")) == len(published_in_tile(z, x, y))


@pytest.mark.parametrize("path, query, name", [
    ("21/0/0", "", "z"),
    ("3/8/0", "", "x"),
    ("3/0/8", "", "y"),
    ("5/9/16", "?bbox=1,2", "bbox"),
    ("5/9/16", "?event_type=Picnic", "event_type"),
    ("5/9/16", "?synthetic=maybe", "synthetic"),
    ("5/9/16", "?date_from=2020-01-02&date_to=2020-01-01", "date_to"),
])
def test_bad_tile_parameters_are_400_naming_the_parameter(api, path, query, name):
    for kind in ("incidents", "districts"):
        response = api.get(f"/tiles/{kind}/{path}.pbf{query}")
        assert response.status_code == 400
        assert list(response.json()) == [name]


def decoded(body):
    layer = mapbox_vector_tile.decode(body).get("incidents", {"features": []})
    return sorted((f["properties"]["count"], f["properties"].get("id"), f["properties"].get("event_type"),
                   tuple(f["geometry"]["coordinates"])) for f in layer["features"])


def _live_queryset(params):
    """The incidents the tile of `params` counts, filtered by the ORM (never the cells)."""
    from incidents.selectors import filter_incidents

    return filter_incidents(Incident.objects.filter(status="published"), params)


def _assert_same_tile(from_cells: bytes, live: bytes) -> int:
    cells, counted = decoded(from_cells), decoded(live)
    assert [c[:3] for c in cells] == [c[:3] for c in counted]
    assert all(abs(a - b) <= 1 for c1, c2 in zip(cells, counted) for a, b in zip(c1[3], c2[3]))
    return sum(c[0] for c in cells)


# Dates of the synthetic incidents run from 1980 to 2025: ranges on month boundaries, ranges
# starting or ending inside a month (cells for the whole months + the edges counted live), open
# ranges, and with event type.
CELL_QUERIES = [
    {"synthetic": "include"},
    {"synthetic": "only", "event_type": "Battles"},
    {},
    {"synthetic": "only", "date_from": date(2000, 1, 1), "date_to": date(2012, 12, 31)},
    {"synthetic": "only", "date_from": date(2000, 1, 15), "date_to": date(2012, 6, 20)},
    {"synthetic": "only", "date_from": date(2010, 3, 3)},
    {"synthetic": "only", "date_to": date(1999, 7, 7)},
    {"synthetic": "only", "date_from": date(1995, 2, 28), "date_to": date(2020, 2, 29),
     "event_type": "Riots"},
]


def test_pre_counted_cells_give_the_live_tiles_for_event_type_and_dates(api, incidents):
    from incidents import tiles
    from incidents.services.synthetic import generate_synthetic

    generate_synthetic(count=300, seed=11)  # its insert's trigger counts them into the cells
    assert tiles.tile_cells_fresh()
    one = Incident.objects.filter(is_synthetic=True).order_by("id").first()
    # A range inside one month: no month whole, every incident of it counted live.
    queries = [*CELL_QUERIES, {"synthetic": "only", "date_from": one.occurred_on, "date_to": one.occurred_on}]
    for params in queries:
        assert set(params) <= tiles.SUMMARY_FILTERS
        query = "?" + "&".join(f"{k}={v.isoformat() if hasattr(v, 'isoformat') else v}" for k, v in params.items())
        counted_here = 0  # the comparison must not be vacuous: some tile of each query counts some
        # Stored zooms (2, 5, 8, and 11 for all dates) and zooms summed from the next stored one
        # (1: 4x4, 4 and 7: 2x2; for all dates also 9: 4x4 and 10: 2x2 of z11).
        dated = "date_from" in params or "date_to" in params
        for z in (1, 2, 4, 5, 6, 7, 8) if dated else (1, 2, 4, 5, 6, 7, 8, 9, 10, 11):
            z, x, y = tile_of(PICHARI if "date_from" not in params or params["date_from"] != one.occurred_on
                              else one.location, z)
            live = tiles.incidents_tile(_live_queryset(params), z, x, y)  # no params: never the cells
            from_cells = tiles.summary_tile(z, x, y, params=params, published_only=True,
                                            queryset=_live_queryset(params))
            counted_here += _assert_same_tile(from_cells, live)
            assert _assert_same_tile(get_tile(api, "incidents", z, x, y, query).content, live) >= 0
        assert counted_here > 0, params


def test_the_cells_hold_the_stored_zooms_and_higher_zooms_are_counted_live(api, incidents):
    """CELL_ZOOMS and TOTAL_ZOOMS are what the SQL functions and the tables say; a z9-z11 tile
    with a date range is the live tile (no monthly summary beyond SUMMARY_MAX_ZOOM), one for all
    dates comes from the totals up to TOTAL_MAX_ZOOM and is live beyond."""
    from django.db import connection

    from incidents import tiles
    from incidents.services.synthetic import generate_synthetic

    generate_synthetic(count=200, seed=12)
    with connection.cursor() as cursor:
        cursor.execute("SELECT incidents_tile_cell_zooms()")
        assert tuple(cursor.fetchone()[0]) == tiles.CELL_ZOOMS == (2, 5, 8)
        cursor.execute("SELECT array_agg(DISTINCT zoom ORDER BY zoom) FROM incidents_tile_cell")
        assert tuple(cursor.fetchone()[0]) == (2, 5, 8)
        cursor.execute("SELECT incidents_tile_total_zooms()")
        assert tuple(cursor.fetchone()[0]) == tiles.TOTAL_ZOOMS == (2, 5, 8, 11)
        cursor.execute("SELECT array_agg(DISTINCT zoom ORDER BY zoom) FROM incidents_tile_total")
        assert tuple(cursor.fetchone()[0]) == (2, 5, 8, 11)
    assert (tiles.SUMMARY_MAX_ZOOM, tiles.TOTAL_MAX_ZOOM) == (8, 11)
    undated = {"synthetic": "only"}
    z, x, y = tile_of(PICHARI, 12)
    with pytest.raises(ValueError):
        tiles.summary_tile(z, x, y, params=undated, published_only=True, queryset=_live_queryset(undated))
    params = {"synthetic": "only", "date_from": date(2000, 1, 15), "date_to": date(2012, 6, 20)}
    query = "?synthetic=only&date_from=2000-01-15&date_to=2012-06-20"
    for z in (9, 10, 11):
        z, x, y = tile_of(PICHARI, z)
        live = tiles.incidents_tile(_live_queryset(params), z, x, y)
        _assert_same_tile(get_tile(api, "incidents", z, x, y, query).content, live)
        with pytest.raises(ValueError):
            tiles.summary_tile(z, x, y, params=params, published_only=True, queryset=_live_queryset(params))


def _cells():
    """Every row of the monthly cells, then of the totals (tile_total.sql)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT zoom, cx, cy, status, is_synthetic, event_type, month, count, sum_id,"
                       " round(sum_mx::numeric, 3), round(sum_my::numeric, 3) FROM incidents_tile_cell"
                       " ORDER BY 1, 2, 3, 4, 5, 6, 7")
        cells = cursor.fetchall()
        cursor.execute("SELECT zoom, cx, cy, status, is_synthetic, event_type, count, sum_id,"
                       " round(sum_mx::numeric, 3), round(sum_my::numeric, 3) FROM incidents_tile_total"
                       " ORDER BY 1, 2, 3, 4, 5, 6")
        return cells + [("total", *row) for row in cursor.fetchall()]


def _pichari_total(api, query=""):
    z, x, y = tile_of(PICHARI, 8)
    return sum(f["properties"]["count"] for f in features(get_tile(api, "incidents", z, x, y, query), "incidents"))


def test_every_write_changes_the_cells_at_once(api, incidents):
    """Create, edit (type, date, place), publish, merge, archive (unpublish), restore and
    delete through the services: after each, the next tile counts it, and the cells equal a
    full rebuild."""
    from django.conf import settings
    from django.contrib.gis.geos import Point
    from django.core.cache import caches

    from incidents.services.duplicates import incident_merge
    from incidents.services.incidents import incident_delete, incident_transition, incident_update
    from incidents.services.tile_cells import refresh_tile_cells
    from tests.factories import member

    reviewer = member("reviewer")
    before = _pichari_total(api)
    june = "?date_from=2018-06-01&date_to=2018-06-30"
    june_before = _pichari_total(api, june)

    def check(expected_total, expected_june):
        caches[settings.TILE_CACHE].clear()
        assert (_pichari_total(api), _pichari_total(api, june)) == (expected_total, expected_june)
        kept = _cells()
        assert kept  # and the same rows as counting everything again:
        refresh_tile_cells()
        assert _cells() == kept

    first = make_incident(title="Cell one", location=PICHARI, status="draft", occurred_on=date(2018, 6, 24),
                          sources=[make_source()])
    check(before, june_before)  # a draft is not in the public tiles
    first = incident_transition(user=reviewer, incident=first, to="published")
    check(before + 1, june_before + 1)
    first = incident_update(user=reviewer, incident=first, occurred_on=date(2018, 7, 2))
    check(before + 1, june_before)
    first = incident_update(user=reviewer, incident=first, event_type="Riots", sub_event_type="Violent demonstration")
    check(before + 1, june_before)
    first = incident_update(user=reviewer, incident=first, location=LIMA)
    check(before, june_before)
    first = incident_update(user=reviewer, incident=first, location=Point(PICHARI.x + 0.001, PICHARI.y, srid=4326),
                            occurred_on=date(2018, 6, 2))
    check(before + 1, june_before + 1)
    second = make_incident(title="Cell two", location=PICHARI, status="published", occurred_on=date(2018, 6, 25))
    check(before + 2, june_before + 2)
    incident_merge(user=reviewer, survivor=first, duplicate=second)  # the duplicate is archived
    check(before + 1, june_before + 1)
    first = incident_transition(user=reviewer, incident=first, to="archived")  # unpublished
    check(before, june_before)
    first = incident_transition(user=reviewer, incident=first, to="published")  # restored
    check(before + 1, june_before + 1)
    draft = make_incident(title="Cell three", location=PICHARI, status="draft", occurred_on=date(2018, 6, 3))
    check(before + 1, june_before + 1)
    incident_delete(user=reviewer, incident=draft)  # drafts are counted too (for staff): a rebuild agrees
    check(before + 1, june_before + 1)
    assert not Incident.objects.filter(pk=draft.pk).exists()
