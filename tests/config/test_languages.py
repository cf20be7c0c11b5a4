"""Spanish and English (#14): language-prefixed public pages, the redirect of unprefixed ones,
the switcher, <html lang>, the reader's dates and numbers, and the map cache per language."""
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_incident, page_url
from tests.places import SAN_MIGUEL_DEL_ENE

pytestmark = pytest.mark.django_db

PUBLIC = [("map", ()), ("embed", ()), ("advisories", ()), ("region", ("12",)), ("region-search", ())]


@pytest.mark.parametrize(("accept", "expected"), [
    ("fr-FR,fr;q=0.9", "/es/"),            # neither: Spanish
    ("", "/es/"),
    ("en-US,en;q=0.9", "/en/"),
    ("es-PE,es;q=0.9,en;q=0.8", "/es/"),
    ("de;q=1.0,en;q=0.5", "/en/"),
])
def test_an_unprefixed_page_redirects_by_accept_language(accept, expected):
    response = Client(HTTP_ACCEPT_LANGUAGE=accept).get("/")
    assert (response.status_code, response["Location"]) == (302, expected)


def test_old_unprefixed_links_keep_their_query_string():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    incident = make_incident(location=SAN_MIGUEL_DEL_ENE)
    assert client.get(f"/incidents/{incident.pk}/?from=bookmark")["Location"] == f"/en/incidents/{incident.pk}/?from=bookmark"
    assert Client().get("/embed/?region=12&event_type=Battles")["Location"] == "/es/embed/?region=12&event_type=Battles"
    assert Client().get("/regions/?q=pichari")["Location"] == "/es/regions/?q=pichari"
    assert Client().get("/advisories/")["Location"] == "/es/advisories/"


def test_the_language_cookie_wins_over_accept_language():
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.cookies["django_language"] = "en"
    assert client.get("/advisories/")["Location"] == "/en/advisories/"


def test_admin_api_ogc_tiles_and_health_stay_unprefixed():
    client = Client()
    assert [reverse(name) for name in ["admin:index", "api:stats", "healthz", "ogcapi:landing", "qgis-project"]] == [
        "/admin/", "/api/v1/stats/", "/healthz", "/ogc/", "/ogc/vraem.qgs"]
    assert reverse("incident-tile", args=[5, 9, 16]) == "/tiles/incidents/5/9/16.pbf"
    assert client.get("/api/v1/stats/").status_code == 200
    assert client.get("/ogc/vraem.qgs").status_code == 200
    assert client.get("/es/api/v1/stats/").status_code == 404
    assert client.get("/en/admin/").status_code == 404


def test_the_admin_and_the_ogc_pages_follow_the_cookie_or_accept_language():
    assert '<html lang="en"' in Client(HTTP_ACCEPT_LANGUAGE="en").get("/admin/login/").content.decode()
    assert '<html lang="es"' in Client(HTTP_ACCEPT_LANGUAGE="fr").get("/admin/login/").content.decode()
    english = Client()
    english.cookies["django_language"] = "en"
    assert '<html lang="en">' in english.get("/ogc/?f=html").content.decode()
    assert '<html lang="es">' in Client().get("/ogc/?f=html").content.decode()


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize(("name", "args"), PUBLIC)
def test_every_public_page_says_its_language_and_links_the_other(name, args, language):
    url = page_url(name, *args, language=language)
    html = Client().get(url + "?q=pichari").content.decode()
    assert f'<html lang="{language}">' in html
    other = "en" if language == "es" else "es"
    if name == "embed":  # no header in a frame: no switcher
        assert "language-switch" not in html
        return
    expected = page_url(name, *args, language=other) + "?q=pichari"
    assert re.findall(r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+" data-language="\w+">(\w+)</a>', html) == [
        (expected, other, {"es": "Español", "en": "English"}[other])]


def test_the_incident_page_in_each_language_with_the_readers_dates():
    incident = make_incident(location=SAN_MIGUEL_DEL_ENE, occurred_on=date(2018, 6, 24), fatalities=2)
    spanish = Client().get(page_url("incident", incident.pk, language="es")).content.decode()
    english = Client().get(page_url("incident", incident.pk, language="en")).content.decode()
    assert "<th>Fecha</th><td>24 de junio de 2018" in spanish and "<th>Muertos</th><td>2</td>" in spanish
    assert "<th>Date</th><td>24 June 2018" in english and "<th>Fatalities</th><td>2</td>" in english
    assert "Alertas de viaje vigentes aquí ese día" in spanish and "Advice in force here on that day" in english


def test_numbers_are_grouped_the_readers_way():
    spanish = Client().get(page_url("region", "12", language="es")).content.decode()
    english = Client().get(page_url("region", "12", language="en")).content.decode()
    assert "<p>44.224 km²." in spanish and "Abrir en el explorador" in spanish
    assert "<p>44,224 km²." in english and "Open in the explorer" in english


def test_spanish_uses_the_peruvian_administrative_terms():
    html = Client().get(page_url("map", language="es")).content.decode()
    for label in ["Departamentos", "Provincias", "Distritos"]:  # several may be chosen (#15)
        assert f">{label}<" in html, label
    search = Client().get(page_url("region-search", language="es") + "?q=xyzzyq").content.decode()
    assert "Ningún área, pueblo ni zona de alerta coincide" in search


