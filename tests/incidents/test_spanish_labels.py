"""The admin in Spanish: Spanish labels for the incident's fields and the ACLED taxonomy, while
the stored values stay ACLED's English codes; every taxonomy choice has a Spanish label."""
import pytest
from django.utils import translation

from incidents.models import Actor, Incident
from incidents.taxonomy import EVENT_TYPE_LABELS, EVENT_TYPES, SUB_EVENT_TYPE_LABELS
from regions.models import AdminArea, Place
from tests.factories import admin_change_url, logged_in, make_incident

pytestmark = pytest.mark.django_db
# Taxonomy labels written the same in both languages: none so far. A label added here must be
# a word Spanish really writes as English does, not an untranslated one.
SAME_IN_BOTH_LANGUAGES: set[str] = set()


def page(client, url, language):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_change_page_in_spanish_labels_fields_and_acled_values_in_spanish():
    incident = make_incident(event_type="Violence against civilians",
                             sub_event_type="Abduction/forced disappearance")
    html = page(logged_in("reviewer"), admin_change_url(incident), "es")
    assert '<html lang="es"' in html
    for label in ("Título:", "Fecha del hecho:", "Precisión de la fecha:", "Tipo de evento:",
                  "Subtipo de evento:", "Precisión geográfica:", "Nombre del lugar:",
                  "Nivel del área:", "Muertos:", "Heridos:", "Actores:", "Fuentes:", "Estado:"):
        assert f"{label}</label>" in html, label
    for legend in ("Cuándo", "Qué", "Dónde", "Revisión", "Procedencia"):
        assert f">{legend}</h2>" in html, legend
    assert '<option value="Violence against civilians" selected>Violencia contra civiles</option>' in html
    assert '<optgroup label="Violencia contra civiles">' in html
    assert ('<option value="Abduction/forced disappearance" selected>Secuestro/desaparición forzada'
            '</option>') in html
    assert '<option value="published" selected>Publicado</option>' in html
    assert '<option value="1" selected>Día exacto</option>' in html
    assert '<option value="district" selected>Distrito</option>' in html
    assert "Violence against civilians</option>" not in html
    stored = Incident.objects.values_list("event_type", "sub_event_type", "status").get(pk=incident.pk)
    assert stored == ("Violence against civilians", "Abduction/forced disappearance", "published")


def test_the_change_page_in_english_keeps_the_english_labels():
    incident = make_incident()
    html = page(logged_in("reviewer"), admin_change_url(incident), "en")
    assert '<html lang="en"' in html
    for label in ("Title:", "Occurred on:", "Event type:", "Sub-event type:", "Fatalities:"):
        assert f"{label}</label>" in html, label
    assert '<option value="Battles" selected>Battles</option>' in html
    assert '<option value="Armed clash" selected>Armed clash</option>' in html


def test_the_incident_list_in_spanish_shows_spanish_labels_and_filters_by_code():
    make_incident(title="Emboscada en el Ene")
    html = page(logged_in("reviewer"), "/admin/incidents/incident/?event_type__exact=Battles", "es")
    assert ">Incidentes<" in html or "Incidentes</" in html
    assert "<td class=\"field-event_type\">Batallas</td>" in html
    assert "<td class=\"field-sub_event_type\">Enfrentamiento armado</td>" in html
    assert "Emboscada en el Ene" in html
    assert "Enviar a revisión los seleccionados" in html  # an action


def test_every_acled_choice_has_a_spanish_label_distinct_from_its_code():
    assert set(EVENT_TYPE_LABELS) == set(EVENT_TYPES)
    assert set(SUB_EVENT_TYPE_LABELS) == {sub for subs in EVENT_TYPES.values() for sub in subs}
    with translation.override("es"):
        spanish = {code: str(label) for code, label in {**EVENT_TYPE_LABELS, **SUB_EVENT_TYPE_LABELS}.items()}
    with translation.override("en"):
        english = {code: str(label) for code, label in {**EVENT_TYPE_LABELS, **SUB_EVENT_TYPE_LABELS}.items()}
    assert english == {code: code for code in spanish}  # English shows ACLED's own words
    same = {code for code, label in spanish.items() if label.casefold() == code.casefold()}
    assert same == SAME_IN_BOTH_LANGUAGES
    assert len(set(spanish.values())) == len(spanish)  # no two codes share a label
    assert spanish["Armed clash"] == "Enfrentamiento armado"
    assert spanish["Strategic developments"] == "Acontecimientos estratégicos"


@pytest.mark.parametrize("choices", [
    Actor.Kind, Incident.DatePrecision, Incident.GeoPrecision, Incident.Status, AdminArea.Level,
    Place.Kind,
], ids=lambda c: c.__qualname__)
def test_every_code_list_has_spanish_labels(choices):
    """ACLED's inter codes (actor kinds), its time and spatial precision codes, the statuses and
    Peru's administrative levels."""
    with translation.override("es"):
        spanish = [str(label) for label in choices.labels]
    with translation.override("en"):
        english = [str(label) for label in choices.labels]
    assert all(s != e for s, e in zip(spanish, english)), list(zip(spanish, english))
    assert len(set(spanish)) == len(spanish)


def test_peruvian_administrative_terms():
    with translation.override("es"):
        assert [str(label) for label in AdminArea.Level.labels] == ["Departamento", "Provincia", "Distrito"]
        assert [str(label) for label in Place.Kind.labels] == [
            "Departamento", "Provincia", "Distrito", "Capital de distrito", "Centro poblado"]
        assert str(AdminArea._meta.get_field("ubigeo").verbose_name) == "ubigeo"
        assert [str(label) for label in Actor.Kind.labels] == [
            "Fuerzas estatales", "Grupo rebelde", "Milicia política", "Milicia identitaria",
            "Alborotadores", "Manifestantes", "Civiles", "Fuerzas externas/otras"]
