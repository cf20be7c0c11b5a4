import pytest
from django.core.management import CommandError, call_command

from regions.models import AdminArea, DistrictIndicators
from regions.selectors import indicator_summary
from tests.factories import page_url

pytestmark = pytest.mark.django_db


def test_indicators_are_loaded_for_every_district_in_the_boundaries():
    assert DistrictIndicators.objects.count() == 1889  # 1,891 districts; 2 have no row in the table
    vizcatan = DistrictIndicators.objects.get(district__ubigeo="120609")
    assert (vizcatan.capital, vizcatan.altitude_m) == ("San Miguel del Ene", 539)
    assert vizcatan.poverty_pct == pytest.approx(28.28469)


def test_province_indicators_are_median_and_range_over_its_districts():
    satipo = indicator_summary(AdminArea.objects.get(ubigeo="1206"))
    assert satipo["count"] == 9
    assert satipo["rows"]["altitude_m"] == {"median": 694.0, "min": 358.0, "max": 1231.0}
    district = indicator_summary(AdminArea.objects.get(ubigeo="120609"))
    assert district["district"]["capital"] == "San Miguel del Ene"


def test_a_bad_indicator_value_names_its_line_and_changes_nothing(tmp_path):
    header = ("inei,capital,superficie,pob_densidad_2020,altitude,indice_vulnerabilidad_alimentaria,"
              "idh_2019,pct_pobreza_total,pct_pobreza_extrema\n")
    (tmp_path / "district_indicators.csv").write_text(
        header + "120609,X,1,2,539,0.4,0.4,28,3\n" + "080910,Y,1,2,high,0.4,0.4,28,3\n"
    )
    with pytest.raises(CommandError, match=r"line 3: altitude is 'high', not a number"):
        call_command("load_indicators", source=str(tmp_path))
    assert DistrictIndicators.objects.get(district__ubigeo="120609").capital == "San Miguel del Ene"


@pytest.mark.parametrize(
    "query, first",
    [("vizcatan", "120609"), ("VIZCATÁN DEL ENE", "120609"), ("pichary", "080910"), ("Junín", "12")],
)
def test_region_search_ignores_case_accents_and_typos(client, query, first):
    results = client.get(page_url("region-search"), {"q": query}).context["results"]
    assert results[0].ubigeo == first


def test_region_search_lists_every_area_of_a_repeated_name(client):
    results = client.get(page_url("region-search"), {"q": "Colcabamba"}).context["results"]
    assert [a.ubigeo for a in results[:3]] == ["020103", "030405", "090705"]


def test_region_page_shows_indicators(client):
    html = client.get(page_url("region", "120609")).content.decode()
    assert "San Miguel del Ene" in html and "28.3% (3.6% extreme)" in html
    assert "Over its 9 districts" in client.get(page_url("region", "1206")).content.decode()