def test_the_map_is_cached_per_language(monkeypatch):
    from web import maps

    built = []
    real = maps.explorer_map
    monkeypatch.setattr(maps, "explorer_map", lambda **kw: built.append(1) or real(**kw))
    pages = {lang: Client().get(page_url("map", language=lang)).content.decode() for lang in ["es", "en", "es"]}
    assert len(built) == 2  # one per language; the second Spanish page came from the cache
    assert "\\u003csummary\\u003e" not in pages["es"]  # the legend is built by folium's JSON
    assert '"Leyenda"' in pages["es"] and '"Legend"' not in pages["es"]
    assert '"Legend"' in pages["en"] and '"Leyenda"' not in pages["en"]
    assert "Zonas de alerta de viaje" in pages["es"] and "Travel advisory zones" in pages["en"]
    assert '"incidentUrl": "/es/incidents/"' in pages["es"] and '"incidentUrl": "/en/incidents/"' in pages["en"]


def test_the_javascript_catalogue_is_served_by_the_app_in_each_language():
    spanish = Client().get(page_url("javascript-catalog", language="es"))
    assert spanish["Content-Type"].startswith("text/javascript")
    assert '"Loading incidents\\u2026": "Cargando incidentes\\u2026"' in spanish.content.decode()
    english = Client().get(page_url("javascript-catalog", language="en"))
    assert "Cargando incidentes" not in english.content.decode()
    page = Client().get(page_url("map", language="es")).content.decode()
    assert '<script src="/es/jsi18n/"></script>' in page  # a file of this site: CSP script-src 'self'


def test_api_values_stay_locale_free():
    make_incident(location=SAN_MIGUEL_DEL_ENE, occurred_on=date(2018, 6, 24), fatalities=1234)
    body = Client(HTTP_ACCEPT_LANGUAGE="es").get("/api/v1/incidents/").json()
    [feature] = body["features"]
    assert feature["properties"]["occurred_on"] == "2018-06-24"
    assert feature["properties"]["fatalities"] == 1234
    assert feature["properties"]["event_type"] == "Battles"


# #14 part 5: texts that exist in one language are shown as written, labelled with it.

BULLETINS = __import__("pathlib").Path(__file__).resolve().parent.parent / "bulletins"


def test_a_spanish_bulletin_keeps_its_spanish_text_labelled_on_english_pages():
    from incidents.services.bulletins.ingest import ingest_bulletin
    from incidents.services.workflow import OPERATOR

    text = (BULLETINS / "es_vizcatan_enfrentamiento.txt").read_text(encoding="utf-8")
    [incident] = ingest_bulletin(user=OPERATOR, text=text).created
    assert incident.language == "es"
    assert incident.description.startswith("Una patrulla del Ejército se enfrentó con remanentes de Sendero Luminoso")
    editor = Client()
    editor.force_login(__import__("tests.factories", fromlist=["member"]).member("editor"))
    english = editor.get(page_url("incident", incident.pk, language="en")).content.decode()
    spanish = editor.get(page_url("incident", incident.pk, language="es")).content.decode()
    assert '<p><span lang="es">Una patrulla del Ejército' in english
    assert '<small class="text-language">(in Spanish)</small>' in english
    assert "<p><span>Una patrulla del Ejército" in spanish and "text-language" not in spanish.split("<h2>")[0]
    body = editor.get(f"/api/v1/incidents/{incident.pk}/").json()
    assert body["properties"]["language"] == "es"


def test_an_english_bulletin_is_english():
    from incidents.services.bulletins.parse import parse_bulletin

    text = (BULLETINS / "en_kimbiri_grenade.txt").read_text(encoding="utf-8")
    assert parse_bulletin(text).language == "en"


def test_advisory_texts_are_marked_with_their_issuers_language():
    spanish = Client().get(page_url("advisories", language="es")).content.decode()
    english = Client().get(page_url("advisories", language="en")).content.decode()
    us = spanish.split('id="zone-us-vraem"')[1].split("</section>")[0]
    assert ('<strong lang="en">U.S. Department of State — Level 4: Do Not Travel</strong> '
            '<small class="text-language">(en inglés)</small>') in us
    vraem_es = spanish.split('id="zone-vraem"')[1].split("</section>")[0]
    vraem_en = english.split('id="zone-vraem"')[1].split("</section>")[0]
    assert '<q>Ámbito de intervención del VRAEM' in vraem_es  # Spanish on a Spanish page: no label
    assert '<q lang="es">Ámbito de intervención del VRAEM' in vraem_en
    assert "<strong>U.S. Department of State — Level 4: Do Not Travel</strong>" in english  # no label
    zones = {f["properties"]["slug"]: f["properties"]["language"]
             for f in Client().get("/api/v1/advisories/").json()["features"]}
    assert zones == {"us-vraem": "en", "us-colombia-border": "en", "uk-vraem": "en", "uk-colombia-border": "en"}


def test_the_admins_switcher_sets_the_language_cookie():
    from tests.factories import member

    client = Client()
    client.force_login(member("editor"))
    page = client.get("/admin/").content.decode()
    assert '<form class="language-switch" action="/i18n/setlang/" method="post">' in page
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert (response.status_code, response["Location"], client.cookies["django_language"].value) == (302, "/admin/", "en")
    assert '<html lang="en"' in client.get("/admin/").content.decode()
    # From a public page it goes to the same page in the other language.
    back = client.post("/i18n/setlang/", {"language": "es", "next": page_url("advisories") + "?x=1"})
    assert back["Location"] == page_url("advisories", language="es") + "?x=1"
