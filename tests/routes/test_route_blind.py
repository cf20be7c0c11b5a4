"""Blind values for two roads through the VRAEM (tests/routes/BLIND.md): the expectations were
written before the route check first ran; the first-pass results are kept in BLIND.md."""
import pytest

from incidents.services.routes import route_check
from regions.services.route_input import resolve_stops

pytestmark = pytest.mark.django_db

VRAEM_ZONES = {"vraem", "us-vraem", "uk-vraem"}


def _check(texts):
    stops = resolve_stops(texts)
    points = [(s.longitude, s.latitude) for s in stops]
    return stops, route_check(points=points, km=10, days=365, legs=list(range(len(points))))


def test_huanta_to_pichari():
    stops, check = _check(["Huanta", "Pichari"])
    assert [(s.name, s.ubigeo) for s in stops] == [("Huanta", "050401"), ("Pichari", "080910")]
    assert 60 <= check.length_km <= 70
    km = {row["area"].name: row["km_inside"] for row in check.districts}
    order = [row["area"].name for row in check.districts]
    assert {"Huanta", "Uchuraccay", "Sivia", "Pichari"} <= set(km)
    assert order[0] == "Huanta" and order[-1] == "Pichari"
    zones = {row["zone"].slug: row["km_inside"] for row in check.zones}
    assert set(zones) == VRAEM_ZONES
    assert all(50 <= value <= 70 for value in zones.values()), zones


def test_pichari_kimbiri_san_francisco():
    stops, check = _check(["Pichari", "Kimbiri", "San Francisco, Ayna"])
    assert [s.ubigeo for s in stops] == ["080910", "080907", "050503"]
    assert 10 <= check.length_km <= 15
    km = {row["area"].ubigeo: row["km_inside"] for row in check.districts}
    assert set(km) >= {"080910", "080907", "050503"}
    assert 4 <= km["080910"] <= 8 and 4 <= km["080907"] <= 8
    # Blind expectation (wrong, BLIND.md first pass): Pichari, Kimbiri, then Ayna < 1.5 km.
    # The straight Pichari-Kimbiri segment crosses the Apurimac into Ayna for 3.5 km.
    assert [row["area"].ubigeo for row in check.districts] == ["080910", "050503", "080907"]
    assert round(km["050503"], 1) == 3.5
    zones = {row["zone"].slug: row["km_inside"] for row in check.zones}
    assert set(zones) == VRAEM_ZONES
    assert all(10 <= value <= 15 for value in zones.values()), zones
