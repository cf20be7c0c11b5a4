"""Incident, region and advisory pages, rendered by the server."""
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from regions.models import AdminArea
from tests.places import PICHARI, SAN_MIGUEL_DEL_ENE
from tests.factories import make_actor, make_incident, page_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def junin_incidents():
    sl = make_actor()
    mazangaro = make_incident(
        title="Attack on the Mazángaro base", location=SAN_MIGUEL_DEL_ENE, occurred_on=date(2018, 6, 11),
        injuries=6, actors=[sl], geo_precision=2,
    )
    clash = make_incident(
        title="Clash in Vizcatán", location=SAN_MIGUEL_DEL_ENE, occurred_on=date(2018, 6, 24),
        fatalities=2, actors=[sl],
    )
    junin = AdminArea.objects.get(ubigeo="12")
    vague = make_incident(
        title="Patrol attacked somewhere in Junín", location=junin.label_point, area_level="department",
        geo_precision=3, occurred_on=date(2018, 7, 3), fatalities=1,
    )
    far_in_time = make_incident(
        title="Old clash", location=SAN_MIGUEL_DEL_ENE, occurred_on=date(2017, 1, 1),
    )
    make_incident(title="Draft nearby", location=SAN_MIGUEL_DEL_ENE, status="draft")
    pichari = make_incident(title="Clash in Pichari", location=PICHARI, occurred_on=date(2018, 6, 20))
    return {"mazangaro": mazangaro, "clash": clash, "vague": vague, "old": far_in_time, "pichari": pichari}


def test_incident_page_shows_fields_advisory_and_nearby(client, junin_incidents):
    page = client.get(page_url("incident", junin_incidents['mazangaro'].pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Attack on the Mazángaro base" in html
    assert "11 June 2018" in html and "Injuries</th><td>6" in html and "Fatalities</th><td>unknown" in html
    assert '<td class="precision">near a place' in html  # one wording (web/precision.py)
    assert "U.S. Department of State — Level 4: Do Not Travel</strong> — VRAEM" in html
    assert "level 4" not in html.lower().replace("level 4: do not travel", "")
    nearby = [(i.title, round(i.distance_km, 1)) for i in page.context["nearby"]]
    # Same point 13 days later; Pichari is 37 km away; the 2017 clash is out of the 90 days.
    assert nearby == [("Clash in Vizcatán", 0.0)]
    assert '/regions/120609/' in html and '/regions/12/' in html


def test_unpublished_incident_is_404_for_the_public_and_visible_to_editors(client, junin_incidents):
    from incidents.models import Incident

    draft = Incident.objects.get(title="Draft nearby")
    assert client.get(page_url("incident", draft.pk)).status_code == 404
    client.force_login(get_user_model().objects.create_superuser("ed", password="x-for-tests"))
    assert "Status: Draft (not public)" in client.get(page_url("incident", draft.pk)).content.decode()


def test_user_text_is_escaped_on_the_incident_page(client):
    incident = make_incident(title='<img src=x onerror="alert(1)">', description="<script>alert(2)</script>")
    html = client.get(page_url("incident", incident.pk)).content.decode()
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_region_page_counts(client, junin_incidents):
    page = client.get(page_url("region", "12"))
    summary = page.context["summary"]
    assert summary["totals"] == {"incidents": 4, "fatalities": 3, "injuries": 6}
    assert [(r["month"].strftime("%Y-%m"), r["incidents"]) for r in summary["by_month"]] == [
        ("2017-01", 1), ("2018-06", 2), ("2018-07", 1),
    ]
    assert [(r["event_type"], r["incidents"]) for r in summary["by_type"]] == [("Battles", 4)]
    assert [(r["actor__name"], r["incidents"]) for r in summary["by_actor"]] == [("Shining Path", 2)]
    satipo = next(row for row in summary["children"] if row["area"].ubigeo == "1206")
    assert satipo["incidents"] == 3 and len(summary["children"]) == 9
    assert summary["unassigned_below"] == 1  # known only at department level
    assert [(z.slug, z.covered_percent) for z in page.context["zones"]] == [("us-vraem", 42), ("uk-vraem", 42), ("vraem", 42)]
    district = client.get(page_url("region", "120609")).context
    assert district["summary"]["totals"]["incidents"] == 3
    assert district["summary"]["children"] == []
    assert [z.covered_percent for z in district["zones"]] == [100, 100, 100]  # U.S., UK and the VRAEM reference area
    html = client.get(page_url("region", "120609")).content.decode()
    assert "U.S. Department of State — Level 4: Do Not Travel</strong>" in html
    assert "level 4" not in html.lower().replace("level 4: do not travel", "")
    assert client.get(page_url("region", "77")).status_code == 404


def test_advisories_page_lists_zones_in_force(client):
    page = client.get(page_url("advisories"))
    assert [z.slug for z in page.context["zones"]] == [
        "us-colombia-border", "us-vraem", "uk-colombia-border", "uk-vraem", "vraem"]
    html = page.content.decode()
    assert "U.S. Department of State — Level 4: Do Not Travel" in html and "79 districts" in html
    assert "Advise against all but essential travel" in html and "reference area, not travel advice" in html


def test_pages_are_small_and_embed_no_incident_data(client, junin_incidents):
    sizes = {url: len(client.get(url).content) for url in [page_url("map"), page_url("region", "12"), page_url("advisories")]}
    assert all(size < 300_000 for size in sizes.values()), sizes
    assert "Clash in Pichari" not in client.get(page_url("map")).content.decode()
    assert "Clash in Pichari" not in client.get(page_url("region", "08")).content.decode()


def test_map_legend_names_each_issuer_in_its_own_words(client):
    html = client.get(page_url("map")).content.decode()
    assert "U.S. Department of State — Level 4: Do Not Travel" in html
    assert "Advise against all but essential travel" in html
    assert "(reference area, not advice)" in html
    assert "4 – Do not travel" not in html and "Reconsider travel / avoid" not in html
