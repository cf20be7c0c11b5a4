"""Spanish and English in a real browser (#14, "done when"): every public page and the editors'
pages in both languages carry none of a list of the other language's UI words; the switcher
keeps the filters and the map view; the Spanish explorer's screenshot for the README.

What is read: the page's visible text, its placeholders, labels and titles, and the text of
the map's legend, layer control and scale (closed or collapsed, so not visible). Data shown as
written (titles, actors, an advisory's own wording) is not UI: elements marked with another
language (`lang="en"` on a Spanish page, #14 part 5) are left out, and the words are chosen
among the interface's own."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from incidents.models import Incident
from tests.factories import PASSWORD, member, page_url

from .common import ARTIFACTS

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

# Whole words or phrases of the interface, case-sensitive.
ENGLISH_UI = [
    "Explorer", "Advisories", "Find a region", "Filters", "Period", "All dates", "Event type", "All types",
    "All departments", "All provinces", "All districts", "Apply", "Incidents per month", "All months",
    "Play", "Incidents in view", "incidents in view", "reported fatalities", "Loading incidents", "Legend",
    "Heat map", "Basemap", "Travel advisory zones", "Location uncertainty", "Full screen", "Fatalities",
    "Injuries", "Coordinates", "Location precision", "Nearby incidents", "Advice in force", "Sources",
    "Bulletins", "Dataset", "Licence", "Travel advisories", "Valid from", "no end date",
    "Open in the explorer", "By event type", "By actor", "Context", "Regions matching",
    "Collections", "Conformance", "QGIS project", "Incidents:",  # (the editors' dataset is called "VRAEM conflict map editors")
]
SPANISH_UI = [
    "Explorador", "Alertas de viaje", "Buscar una región", "Filtros", "Periodo", "Todas las fechas",
    "Tipo de evento", "Todos los tipos", "Aplicar", "Incidentes por mes", "Todos los meses", "Reproducir",
    "Incidentes a la vista", "Cargando", "Leyenda", "Mapa de calor", "Pantalla completa", "Muertos",
    "Heridos", "Coordenadas", "Fuentes", "Boletines", "Vigente desde", "Abrir en el explorador",
    "Contexto", "Colecciones", "Conformidad", "Mapa de conflictos",
]
# The editors' pages: words of the admin's own and this project's (ACLED labels, model and field
# names are the apps' catalogues, #14 i18n-apps).
ENGLISH_ADMIN = [
    "Log in", "Username", "Password", "Review queue", "Ingest bulletin", "Import file", "Preview",
    "Save and continue editing", "Select incident to change", "Add incident", "Home", "Incidents",
    "Description", "Status", "Event type", "Fatalities", "Actions to take", "Publish selected",
]
SPANISH_ADMIN = ["Iniciar sesión", "Cola de revisión", "Ingresar boletín", "Importar archivo", "Vista previa",
                 "Inicio", "Guardar"]

READ_UI = """() => {
  const page = document.documentElement.lang;
  // Another language's text shown as written, and the OGC documents' own texts (the values
  // QGIS reads, ogcapi's catalogue), are not this page's interface.
  const foreign = (el) => { const l = el.closest("[lang]"); return (l && l.lang !== page) ||
    !!el.closest(".ogc-page > h1, .ogc-page > h1 + p, .ogc-links"); };
  const parts = [];
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) { if (!foreign(child.parentElement)) parts.push(child.textContent); }
      else if (child.nodeType === 1 && !["SCRIPT", "STYLE"].includes(child.tagName)) walk(child);
    }
  };
  walk(document.body);
  for (const el of document.querySelectorAll("[placeholder],[aria-label],[title],input[type=submit],button")) {
    if (foreign(el)) continue;
    for (const a of ["placeholder", "aria-label", "title", "value"]) if (el.getAttribute(a)) parts.push(el.getAttribute(a));
  }
  parts.push(document.title);
  return parts.join(" \\n ");
}"""


def found(words, text):
    return sorted(w for w in words if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", text))


def ui_text(page):
    return page.evaluate(READ_UI)


def public_pages():
    pk = Incident.objects.filter(status="published").order_by("pk").values_list("pk", flat=True).first()
    return [  # (name, path builder, what shows the page is drawn)
        ("explorer", lambda lang: page_url("map", language=lang), "[data-incidents-drawn]"),
        ("embed", lambda lang: page_url("embed", language=lang), "[data-incidents-drawn]"),
        ("incident", lambda lang: page_url("incident", pk, language=lang), ".incident-marker"),
        ("region-search", lambda lang: page_url("region-search", language=lang) + "?q=pichari", ".search-results"),
        ("region", lambda lang: page_url("region", "12", language=lang), ".incident-marker"),
        ("advisories", lambda lang: page_url("advisories", language=lang), ".map-legend"),
        ("ogc", lambda lang: "/ogc/?f=html", ".ogc-page"),
    ]


def open_in(browser, live_url, language):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale={"es": "es-PE", "en": "en-US"}[language])
    context.add_cookies([{"name": "django_language", "value": language, "url": live_url}])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


@pytest.mark.parametrize("language", ["es", "en"])
def test_public_pages_carry_no_ui_words_of_the_other_language(browser, live_url, site_data, language):
    page = open_in(browser, live_url, language)
    other_words = ENGLISH_UI if language == "es" else SPANISH_UI
    own_words = SPANISH_UI if language == "es" else ENGLISH_UI
    leaks, own = {}, {}
    for name, path, ready in public_pages():
        page.goto(live_url + path(language))
        page.wait_for_selector(ready, state="attached")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == language, name
        text = ui_text(page)
        leaks[name] = found(other_words, text)
        own[name] = len(found(own_words, text))
    assert leaks == {name: [] for name, _, _ in public_pages()}
    assert all(count >= 1 for count in own.values()), own  # the page is in its language, not empty
    assert page.errors == []
    page.context.close()


def test_the_explorer_in_spanish_formats_dates_and_months_the_spanish_way(browser, live_url, site_data):
    page = open_in(browser, live_url, "es")
    page.goto(live_url + page_url("map", language="es") + "?region=120609")
    page.wait_for_selector("#incident-list li")
    meta = page.locator("#incident-list .meta").all_inner_texts()
    assert any(re.match(r"\d{1,2} de junio de 2018 · ", line) for line in meta), meta
    expect(page.locator("#incident-summary")).to_contain_text("a la vista")
    page.locator("#month-chart rect").first.click()
    expect(page.locator("#month-label")).to_have_text("junio de 2018")
    page.locator("#incident-list .incident-link").first.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Fecha")
    expect(popup).to_contain_text("de junio de 2018")
    assert page.locator(".fullscreen-button").get_attribute("title") == "Pantalla completa"
    assert page.locator(".leaflet-control-scale-line").count() == 1  # metric only in Spanish
    page.context.close()


def test_the_switcher_keeps_the_filters_and_the_map_view(browser, live_url, site_data):
    page = open_in(browser, live_url, "es")
    # A view in the link wins over the region's outline, so the map does not move on its own
    # after the outline loads (fitBounds would race the setView below).
    page.goto(live_url + page_url("map", language="es") + "?region=120609&event_type=Battles#map=9/-12.3/-74.1")
    page.wait_for_selector("#incident-list li")
    page.evaluate("window.vraemExplorer.map.setView([-12.25, -74.05], 10, {animate: false})")
    expect(page).to_have_url(re.compile(r"#map=10/-12\.250+/-74\.050+$"))
    page.click(".language-switch a[hreflang=en]")
    expect(page).to_have_url(re.compile(r"/en/\?region=120609&event_type=Battles#map=10/-12\.250+/-74\.050+$"))
    page.wait_for_selector("#incident-list li")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.evaluate("window.vraemExplorer.map.getZoom()") == 10
    centre = page.evaluate("[window.vraemExplorer.map.getCenter().lat, window.vraemExplorer.map.getCenter().lng]")
    assert [round(v, 4) for v in centre] == [-12.25, -74.05]
    assert page.locator("#f-type").input_value() == "Battles"
    assert page.locator("#f-district").input_value() == "120609"
    expect(page.locator("#incident-summary")).to_contain_text("in view")
    # And back; the filters of a page without a map (region search) are kept too.
    page.click(".language-switch a[hreflang=es]")
    expect(page).to_have_url(re.compile(r"/es/\?region=120609&event_type=Battles#map=10/"))
    page.goto(live_url + page_url("region-search", language="es") + "?q=pichari")
    page.click(".language-switch a[hreflang=en]")
    expect(page).to_have_url(live_url + page_url("region-search", language="en") + "?q=pichari")
    assert {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()} == {"q": "pichari"}
    assert page.errors == []
    page.context.close()


def test_spanish_explorer_screenshot(browser, live_url, site_data):
    """The README's picture of the explorer, in Spanish."""
    page = open_in(browser, live_url, "es")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(live_url + page_url("map", language="es"))
    page.wait_for_selector("#incident-list li")
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "explorer-es-1440.png", full_page=True)
    assert page.locator("h2#incident-summary").inner_text().endswith("muertos informados")
    page.context.close()


