"""The district page for travellers (#19 part 5): advice first, what happened nearby, and the
header search that finds towns and advisory zones as well as areas."""
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.gis.geos import Point

from incidents.models import Incident
from regions.models import AdvisoryZone
from tests.factories import make_incident, page_url
from tests.places import LIMA, PICHARI, SAN_MIGUEL_DEL_ENE

pytestmark = pytest.mark.django_db

PICHARI_UBIGEO = "080910"
NEAR_32_KM = Point(-73.6, -12.8, srid=4326)  # 32.4 km from Pichari district's boundary
FAR_63_KM = Point(-73.4, -13.0, srid=4326)  # 63.0 km


def ago(**delta) -> date:
    return date.today() - relativedelta(**delta)


@pytest.fixture
def around_pichari():
    """Published incidents at known distances and ages from Pichari district, plus a draft."""
    return {
        "inside_1m": make_incident(title="Inside, a month ago", location=PICHARI, occurred_on=ago(months=1)),
        "edge_2m": make_incident(title="24 km away, two months ago", location=SAN_MIGUEL_DEL_ENE,
                                 occurred_on=ago(months=2), event_type="Protests",
                                 sub_event_type="Peaceful protest"),
        "near_3m": make_incident(title="32 km away, three months ago", location=NEAR_32_KM,
                                 occurred_on=ago(months=3)),
        "inside_9m": make_incident(title="Inside, nine months ago", location=PICHARI, occurred_on=ago(months=9)),
        "inside_13m": make_incident(title="Inside, 13 months ago", location=PICHARI, occurred_on=ago(months=13)),
        "far_1m": make_incident(title="63 km away", location=FAR_63_KM, occurred_on=ago(months=1)),
        "lima_1m": make_incident(title="In Lima", location=LIMA, occurred_on=ago(months=1)),
        "draft": make_incident(title="A draft inside", location=PICHARI, occurred_on=ago(months=1),
                               status=Incident.Status.DRAFT),
    }


def test_advice_comes_first_with_issuer_wording_dates_and_source(client):
    html = client.get(page_url("region", PICHARI_UBIGEO)).content.decode()
    advice, nearby, totals = html.index('id="advice"'), html.index('id="nearby"'), html.index('id="region-totals"')
    assert advice < nearby < totals
    section = html[advice:nearby]
    us = AdvisoryZone.objects.get(slug="us-vraem")
    assert "U.S. Department of State — Level 4: Do Not Travel</strong>" in section
    assert f"In force since {us.valid_from:%-d %b %Y}." in section
    assert section.count("Not yet reviewed against the source.") == 3  # the loaded data: null
    assert (f'<a href="{us.source_url}" rel="noopener noreferrer">Read the advice at U.S. Department of State</a>'
            in section)
    assert f'href="{page_url("advisories")}#zone-us-vraem"' in section
    assert section.count('class="advisory ') == 3  # U.S., UK and the VRAEM reference area


def test_advice_says_when_it_was_last_reviewed(client):
    AdvisoryZone.objects.filter(slug="us-vraem").update(last_reviewed=date(2026, 11, 20))
    html = client.get(page_url("region", PICHARI_UBIGEO)).content.decode()
    section = html[html.index('id="advice"'):html.index('id="nearby"')]
    assert "Last reviewed against the source on 20 Nov 2026." in section
    assert section.count("Not yet reviewed against the source.") == 2


def test_advice_in_spanish(client):
    html = client.get(page_url("region", PICHARI_UBIGEO, language="es")).content.decode()
    section = html[html.index('id="advice"'):html.index('id="nearby"')]
    us = AdvisoryZone.objects.get(slug="us-vraem")
    assert '<h2 id="advice-heading">Alertas de viaje</h2>' in section
    assert "Vigente desde el " in section and section.count("Aún no cotejada con la fuente.") == 3
    assert f'<a href="{us.source_url}" rel="noopener noreferrer">Leer la alerta en U.S. Department of State</a>' in section


def test_nearby_and_search_in_spanish(client, around_pichari):
    html = client.get(page_url("region", PICHARI_UBIGEO, language="es")).content.decode()
    section = html[html.index('id="nearby"'):html.index('id="region-totals"')]
    assert "Qué ocurrió cerca" in section and "en un radio de 25 km" in section
    assert "últimos 6 meses" in section and "últimos 12 meses" in section
    assert ", en el área</li>" in section and ", a 32 km</li>" in section
    found = client.get(page_url("region-search", language="es"), {"q": "San Miguel del Ene"}).content.decode()
    assert "Pueblos y centros poblados" in found and "distrito de Vizcatán del Ene, Satipo, Junín</li>" in found


