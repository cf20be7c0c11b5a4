"""GIS clients read the live API: geopandas (GDAL's GeoJSON driver over HTTP)."""
import geopandas as gpd
import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def test_geopandas_reads_the_live_incident_endpoint(live_url, site_data):
    frame = gpd.read_file(f"{live_url}/api/v1/incidents/?ordering=occurred_on")
    assert sorted(frame["title"]) == site_data
    assert frame.crs.to_epsg() == 4326
    huancavelica = frame[frame["title"] == "Four police officers killed in ambush in Huancavelica"].iloc[0]
    assert (huancavelica["department"], huancavelica["fatalities"]) == ("09", 4)
    assert frame.geometry.geom_type.unique().tolist() == ["Point"]


def test_geopandas_reads_the_regions_endpoint(live_url, site_data):
    frame = gpd.read_file(f"{live_url}/api/v1/regions/?level=district&parent=1206&zoom=9")
    assert len(frame) == 9 and "Vizcatán del Ene" in set(frame["name"])
