"""Concurrent edits: a save based on an old version is refused with what changed; no lost updates."""


import pytest
from rest_framework.test import APIClient

from incidents.models import Incident
from incidents.services.incidents import EditConflict, incident_transition, incident_update
from incidents.services.workflow import OPERATOR
from tests.factories import admin_change_url, incident_form_data, logged_in, make_incident, member

pytestmark = pytest.mark.django_db
S = Incident.Status


def test_the_second_of_two_concurrent_admin_saves_is_refused_with_what_changed():
    incident = make_incident(title="Ambush on the Ene", status=S.DRAFT, fatalities=1)
    alice, bob = logged_in("editor", "en"), logged_in("reviewer", "en")
    # Both open the form at version 1.
    for client in (alice, bob):
        page = client.get(admin_change_url(incident))
        assert 'name="expected_version" value="1"' in page.content.decode()
    saved = alice.post(admin_change_url(incident), incident_form_data(
        incident, title="Ambush on the Ene river", fatalities="2", expected_version=1))
    assert saved.status_code == 302
    refused = bob.post(admin_change_url(incident), incident_form_data(
        incident, description="Bob's notes", expected_version=1))
    assert refused.status_code == 200
    errors = " ".join(refused.context["adminform"].form.non_field_errors())
    assert "editor saved this incident (now version 2) after you opened version 1" in errors
    assert "Title: Ambush on the Ene → Ambush on the Ene river" in errors
    assert "Fatalities: 1 → 2" in errors
    # Bob's text is still in his form, nothing of it was written, Alice's edit stands.
    assert "Bob&#x27;s notes" in refused.content.decode() or "Bob's notes" in refused.content.decode()
    incident.refresh_from_db()
    assert (incident.title, incident.description, incident.version) == (
        "Ambush on the Ene river", "", 2)


def test_the_api_refuses_a_stale_version_with_409():
    incident = make_incident(status=S.DRAFT)
    incident_update(user=OPERATOR, incident=incident, fatalities=5)  # someone else: version 2
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(member("editor"))
    response = client.patch(f"/api/v1/incidents/{incident.pk}/",
                            {"type": "Feature", "properties": {"title": "Mine", "version": 1}},
                            format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["current_version"] == 2 and "Fatalities: (empty) → 5" in body["changes"]
    assert Incident.objects.get(pk=incident.pk).title != "Mine"
    ok = client.patch(f"/api/v1/incidents/{incident.pk}/",
                      {"type": "Feature", "properties": {"title": "Mine", "version": 2}},
                      format="json")
    assert ok.status_code == 200 and ok.json()["properties"]["version"] == 3


def test_the_service_raises_edit_conflict():
    incident = make_incident(status=S.DRAFT)
    stale = Incident.objects.get(pk=incident.pk)
    incident_update(user=OPERATOR, incident=incident, title="Newer")
    with pytest.raises(EditConflict):
        incident_update(user=OPERATOR, incident=stale, title="Older", expected_version=1)
    assert Incident.objects.get(pk=incident.pk).title == "Newer"


def test_a_bulk_status_change_keeps_a_concurrent_edit():
    incident = make_incident(title="Original", status=S.DRAFT)
    stale = Incident.objects.get(pk=incident.pk)
    incident_update(user=OPERATOR, incident=incident, title="Edited meanwhile")
    incident_transition(user=member("editor"), incident=stale, to=S.IN_REVIEW)
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.title, stored.status, stored.version) == ("Edited meanwhile", S.IN_REVIEW, 3)
