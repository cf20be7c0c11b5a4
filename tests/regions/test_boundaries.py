import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from regions.models import AdminArea
from regions.services.boundaries import boundary_counts, load_boundaries

pytestmark = pytest.mark.django_db


def test_every_department_province_and_district_is_loaded():
    assert boundary_counts() == {"department": 25, "province": 196, "district": 1891}


def test_ubigeo_length_matches_level():
    lengths = {
        (level, len(ubigeo)) for level, ubigeo in AdminArea.objects.values_list("level", "ubigeo")
    }
    assert lengths == {("department", 2), ("province", 4), ("district", 6)}


def test_parents_follow_the_ubigeo_hierarchy():
    vizcatan = AdminArea.objects.select_related("parent__parent").get(ubigeo="120609")
    assert (vizcatan.name, vizcatan.parent.ubigeo, vizcatan.parent.name) == (
        "Vizcatán del Ene", "1206", "Satipo",
    )
    assert (vizcatan.parent.parent.ubigeo, vizcatan.parent.parent.name) == ("12", "Junín")
    assert not AdminArea.objects.filter(level="department", parent__isnull=False).exists()
    assert not AdminArea.objects.exclude(level="department").filter(parent__isnull=True).exists()
    children = dict(
        AdminArea.objects.filter(level="department")
        .annotate(n=Count("children"))
        .values_list("ubigeo", "n")
    )
    assert children["05"] == 11  # Ayacucho's eleven provinces
    assert sum(children.values()) == 196


def test_geometries_are_valid_multipolygons_with_label_points_inside():
    # The column is MULTIPOLYGON (PostGIS enforces the type); here validity and label points.
    assert AdminArea.objects.filter(geom__isvalid=True).count() == 2112
    assert not AdminArea.objects.exclude(geom__intersects=F("label_point")).exists()


def test_area_is_computed_in_an_equal_area_projection():
    # Geodesic area on the ellipsoid (PostGIS geography) is the reference.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ubigeo, area_km2, ST_Area(geom::geography) / 1e6 FROM regions_adminarea "
            "WHERE ubigeo IN ('12', '120609', '150101', '16')"
        )
        rows = cursor.fetchall()
    assert len(rows) == 4
    for ubigeo, area_km2, geodesic_km2 in rows:
        assert area_km2 == pytest.approx(geodesic_km2, rel=0.002), ubigeo
    junin = AdminArea.objects.get(ubigeo="12").area_km2
    assert 43_000 < junin < 45_500  # INEI gives 44,197 km²


def test_loading_twice_keeps_the_same_rows():
    before = dict(AdminArea.objects.values_list("ubigeo", "pk"))
    assert load_boundaries() == {"department": 25, "province": 196, "district": 1891}
    assert dict(AdminArea.objects.values_list("ubigeo", "pk")) == before


def test_missing_source_names_the_files_and_the_option(tmp_path):
    (tmp_path / "departments.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(CommandError) as error:
        call_command("load_boundaries", source=str(tmp_path))
    message = str(error.value)
    assert "missing provinces.geojson, districts.geojson" in message
    assert "--source" in message and "PERU_DATA_SOURCE" in message
    assert AdminArea.objects.count() == 2112


def test_a_url_source_names_the_files_it_cannot_reach(tmp_path):
    import functools
    import http.server
    import threading

    (tmp_path / "departments.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(CommandError) as error:
            call_command("load_boundaries", source=f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
    assert "not reachable" in str(error.value)
    assert "departments.geojson" not in str(error.value).split("not reachable")[1]
    assert "provinces.geojson, districts.geojson" in str(error.value)
