"""The geocoder's one gazetteer query per bulletin read as plain values (#18 target 5): each
Place built from a row (regions.selectors.place_from_values) equals the one the ORM builds from
the same query (places_for_names) in every field, relation and annotation the geocoder reads,
and it costs no query of its own."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions.selectors import place_from_values, place_values_for_names, places_for_names

pytestmark = pytest.mark.django_db
# Names matching ~1,000 places, a correction without a district found (a point on no district:
# 'la aguana'), a split ('torocro'), department and province names (no district), a misspelling.
NAMES = ["santa rosa", "la mar", "ayacucho", "natividad", "pichari", "la aguana", "torocro",
         "amazonas", "vizcatam"]
PLACE = ["pk", "kind", "code", "name", "name_norm", "ubigeo", "district_id", "area_id", "urban",
         "in_vraem", "in_own_district", "similarities", "like_match", "name_order", "like_order"]
AREA = ["pk", "level", "ubigeo", "name", "parent_id", "area_km2"]


def _described(place) -> dict:
    correction = getattr(place, "correction", None)
    return {
        **{name: getattr(place, name) for name in PLACE},
        "point": place.point.ewkt,
        "district": [getattr(place.district, f) for f in AREA] if place.district else None,
        "correction": None if correction is None else {
            "found_in": [getattr(correction.found_in, f) for f in AREA] if correction.found_in else None,
            "distance_km": correction.distance_km, "inside_point": correction.inside_point.ewkt,
            "split": correction.split, "place": correction.place.pk,
        },
    }


def test_places_built_from_values_equal_the_orm_ones():
    expected = [_described(p) for p in places_for_names(NAMES)]
    with CaptureQueriesContext(connection) as queries:
        got = [_described(place_from_values(v)) for v in place_values_for_names(NAMES)]
    assert len(queries.captured_queries) == 1
    assert got == expected
    assert len(got) > 1000
    corrections = [p["correction"] for p in got if p["correction"]]
    assert any(c["found_in"] is None for c in corrections)
    assert any(c["split"] for c in corrections)
    assert any(p["district"] is None for p in got)


def test_no_names_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert place_values_for_names([]) == []
    assert queries.captured_queries == []
