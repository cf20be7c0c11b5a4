"""The API's own error messages follow Accept-Language (Spanish by default, English on request);
its values stay the English codes whatever the language."""
import pytest
from rest_framework.test import APIClient

from incidents.models import Incident
from incidents.services.incidents import incident_update
from incidents.services.workflow import OPERATOR
from tests.factories import make_incident, member

pytestmark = pytest.mark.django_db
S = Incident.Status
LANGUAGES = {"es": "es", "en": "en", "none": None, "es-PE": "es-PE,es;q=0.9", "fr": "fr"}


def client_in(language, user=None) -> APIClient:
    client = APIClient(**({"HTTP_ACCEPT_LANGUAGE": LANGUAGES[language]} if LANGUAGES[language] else {}))
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("language, expected", [
    ("es", "Se esperaba bbox=minlon,minlat,maxlon,maxlat; se recibió '1,2,3'."),
    ("es-PE", "Se esperaba bbox=minlon,minlat,maxlon,maxlat; se recibió '1,2,3'."),
    ("none", "Se esperaba bbox=minlon,minlat,maxlon,maxlat; se recibió '1,2,3'."),
    ("fr", "Se esperaba bbox=minlon,minlat,maxlon,maxlat; se recibió '1,2,3'."),
    ("en", "Expected bbox=minlon,minlat,maxlon,maxlat, got '1,2,3'."),
])
def test_a_bad_bbox_is_explained_in_the_language_asked_for(language, expected):
    response = client_in(language).get("/api/v1/incidents/", {"bbox": "1,2,3"})
    assert response.status_code == 400
    assert response.json() == {"bbox": [expected]}
    assert response["Content-Language"] == ("en" if language == "en" else "es")


@pytest.mark.parametrize("language, expected", [
    ("es", "Se esperaba bbox=minlon,minlat,maxlon,maxlat (CRS84) con la longitud en [-180, 180] y la "
           "latitud en [-90, 90]; se recibió '1,2,3'."),
    ("en", "Expected bbox=minlon,minlat,maxlon,maxlat (CRS84) with longitude in [-180, 180] and "
           "latitude in [-90, 90], got '1,2,3'."),
])
def test_the_ogc_api_explains_a_bad_bbox_in_the_language_asked_for(language, expected):
    response = client_in(language).get("/ogc/collections/incidents/items", {"bbox": "1,2,3", "f": "json"})
    assert response.status_code == 400
    assert response.json() == {"bbox": [expected]}


@pytest.mark.parametrize("language, expected", [
    ("es", "Usted no puede pasar un incidente de borrador a publicado; sus estados posibles desde "
           "aquí: draft, in_review."),
    ("en", "You may not move an incident from draft to published; your statuses from here: "
           "draft, in_review."),
])
def test_a_refused_workflow_transition_is_explained_in_the_language_asked_for(language, expected):
    incident = make_incident(status=S.DRAFT)
    response = client_in(language, member("editor")).patch(
        f"/api/v1/incidents/{incident.pk}/",
        {"type": "Feature", "properties": {"status": "published", "version": 1}}, format="json")
    assert response.status_code == 403, response.content
    assert response.json() == {"detail": expected}
    assert Incident.objects.get(pk=incident.pk).status == S.DRAFT


@pytest.mark.parametrize("language, expected, change", [
    ("es", "Otra persona guardó este incidente (ahora versión 2) después de que usted abriera la "
           "versión 1. Sus cambios: Muertos: (vacío) → 5. Sus ediciones no se guardaron: recargue "
           "la página y vuelva a aplicarlas.", "Muertos: (vacío) → 5"),
    ("en", "Someone else saved this incident (now version 2) after you opened version 1. Their "
           "changes: Fatalities: (empty) → 5. Your edits were not saved: reload the page and apply "
           "them again.", "Fatalities: (empty) → 5"),
])
def test_a_version_conflict_is_explained_in_the_language_asked_for(language, expected, change):
    incident = make_incident(status=S.DRAFT)
    incident_update(user=OPERATOR, incident=incident, fatalities=5)  # someone else: version 2
    response = client_in(language, member("editor")).patch(
        f"/api/v1/incidents/{incident.pk}/",
        {"type": "Feature", "properties": {"title": "Mine", "version": 1}}, format="json")
    assert response.status_code == 409, response.content
    assert response.json() == {"detail": expected, "current_version": 2, "changes": [change]}


def test_values_stay_the_english_codes_in_spanish():
    incident = make_incident(status=S.PUBLISHED, event_type="Violence against civilians",
                             sub_event_type="Abduction/forced disappearance")
    properties = client_in("es").get(f"/api/v1/incidents/{incident.pk}/").json()["properties"]
    assert (properties["event_type"], properties["sub_event_type"], properties["status"],
            properties["area_level"], properties["occurred_on"]) == (
        "Violence against civilians", "Abduction/forced disappearance", "published", "district",
        "2018-06-24")


@pytest.mark.parametrize("language, expected", [
    ("es", '"Battle" no es una elección válida.'),
    ("en", '"Battle" is not a valid choice.'),
])
def test_drf_s_own_messages_follow_the_language_too(language, expected):
    response = client_in(language).get("/api/v1/incidents/", {"event_type": "Battle"})
    assert response.status_code == 400
    assert response.json() == {"event_type": [expected]}
