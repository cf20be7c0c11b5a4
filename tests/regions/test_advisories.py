import json

import pytest
from django.db import connection

from regions.models import AdvisoryZone
from regions.selectors import advisory_zones_in_force
from regions.services.advisories import SLIVER_MAX_M2, ZONES_FILE, load_advisory_zones
from tests.places import LIMA, PICHARI, SAN_MIGUEL_DEL_ENE

pytestmark = pytest.mark.django_db


def test_both_zones_are_level_four_and_built_from_their_districts():
    spec = {z["slug"]: z for z in json.loads(ZONES_FILE.read_text())["zones"]}
    zones = {z.slug: z for z in AdvisoryZone.objects.all()}
    assert set(zones) == {"vraem", "loreto-colombian-border"}
    for slug, zone in zones.items():
        assert zone.level == 4
        assert sorted(zone.areas.values_list("ubigeo", flat=True)) == sorted(
            u for u, _ in spec[slug]["districts"]
        )


def test_vraem_zone_contains_pichari_and_vizcatan_but_not_lima():
    assert AdvisoryZone.objects.filter(geom__contains=PICHARI).get().slug == "vraem"
    assert AdvisoryZone.objects.filter(geom__contains=SAN_MIGUEL_DEL_ENE).get().slug == "vraem"
    assert not AdvisoryZone.objects.filter(geom__intersects=LIMA).exists()


def test_zone_geometry_is_the_union_of_its_districts_without_sliver_holes():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT z.slug, ST_Covers(z.geom, ST_Union(a.geom)),
                   ST_Area(z.geom::geography) / ST_Area(ST_Union(a.geom)::geography),
                   (SELECT min(ST_Area(ST_MakePolygon(ST_InteriorRingN(d.geom, n))::geography))
                    FROM ST_Dump(z.geom) d, generate_series(1, ST_NumInteriorRings(d.geom)) n)
            FROM regions_advisoryzone z
            JOIN regions_advisoryzone_areas m ON m.advisoryzone_id = z.id
            JOIN regions_adminarea a ON a.id = m.adminarea_id
            GROUP BY z.id ORDER BY z.slug
            """
        )
        rows = cursor.fetchall()
    assert [slug for slug, *_ in rows] == ["loreto-colombian-border", "vraem"]
    for slug, covers, area_ratio, smallest_hole_m2 in rows:
        assert covers, slug
        assert 1 < area_ratio < 1.002, slug  # only slivers were filled
        assert smallest_hole_m2 is None or smallest_hole_m2 >= SLIVER_MAX_M2, slug


def test_reloading_leaves_zones_untouched():
    before = list(AdvisoryZone.objects.values_list("pk", "slug", "geom"))
    load_advisory_zones()
    assert list(AdvisoryZone.objects.values_list("pk", "slug", "geom")) == before


def test_zones_in_force_respect_validity_dates():
    from datetime import date

    assert advisory_zones_in_force(on=date(2017, 12, 31)).count() == 0
    assert advisory_zones_in_force(on=date(2018, 6, 24)).count() == 2
    AdvisoryZone.objects.filter(slug="vraem").update(valid_until=date(2020, 1, 1))
    assert list(advisory_zones_in_force(on=date(2021, 1, 1)).values_list("slug", flat=True)) == [
        "loreto-colombian-border"
    ]
