"""Vector tiles: valid MVT, clusters at low zoom and incidents at high zoom, the API's filters,
ETag/304, and a 400 naming a bad parameter."""
import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Polygon

from incidents.models import Incident
from incidents.tiles import tile_bounds_lonlat
from tests.factories import make_incident
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


def test_pre_counted_cells_give_the_live_tiles_and_are_dropped_after_a_write(api, incidents):
    from incidents import tiles
    from incidents.services.synthetic import generate_synthetic
    from incidents.services.tile_cells import refresh_tile_cells

    generate_synthetic(count=300, seed=11)  # refreshes the cells
    assert tiles.tile_cells_fresh()
    for query, params in (("?synthetic=include", {"synthetic": "include"}),
                          ("?synthetic=only&event_type=Battles", {"synthetic": "only", "event_type": "Battles"}),
                          ("", {})):
        counted_here = 0  # the comparison must not be vacuous: some tile of each query counts some
        for z in (4, 6, 8, 10):
            z, x, y = tile_of(PICHARI, z)
            from_cells = get_tile(api, "incidents", z, x, y, query).content
            queryset = Incident.objects.filter(status="published")
            if params.get("synthetic") == "only":
                queryset = queryset.filter(is_synthetic=True)
            elif not params.get("synthetic"):
                queryset = queryset.filter(is_synthetic=False)
            if "event_type" in params:
                queryset = queryset.filter(event_type=params["event_type"])
            live = tiles.incidents_tile(queryset, z, x, y)  # no params: never the cells
            cells, counted = decoded(from_cells), decoded(live)
            assert [c[:3] for c in cells] == [c[:3] for c in counted]
            assert all(abs(a - b) <= 1 for c1, c2 in zip(cells, counted) for a, b in zip(c1[3], c2[3]))
            counted_here += sum(c[0] for c in cells)
        assert counted_here > 0, query
    make_incident(title="After the count", location=PICHARI)
    assert not tiles.tile_cells_fresh()  # the next tiles count the incidents themselves
    z, x, y = tile_of(PICHARI, 8)
    total = sum(f["properties"]["count"] for f in features(get_tile(api, "incidents", z, x, y), "incidents"))
    assert total == len(published_in_tile(z, x, y))
    refresh_tile_cells()
    assert tiles.tile_cells_fresh()
