"""Real OGC API - Features clients against the live server: GDAL's OAPIF driver (ogrinfo,
ogr2ogr, from Debian's gdal-bin) and geopandas (pyogrio, the same driver)."""
import subprocess

import geopandas as gpd
import pytest

from incidents.models import Incident

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def _run(*args) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_ogrinfo_lists_the_collections(live_url, site_data):
    out = _run("ogrinfo", "-ro", "-q", f"OAPIF:{live_url}/ogc")
    assert [line.split(" (")[0] for line in out.splitlines() if line[:1].isdigit()] == [
        "1: incidents", "2: departments", "3: provinces", "4: districts", "5: advisory-zones"]


def test_ogrinfo_reads_every_filtered_incident_across_pages(live_url, site_data):
    expected = Incident.objects.filter(status="published", event_type="Battles").count()
    out = _run("ogrinfo", "-ro", "-so", "-oo", "PAGE_SIZE=1", "-where", "event_type = 'Battles'",
               f"OAPIF:{live_url}/ogc", "incidents")
    assert f"Feature Count: {expected}" in out and expected == 4


def test_ogr2ogr_copies_layers_to_a_geopackage_and_geopandas_reads_it(live_url, site_data, tmp_path):
    target = tmp_path / "vraem.gpkg"
    _run("ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_url}/ogc", "incidents", "advisory-zones",
         "-oo", "PAGE_SIZE=2")
    frame = gpd.read_file(target, layer="incidents")
    assert sorted(frame["title"]) == site_data
    assert frame.crs.to_epsg() == 4326
    zones = gpd.read_file(target, layer="advisory-zones")
    assert sorted(zones["slug"]) == ["uk-colombia-border", "uk-vraem", "us-colombia-border", "us-vraem",
                                    "vraem"]


def test_geopandas_reads_an_ogc_items_page(live_url, site_data):
    # In this process GDAL's OAPIF driver would wait for ever on the live-server thread (the
    # GIL is held while it opens); the items page is read with GDAL's GeoJSON driver instead,
    # and the OAPIF reading is ogr2ogr's (above).
    frame = gpd.read_file(f"{live_url}/ogc/collections/incidents/items?limit=100")
    assert sorted(frame["title"]) == site_data
    assert "Unpublished draft" not in set(frame["title"])




def _items_requests(live_url, caplog, where: str) -> tuple[list[str], list[str], str]:
    """(server access lines of incident item pages, URLs GDAL fetched, ogrinfo's output)."""
    caplog.clear()
    done = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-q", "-oo", "PAGE_SIZE=1", "-where", where,
         f"OAPIF:{live_url}/ogc", "incidents"],
        capture_output=True, text=True, timeout=120, env={"CPL_DEBUG": "ON", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    served = [r.getMessage().split(" 200 ")[0] for r in caplog.records if r.name == "vraem.access"
              and r.getMessage().startswith("GET /ogc/collections/incidents/items ")]
    fetched = [line.split("Fetch(")[1].rstrip(")").split("/ogc")[1] for line in done.stderr.splitlines()
               if "HTTP: Fetch(" in line and "/collections/incidents/items" in line]
    return served, fetched, done.stdout


def test_gdal_sends_the_where_filter_to_the_server(live_url, site_data, caplog, monkeypatch):
    """GDAL 3.6 pushes `event_type = 'Protests'` down as `?event_type=Protests` because /ogc/api
    lists the parameter under /collections/incidents/items (relative to the landing page, as
    GDAL looks it up): the server's access log has one items request for the filtered pages
    besides GDAL's first look at the layer, not one per page of every incident (PAGE_SIZE=1)."""
    import logging

    from ogcapi.views import OpenApiView

    assert Incident.objects.filter(status="published").count() == 4  # all Battles, none Protests
    caplog.set_level(logging.INFO, logger="vraem.access")
    served, fetched, out = _items_requests(live_url, caplog, "event_type = 'Protests'")
    assert served == ["GET /ogc/collections/incidents/items"] * 2
    assert fetched == ["/collections/incidents/items?f=json&limit=1",
                       "/collections/incidents/items?f=json&limit=1&event_type=Protests"]
    assert "OGRFeature(incidents)" not in out
    # With the paths of the whole API (/ogc/collections/…, as before), GDAL finds no parameter
    # and reads every page to filter them itself.
    monkeypatch.setattr(OpenApiView, "PREFIX", "/not-the-ogc-api")
    served, fetched, out = _items_requests(live_url, caplog, "event_type = 'Protests'")
    assert len(served) == 1 + 4 and "event_type" not in "".join(fetched)
    assert "OGRFeature(incidents)" not in out
