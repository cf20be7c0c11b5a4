"""History: every save recorded with who, why and a field diff; revert is a change."""


import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.models import Actor, Incident
from incidents.services.incidents import incident_transition, incident_update
from incidents.services.workflow import OPERATOR
from tests.factories import admin_change_url, incident_form_data, logged_in, make_actor, make_incident, member

pytestmark = pytest.mark.django_db
S = Incident.Status


def test_every_admin_save_is_in_the_history_with_who_and_a_field_diff():
    incident = make_incident(title="Clash near Pichari", status=S.DRAFT, fatalities=1)
    client = logged_in("editor")
    response = client.post(admin_change_url(incident), incident_form_data(
        incident, title="Clash at Natividad", fatalities="3", expected_version=incident.version))
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = incident.history.order_by("-history_id").first()
    assert latest.history_user.username == "editor"
    assert (latest.title, latest.fatalities, latest.version) == ("Clash at Natividad", 3, 2)
    page = client.get(reverse("admin:incidents_incident_history", args=[incident.pk]))
    text = page.content.decode()
    assert "Clash near Pichari" in text and "Clash at Natividad" in text
    assert "editor" in text


def test_revert_restores_an_earlier_version_and_keeps_all_history():
    incident = make_incident(title="First title", status=S.DRAFT, description="first")
    first = incident.history.order_by("history_id").last()  # latest record of the creation
    incident_update(user=OPERATOR, incident=incident, title="Second title", description="second")
    client = logged_in("reviewer")
    url = reverse("admin:incidents_incident_simple_history", args=[incident.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200
    data = incident_form_data(incident, title="First title", description="first",
                     expected_version=Incident.objects.get(pk=incident.pk).version)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    incident.refresh_from_db()
    assert (incident.title, incident.description, incident.version) == ("First title", "first", 3)
    latest = incident.history.order_by("-history_id").first()
    assert latest.history_change_reason.startswith("Reverted to version 1")
    titles = list(incident.history.order_by("history_id").values_list("title", flat=True))
    assert "Second title" in titles and titles[-1] == "First title"


def test_archiving_keeps_the_incident_and_its_history():
    incident = make_incident(status=S.PUBLISHED)
    before = incident.history.count()
    incident_transition(user=member("reviewer"), incident=incident, to=S.ARCHIVED)
    incident.refresh_from_db()
    assert incident.status == S.ARCHIVED
    assert incident.history.count() == before + 1
    assert incident.history.order_by("-history_id").first().history_change_reason == "Archived"
    # Archived incidents are not public.
    assert APIClient().get(f"/api/v1/incidents/{incident.pk}/").status_code == 404


def test_an_editor_may_see_but_not_revert_a_published_incident_or_a_zone():
    from regions.models import AdvisoryZone

    incident = make_incident(title="Published title", status=S.PUBLISHED)
    record = incident.history.order_by("history_id").first()
    editor = logged_in("editor")
    url = reverse("admin:incidents_incident_simple_history", args=[incident.pk, record.history_id])
    assert editor.get(url).status_code == 200
    data = incident_form_data(incident, title="Editor's title", expected_version=incident.version)
    assert editor.post(url, data).status_code == 403
    assert Incident.objects.get(pk=incident.pk).title == "Published title"
    zone = AdvisoryZone.objects.first()
    zone.summary = "Edited by a reviewer"
    zone.save()  # gives the zone a history record to open
    zone_url = reverse("admin:regions_advisoryzone_simple_history",
                       args=[zone.pk, zone.history.first().history_id])
    assert editor.post(zone_url, {"name": "x"}).status_code == 403
    reviewer_response = logged_in("reviewer").post(url, data)
    assert reviewer_response.status_code == 302
    assert Incident.objects.get(pk=incident.pk).title == "Editor's title"


def test_revert_restores_actors_and_sources_of_that_version():
    army, sl = make_actor("Military Forces of Peru", Actor.Kind.STATE_FORCES), make_actor()
    incident = make_incident(status=S.DRAFT, actors=[army])
    first = incident.history.order_by("-history_id").first()  # created, with the army linked
    incident_update(user=OPERATOR, incident=incident, actors=[sl], title="Later")
    client = logged_in("reviewer")
    url = reverse("admin:incidents_incident_simple_history", args=[incident.pk, first.history_id])
    form = client.get(url).context["adminform"].form
    assert form.initial["actors"] == [army.pk]


def test_writes_outside_a_request_record_who_acted():
    """A command acting as a user (`--user NAME`), a bulletin ingested by a script: the history
    names that user on every version (the request middleware only knows web requests); the
    operator (manage.py without --user) is recorded as nobody."""
    from datetime import date

    from incidents.services.incidents import incident_create
    from tests.places import PICHARI

    editor, reviewer = member("editor"), member("reviewer")
    actor = make_actor("Shining Path")
    created = incident_create(user=editor, title="Clash", occurred_on=date(2018, 6, 24),
                              event_type="Battles", sub_event_type="Armed clash", location=PICHARI,
                              actors=[actor], status=Incident.Status.DRAFT)
    incident_update(user=reviewer, incident=created, title="Clash near Pichari")
    incident_transition(user=reviewer, incident=Incident.objects.get(pk=created.pk), to=Incident.Status.IN_REVIEW)
    users = [record.history_user for record in Incident.objects.get(pk=created.pk).history.order_by("history_id")]
    assert users == [editor, editor, reviewer, reviewer]
    by_operator = make_incident(title="Operator's")
    assert [record.history_user for record in by_operator.history.all()] == [None]
