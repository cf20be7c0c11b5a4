"""Status changes: who may move an incident, by every route, and why it is recorded."""

import pytest
from rest_framework.test import APIClient

from incidents.models import Incident
from incidents.services.incidents import incident_transition
from incidents.services.workflow import WorkflowError
from tests.factories import admin_change_url, incident_form_data, logged_in, make_incident, make_source, member

pytestmark = pytest.mark.django_db
S = Incident.Status


def test_an_editor_cannot_publish_by_any_route(english):
    incident = make_incident(status=S.DRAFT)
    with pytest.raises(WorkflowError, match="from draft to published"):
        incident_transition(user=member("editor"), incident=incident, to=S.PUBLISHED)
    client = logged_in("editor")
    response = client.post(admin_change_url(incident), incident_form_data(incident, status="published",
                                                           expected_version=1))
    assert response.status_code == 200  # the form refuses the choice
    assert "status" in response.context["adminform"].form.errors
    assert Incident.objects.get(pk=incident.pk).status == S.DRAFT


def test_an_api_status_change_is_recorded_with_its_reason():
    incident = make_incident(status=S.DRAFT, sources=[make_source()])
    client = APIClient()
    client.force_authenticate(member("reviewer"))
    response = client.patch(f"/api/v1/incidents/{incident.pk}/",
                            {"type": "Feature", "properties": {"status": "published", "version": 1}},
                            format="json")
    assert response.status_code == 200
    assert incident.history.order_by("-history_id").first().history_change_reason == "Published"
