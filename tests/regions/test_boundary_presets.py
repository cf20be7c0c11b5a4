"""load_boundaries reads other publishers' files through a field mapping (#13 part 6)."""
import json

import pytest
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.management import CommandError, call_command

from regions.functions import SimplifyPreserveTopology
from regions.models import AdminArea
from regions.services.boundaries import (
    BoundaryDataError, Fields, load_boundaries, parse_fields,
)

pytestmark = pytest.mark.django_db

# Ayacucho, La Mar and two of its districts: real polygons from the test database, simplified.
UBIGEOS = {"department": ["05"], "province": ["0505"], "district": ["050501", "050507"]}
FILES = {"department": "departments.geojson", "province": "provinces.geojson",
         "district": "districts.geojson"}
# Each schema: level -> (code field, name field, code as the publisher writes it).
SCHEMAS = {
    "mapsperu": {"department": ("COD_DEPARTAMENTO", "DEPARTAMENTO", "{}"),
                 "province": ("COD_PROVINCIA", "PROVINCIA", "{}"),
                 "district": ("COD_DISTRITO", "DISTRITO", "{}")},
    "ocha-cod-ab": {"department": ("ADM1_PCODE", "ADM1_ES", "PE{}"),
                    "province": ("ADM2_PCODE", "ADM2_ES", "PE{}"),
                    "district": ("ADM3_PCODE", "ADM3_ES", "PE{}")},
    "inei-2007": {"department": ("IDDPTO", "NOMBDEP", "{}"),
                  "province": ("IDPROV", "NOMBPROV", "{}"),
                  "district": ("IDDIST", "NOMBDIST", "{}")},
}


def write_files(directory, schema):
    for level, ubigeos in UBIGEOS.items():
        code_field, name_field, code_form = schema[level]
        rows = AdminArea.objects.filter(ubigeo__in=ubigeos).annotate(
            geojson=AsGeoJSON(SimplifyPreserveTopology("geom", 0.01), precision=5))
        features = [{"type": "Feature", "geometry": json.loads(row.geojson),
                     "properties": {code_field: code_form.format(row.ubigeo),
                                    name_field: row.name, "ADM0_ES": "Perú"}}
                    for row in rows]
        (directory / FILES[level]).write_text(
            json.dumps({"type": "FeatureCollection", "features": features}))


@pytest.mark.parametrize("preset", sorted(SCHEMAS))
def test_each_publishers_schema_loads_into_the_same_areas(tmp_path, preset):
    write_files(tmp_path, SCHEMAS[preset])
    before = dict(AdminArea.objects.values_list("ubigeo", "pk"))
    names = dict(AdminArea.objects.values_list("ubigeo", "name"))
    assert load_boundaries(source=str(tmp_path), preset=preset) == {
        "department": 25, "province": 196, "district": 1891}
    assert dict(AdminArea.objects.values_list("ubigeo", "pk")) == before
    assert dict(AdminArea.objects.values_list("ubigeo", "name")) == names
    assert AdminArea.objects.get(ubigeo="050507").parent.ubigeo == "0505"


def test_the_command_takes_a_preset_or_fields(tmp_path):
    write_files(tmp_path, SCHEMAS["ocha-cod-ab"])
    call_command("load_boundaries", source=str(tmp_path), preset="ocha-cod-ab")
    write_files(tmp_path, SCHEMAS["inei-2007"])
    call_command("load_boundaries", source=str(tmp_path), fields=[
        "department:IDDPTO,NOMBDEP", "province:IDPROV,NOMBPROV", "district:IDDIST,NOMBDIST"])
    assert AdminArea.objects.count() == 2112


def test_a_file_with_another_schema_and_no_mapping_is_refused_naming_its_fields(tmp_path):
    write_files(tmp_path, SCHEMAS["ocha-cod-ab"])
    with pytest.raises(CommandError) as error:
        call_command("load_boundaries", source=str(tmp_path))
    assert str(error.value) == (
        "departments.geojson: no field(s) COD_DEPARTAMENTO, DEPARTAMENTO (mapping mapsperu); the "
        "file's fields are: 'ADM0_ES', 'ADM1_ES', 'ADM1_PCODE'. Give --preset (mapsperu, ocha-cod-ab, "
        "inei-2007) or --fields department:CODE_FIELD,NAME_FIELD")
    assert AdminArea.objects.get(ubigeo="05").name == "Ayacucho"


def test_fields_are_parsed_over_the_preset_and_bad_ones_refused():
    mapping = parse_fields(["district:UBIGEO,NOMBRE"], base="ocha-cod-ab")
    assert mapping["district"] == Fields("UBIGEO", "NOMBRE")
    assert mapping["department"] == Fields("ADM1_PCODE", "ADM1_ES", "PE")
    with pytest.raises(BoundaryDataError) as error:
        parse_fields(["county:A,B"])
    assert str(error.value) == ("--fields 'county:A,B': expected LEVEL:CODE_FIELD,NAME_FIELD with "
                                "LEVEL one of department, district, province")
