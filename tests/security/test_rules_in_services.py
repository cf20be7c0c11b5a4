"""Issue #12, findings 5 and 8: who may write what is decided by the services, on the stored row.

Threat lines:
- An Editor (the lowest editorial role) renames an actor or changes a source's URL that a
  published incident shows, or re-links a bulletin of a published story by ingesting another:
  published pages would change without review. Refused; drafts-only records stay editable.
- An Editor's API edit based on a copy read before a Reviewer published lands after the
  publish and sends the incident back to draft. Refused: `version` is required on every API
  update, and the rules are checked on the locked row.
"""
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.api.views import IncidentViewSet
from incidents.models import Actor, Alert, Incident, Source
from incidents.services.bulletins.ingest import ingest_bulletin
from incidents.services.incidents import incident_create, incident_transition, incident_update
from incidents.services.records import record_save
from incidents.services.workflow import OPERATOR, WorkflowError
from tests.factories import make_actor, make_incident, make_source
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db
S = Incident.Status
BULLETINS = Path(__file__).resolve().parent.parent / "bulletins"


def _login(role):
    client = Client()
    assert client.login(username=member(role).username, password=PASSWORD)
    return client


def _with_actor(status):
    actor = make_actor(name=f"Actor of a {status} incident")
    make_incident(title=f"A {status} one", status=status, actors=[actor])
    return actor


def _rename_actor(client, actor, name="Renamed"):
    url = reverse("admin:incidents_actor_change", args=[actor.pk])
    return client.post(url, {"name": name, "kind": actor.kind, "aliases": ""})


@pytest.mark.parametrize("status", [S.IN_REVIEW, S.PUBLISHED, S.ARCHIVED])
def test_an_editor_may_not_rename_an_actor_that_reviewed_incidents_show(status):
    actor = _with_actor(status)
    response = _rename_actor(_login("editor"), actor)
    assert response.status_code == 403
    assert Actor.objects.get(pk=actor.pk).name == f"Actor of a {status} incident"


def test_an_editor_may_rename_an_actor_only_drafts_show_and_a_reviewer_any():
    drafts_only = _with_actor(S.DRAFT)
    assert _rename_actor(_login("editor"), drafts_only).status_code == 302
    assert Actor.objects.get(pk=drafts_only.pk).name == "Renamed"
    published = _with_actor(S.PUBLISHED)
    assert _rename_actor(_login("reviewer"), published, "Renamed by review").status_code == 302
    assert Actor.objects.get(pk=published.pk).name == "Renamed by review"


def test_an_editor_may_not_change_the_url_of_a_published_incidents_source():
    source = Source.objects.create(name="Andina-style wire", url="https://example.org/a")
    make_incident(status=S.PUBLISHED, sources=[source])
    url = reverse("admin:incidents_source_change", args=[source.pk])
    response = _login("editor").post(url, {"name": source.name, "url": "https://evil.example/",
                                           "published_on": ""})
    assert response.status_code == 403
    assert Source.objects.get(pk=source.pk).url == "https://example.org/a"
    # The change page offers no save button to the editor either.
    page = _login("editor").get(url)
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_the_service_itself_refuses_whatever_the_caller():
    actor = _with_actor(S.PUBLISHED)
    actor.name = "Renamed in code"
    with pytest.raises(WorkflowError):
        record_save(user=member("editor"), record=actor)
    assert Actor.objects.get(pk=actor.pk).name == "Actor of a published incident"
    record_save(user=member("reviewer"), record=actor)
    assert Actor.objects.get(pk=actor.pk).name == "Renamed in code"


def test_an_editors_ingest_does_not_relink_a_published_story():
    """Update 2 arrives first and is published; an Editor then ingests update 1 of the story."""
    update = ingest_bulletin(user=OPERATOR, text=(BULLETINS / "es_llochegua_campesinos_update2.txt")
                             .read_text(encoding="utf-8"))
    for incident in update.created:
        incident_transition(user=OPERATOR, incident=incident, to=S.PUBLISHED)
    first = ingest_bulletin(user=member("editor"), text=(BULLETINS / "es_llochegua_campesinos.txt")
                            .read_text(encoding="utf-8"))
    assert first.created, "the editor's drafts are created"
    assert Alert.objects.get(pk=update.alert.pk).previous is None


def test_an_editors_ingest_relinks_a_story_of_drafts():
    update = ingest_bulletin(user=OPERATOR, text=(BULLETINS / "es_llochegua_campesinos_update2.txt")
                             .read_text(encoding="utf-8"))
    first = ingest_bulletin(user=member("editor"), text=(BULLETINS / "es_llochegua_campesinos.txt")
                            .read_text(encoding="utf-8"))
    assert Alert.objects.get(pk=update.alert.pk).previous_id == first.alert.pk


def test_a_user_without_add_permission_cannot_ingest_or_create():
    staff = member("staff")
    with pytest.raises(WorkflowError):
        ingest_bulletin(user=staff, text=(BULLETINS / "es_llochegua_campesinos.txt")
                        .read_text(encoding="utf-8"))
    with pytest.raises(WorkflowError):
        make_incident(user=staff, status=S.DRAFT)
    assert not Alert.objects.exists()


def _patch(client, incident, properties):
    return client.patch(f"/api/v1/incidents/{incident.pk}/",
                        {"type": "Feature", "properties": properties}, format="json")


def test_an_api_update_without_version_is_refused_by_name():
    incident = make_incident(status=S.DRAFT)
    client = APIClient()
    client.force_authenticate(member("editor"))
    response = _patch(client, incident, {"title": "No version"})
    assert response.status_code == 400
    assert "version" in response.json()
    assert Incident.objects.get(pk=incident.pk).title == "Armed clash near Pichari"


def test_an_editors_edit_landing_after_a_publish_is_refused(monkeypatch):
    """The editor's request reads the draft; a reviewer publishes; then the editor's write runs."""
    incident = make_incident(status=S.DRAFT, sources=[make_source()])
    reviewer = member("reviewer")
    read = IncidentViewSet.get_object

    def read_then_publish(view):
        stale = read(view)
        incident_transition(user=reviewer, incident=incident, to=S.PUBLISHED)
        return stale

    monkeypatch.setattr(IncidentViewSet, "get_object", read_then_publish)
    client = APIClient()
    client.force_authenticate(member("editor"))
    response = _patch(client, incident, {"status": "draft", "title": "Back to draft", "version": 1})
    assert response.status_code in (403, 409), response.content
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.status, stored.title) == (S.PUBLISHED, "Armed clash near Pichari")


def test_the_rules_are_checked_on_the_locked_row_not_the_callers_copy():
    """Without a version: the stale copy says draft, the stored row says published."""
    incident = make_incident(status=S.DRAFT, sources=[make_source()])
    stale = Incident.objects.get(pk=incident.pk)
    incident_transition(user=member("reviewer"), incident=incident, to=S.PUBLISHED)
    with pytest.raises(WorkflowError):
        incident_update(user=member("editor"), incident=stale, status=S.DRAFT)
    with pytest.raises(WorkflowError):
        incident_update(user=member("editor"), incident=stale, title="Quietly edited")
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.status, stored.title) == (S.PUBLISHED, "Armed clash near Pichari")


def test_an_editor_cannot_create_a_published_incident_through_the_service():
    with pytest.raises(WorkflowError):
        incident_create(user=member("editor"), title="x", occurred_on="2018-06-24",
                        event_type="Battles", sub_event_type="Armed clash",
                        location=make_incident(status=S.DRAFT).location, status=S.PUBLISHED)
    assert not Incident.objects.filter(title="x").exists()
