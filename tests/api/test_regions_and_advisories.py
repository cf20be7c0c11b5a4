import pytest

from regions.api.params import tolerance_for_zoom
from tests.places import LIMA, PICHARI

pytestmark = pytest.mark.django_db


def vertex_count(geometry):
    def count(coords):
        return 1 if isinstance(coords[0], (int, float)) else sum(count(c) for c in coords)

    return count(geometry["coordinates"])


def test_districts_of_a_province(api):
    body = api.get("/api/v1/regions/", {"level": "district", "parent": "1206"}).json()
    assert [f["id"] for f in body["features"]] == [f"1206{n:02d}" for n in range(1, 10)]
    vizcatan = body["features"][-1]
    assert vizcatan["properties"]["name"] == "Vizcatán del Ene"
    assert vizcatan["properties"]["parent"] == "1206"
    assert vizcatan["geometry"]["type"] == "MultiPolygon"


def test_simplification_by_tolerance_or_zoom_keeps_every_area(api):
    # Outlines are simplified by default since issue #12 (finding 6): full detail is asked for.
    full = api.get("/api/v1/regions/", {"level": "department", "detail": "full"}).json()["features"]
    light = api.get("/api/v1/regions/", {"level": "department", "zoom": 5}).json()["features"]
    assert len(full) == len(light) == 25
    assert sum(map(vertex_count, (f["geometry"] for f in light))) < sum(
        map(vertex_count, (f["geometry"] for f in full))
    ) / 5
    assert tolerance_for_zoom(5) == pytest.approx(0.02197, rel=1e-3)
    simplified = api.get("/api/v1/regions/", {"level": "department", "simplify": tolerance_for_zoom(5)}).json()
    assert simplified["features"] == light


def test_region_detail_counts_incidents_for_a_period(api, incidents):
    cusco = api.get("/api/v1/regions/08/").json()
    assert (cusco["properties"]["incident_count"], cusco["properties"]["fatalities"]) == (2, 3)
    assert cusco["properties"]["by_event_type"] == {"Battles": 2}
    june = api.get("/api/v1/regions/08/", {"date_from": "2018-06-01", "date_to": "2018-06-30"}).json()
    assert june["properties"]["incident_count"] == 1
    assert june["properties"]["period"] == {"from": "2018-06-01", "to": "2018-06-30"}
    pichari = api.get("/api/v1/regions/080910/", {"zoom": 8}).json()
    assert (pichari["properties"]["incident_count"], pichari["properties"]["level"]) == (1, "district")


def test_advisory_at_a_point_today(api):
    at_pichari = api.get("/api/v1/advisories/", {"at": f"{PICHARI.x},{PICHARI.y}"}).json()
    assert [(f["id"], f["properties"]["issuer"], f["properties"]["issuer_level"])
            for f in at_pichari["features"]] == [
        ("us-vraem", "U.S. Department of State", "Level 4: Do Not Travel"),
        ("uk-vraem", "UK Foreign, Commonwealth & Development Office", "Advise against all but essential travel"),
    ]
    assert [(f["id"], f["properties"]["kind"]) for f in at_pichari["reference_areas"]] == [("vraem", "reference")]
    assert api.get("/api/v1/advisories/", {"at": f"{LIMA.x},{LIMA.y}"}).json()["features"] == []
    before = api.get("/api/v1/advisories/", {"at": f"{PICHARI.x},{PICHARI.y}", "on": "2017-06-01"}).json()
    assert before["features"] == [] and before["on"] == "2017-06-01"
    everything = api.get("/api/v1/advisories/", {"zoom": 6}).json()
    assert sorted(f["id"] for f in everything["features"]) == [
        "uk-colombia-border", "uk-vraem", "us-colombia-border", "us-vraem"]


def test_stats_follow_the_incident_filters(api, incidents):
    body = api.get("/api/v1/stats/", {"date_from": "2018-01-01", "date_to": "2018-12-31"}).json()
    assert body["total"] == {"incidents": 4, "fatalities": 7, "injuries": 1}
    assert body["by_month"] == [
        {"month": "2018-06", "incidents": 3, "fatalities": 6, "injuries": 1},
        {"month": "2018-07", "incidents": 1, "fatalities": 1, "injuries": None},
    ]
    assert body["by_event_type"] == [{"event_type": "Battles", "incidents": 4, "fatalities": 7, "injuries": 1}]
    assert [(r["ubigeo"], r["incidents"]) for r in body["by_region"]] == [("08", 2), ("09", 1), ("12", 1)]
    districts = api.get("/api/v1/stats/", {"level": "district", "actor": "Shining Path"}).json()
    assert [(r["ubigeo"], r["incidents"]) for r in districts["by_region"]] == [
        ("080907", 1), ("080910", 1), ("120609", 1),
    ]


def test_areas_by_ubigeo_list_and_without_geometry(api):
    body = api.get("/api/v1/regions/", {"ubigeo": "120609,09,0809", "geometry": "false"}).json()
    assert [(f["id"], f["properties"]["level"], f["geometry"]) for f in body["features"]] == [
        ("0809", "province", None), ("09", "department", None), ("120609", "district", None),
    ]
    too_many = ",".join(["01"] * 501)
    assert api.get("/api/v1/regions/", {"ubigeo": too_many}).json() == {"ubigeo": ["At most 500 ubigeos, got 501."]}


def test_a_vanishingly_small_simplify_means_full_detail_not_a_server_error(api):
    """Found by the schema fuzz run: simplify=5e-324 overflowed the zoom it is snapped to."""
    from regions.api.params import snapped_tolerance

    assert snapped_tolerance(simplify=5e-324) == 0
    assert api.get("/api/v1/regions/080910/", {"simplify": "5e-324"}).status_code == 200
    assert api.get("/api/v1/regions/", {"level": "department", "simplify": "5e-324"}).status_code == 200