@pytest.fixture(scope="module")
def reviewer(django_db_setup, django_db_blocker, site_data):
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        user = member("reviewer")
    yield user.username
    with django_db_blocker.unblock():
        get_user_model().objects.filter(pk=user.pk).delete()


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_editors_pages_carry_no_ui_words_of_the_other_language(browser, live_url, reviewer, language):
    """Login, incident list and change form, review queue, import and ingest pages. Parts of
    these pages are the apps' catalogues (model, field and action names): see the report."""
    page = open_in(browser, live_url, language)
    page.goto(f"{live_url}/admin/login/?next=/admin/")
    login_text = ui_text(page)
    page.fill("#id_username", reviewer)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    pk = Incident.objects.filter(status="published").order_by("pk").values_list("pk", flat=True).first()
    texts = {"login": login_text}
    for name, path in [("list", "/admin/incidents/incident/"), ("change", f"/admin/incidents/incident/{pk}/change/"),
                       ("review", "/admin/incidents/reviewitem/"), ("import", "/admin/incidents/incident/import/"),
                       ("ingest", "/admin/incidents/incident/ingest-bulletin/")]:
        page.goto(live_url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == language, name
        texts[name] = ui_text(page)
    other = ENGLISH_ADMIN if language == "es" else SPANISH_ADMIN
    assert {name: found(other, text) for name, text in texts.items()} == {name: [] for name in texts}
    page.context.close()
