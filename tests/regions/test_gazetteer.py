"""The gazetteer: counts, idempotent load, and names resolved by the text around them."""
import pytest

from regions.geocoding import geocode, split_kind
from regions.models import Place
from regions.services.gazetteer import GazetteerDataError, load_places
from regions.text import normalise

pytestmark = pytest.mark.django_db


def top(text, **kwargs):
    c = geocode(text, **kwargs)[0]
    return c.name, c.kind, c.ubigeo, c.geo_precision


def test_load_counts_and_second_load_skips():
    result = load_places()
    assert result.already_loaded is True
    assert result.counts == {"department": 25, "province": 196, "district": 1891, "capital": 1874,
                             "populated_place": 94922}
    assert Place.objects.get(kind="populated_place", code="1206090004").district.ubigeo == "120609"


BAD_PLACES = """\
"inei_ccpp","inei_distrito","departamento","provincia","distrito","ccpp","tipo","latitude","longitude"
"0809100901","080910","CUSCO","LA CONVENCION","PICHARI","PUEBLO DE PRUEBA","Rural",-12.25,-73.95
"0809100902","080910","CUSCO","LA CONVENCION","PICHARI","SIN COORDENADAS","Rural",,-73.95
"""
CAPITALS = """\
inei,reniec,departamento,provincia,distrito,region,macroregion_inei,macroregion_minsa,iso_3166_2,fips,capital,superficie,pob_densidad_2020,altitude,latitude,longitude,indice_vulnerabilidad_alimentaria,idh_2019,pct_pobreza_total,pct_pobreza_extrema
080910,080910,CUSCO,LA CONVENCION,PICHARI,CUSCO,SUR,MACROREGION SUR,PE-CUS,05,Pichari,,,,-12.5195,-73.8290,,,,
"""


def test_a_bad_row_stops_the_load_naming_its_line_and_changes_nothing(tmp_path):
    before = Place.objects.count()
    (tmp_path / "populated_places.csv").write_text(BAD_PLACES)
    (tmp_path / "district_indicators.csv").write_text(CAPITALS)
    with pytest.raises(GazetteerDataError) as error:
        load_places(source=str(tmp_path), force=True)
    assert str(error.value) == (
        "populated_places.csv line 3: bad coordinates latitude='' longitude='-73.95'")
    assert Place.objects.count() == before == 98908


def test_normalise_and_spanish_forms():
    assert normalise("Unión  Mantaro") == "union mantaro"
    assert split_kind("distrito de Vizcatán del Ene") == ("vizcatan del ene", "district")
    assert split_kind("la provincia de La Mar") == ("la mar", "province")
    assert split_kind("región Huancavelica") == ("huancavelica", "department")
    assert split_kind("Satipo province") == ("satipo", "province")


def test_accents_case_and_partial_names():
    assert top("UNION MANTARO") == ("Union Mantaro", "populated_place", "050409", 1)
    assert top("Vizcatan district") == ("Vizcatán del Ene", "district", "120609", 3)
    assert top("Vizcatam del Ene") == ("Vizcatán del Ene", "district", "120609", 3)  # misspelt


def test_colcabamba_is_chosen_by_the_province_or_department_named():
    assert top("Colcabamba district", qualifiers=["Tayacaja province"])[2] == "090705"
    assert top("Colcabamba district", qualifiers=["Apurímac"])[2] == "030405"
    assert top("Colcabamba district", qualifiers=["Huaraz"])[2] == "020103"


def test_natividad_in_pichari_and_santa_rosa_in_la_mar():
    natividad = geocode("Natividad", qualifiers=["Pichari district"])[0]
    assert (natividad.place_id, natividad.ubigeo) == (
        Place.objects.get(code="0809100008").pk, "080910")
    # Was "...the areas follow the point" (Río Tambo): issue #13 part 3 keeps it in Pichari.
    assert natividad.reason.endswith(
        "INEI point lies 14.1 km outside Pichari; moved to the nearest point inside it; "
        "populated place")
    assert top("Santa Rosa district", qualifiers=["La Mar province", "Ayacucho"])[2] == "050507"


def test_vraem_breaks_ties_when_the_text_names_nothing_else():
    assert top("Natividad", prefer_vraem=True)[2] == "080910"
    assert top("Natividad")[2] == "030205"  # without context: the lowest ubigeo


def test_department_only_gives_its_representative_point_and_precision_3():
    candidate = geocode("Huancavelica region")[0]
    assert (candidate.kind, candidate.ubigeo, candidate.geo_precision, candidate.area_level) == (
        "department", "09", 3, "department")


def test_candidates_are_ranked_with_reasons():
    candidates = geocode("Santa Rosa", qualifiers=["Ayacucho"], limit=3)
    assert [c.ubigeo[:2] for c in candidates] == ["05", "05", "05"]  # several in Ayacucho
    assert candidates[0].score >= candidates[1].score >= candidates[2].score
    assert candidates[0].reason.startswith("exact name; inside the area named next to it (05)")
    assert geocode("Xqzzyv") == []