def test_nearby_counts_by_distance_and_period(client, around_pichari):
    nearby = client.get(page_url("region", PICHARI_UBIGEO)).context["nearby"]
    # 25 km: inside 1 month + edge 2 months | + inside 9 months; 50 km: + 32 km 3 months.
    assert [(row["km"], row["counts"]) for row in nearby["table"]] == [(25, [2, 3]), (50, [3, 4])]
    assert nearby["total"] == 4
    assert [(row["title"], round(row["distance_km"], 1)) for row in nearby["rows"]] == [
        ("Inside, a month ago", 0.0), ("24 km away, two months ago", 24.3),
        ("32 km away, three months ago", 32.4), ("Inside, nine months ago", 0.0)]


def test_nearby_section_lists_and_maps_them(client, around_pichari):
    page = client.get(page_url("region", PICHARI_UBIGEO))
    html = page.content.decode()
    section = html[html.index('id="nearby"'):html.index('id="region-totals"')]
    cells = section[section.index('id="nearby-counts"'):section.index("</table>")]
    assert "<td>2</td><td>3</td>" in cells and "<td>3</td><td>4</td>" in cells
    assert "within 25 km" in cells and "last 6 months" in cells and "last 12 months" in cells
    inside = around_pichari["inside_1m"]
    assert f'<a href="{page_url("incident", inside.pk)}">Inside, a month ago</a>' in section
    assert "Inside, a month ago</a> — " in section and ", in the area</li>" in section
    assert "32 km away, three months ago</a>" in section and ", 32 km away</li>" in section
    for title in ("Inside, 13 months ago", "63 km away", "In Lima", "A draft inside"):
        assert title not in section
    assert 'class="nearby-map"' in section
    script = page.context["nearby_map_script"]
    assert script.count('"className": "nearby-incident"') == 4
    assert "A draft inside" not in script and "In Lima" not in script


def test_only_a_district_page_has_the_nearby_section(client, around_pichari):
    for ubigeo in ("08", "0809"):  # Cusco, La Convención: the advice still comes first
        page = client.get(page_url("region", ubigeo))
        html = page.content.decode()
        assert page.context["nearby"] is None and 'id="nearby"' not in html
        assert html.index('id="advice"') < html.index('id="region-totals"')


def test_nearby_is_empty_and_says_so(client):
    html = client.get(page_url("region", PICHARI_UBIGEO)).content.decode()
    assert "No incident within 50 km in the last 12 months." in html


def test_hostile_title_is_escaped_in_the_nearby_list_and_map(client):
    make_incident(title='<img src=x onerror="alert(1)">', location=PICHARI, occurred_on=ago(months=1))
    page = client.get(page_url("region", PICHARI_UBIGEO))
    html = page.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


@pytest.mark.parametrize("query, first_section, first_name", [
    ("San Miguel del Ene", "places", "San Miguel del Ene"),
    ("san migel del ene", "places", "San Miguel del Ene"),  # typo, lower case
    ("VRAEM", "zones", "VRAEM (Valley of the Apurímac, Ene and Mantaro Rivers)"),
    ("vraem intervencion", "zones", "VRAEM intervention area (ámbito de intervención)"),  # no accent
    ("Pichari", "areas", "Pichari"),
    ("Natividad", "places", "Natividad"),
])
def test_header_search_finds_towns_zones_and_areas(client, query, first_section, first_name):
    context = client.get(page_url("region-search"), {"q": query}).context
    assert context["sections"][0] == first_section
    rows = {"places": context["places"], "zones": context["zones"], "areas": context["results"]}[first_section]
    assert rows[0].name == first_name


def test_a_town_links_to_its_district_page_nearby_section(client):
    page = client.get(page_url("region-search"), {"q": "San Miguel del Ene"})
    assert [(p.kind, p.district_area.ubigeo) for p in page.context["places"][:2]] == [
        ("capital", "120609"), ("populated_place", "120609")]
    html = page.content.decode()
    assert (f'<a href="{page_url("region", "120609")}#nearby">San Miguel del Ene</a> — district capital, '
            "district of Vizcatán del Ene, Satipo, Junín</li>") in html
    assert html.index('id="place-results"') < html.index('id="area-results"')


def test_vraem_finds_the_three_zones_in_order(client):
    page = client.get(page_url("region-search"), {"q": "VRAEM"})
    assert [z.slug for z in page.context["zones"]] == ["us-vraem", "uk-vraem", "vraem"]
    assert f'<a href="{page_url("advisories")}#zone-us-vraem">' in page.content.decode()


def test_search_text_is_escaped_and_nothing_found_says_so(client):
    html = client.get(page_url("region-search"), {"q": "<b>zzqx</b>"}).content.decode()
    assert "&lt;b&gt;zzqx&lt;/b&gt;" in html and "<b>zzqx" not in html
    assert "No area, town or advisory zone matches. Try another spelling." in html
