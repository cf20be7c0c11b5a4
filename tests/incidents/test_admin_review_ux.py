"""#19 part 8, the admin's rough edges: publishing needs a source (on every path), the
reviewer's Publish / Send back buttons, read-only views without EWKT, sub-event types grouped
by event type, "near" in the place search, the review queue's count, the ingest page."""
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient
from django.urls import reverse
from django.utils import translation

from incidents.models import Alert, Incident, Source
from incidents.services.incidents import incident_create, incident_transition, incident_update
from incidents.services.workflow import Unsourced
from tests.factories import admin_change_url, incident_form_data, logged_in, make_incident, member
from tests.incidents.bulletin_expectations import SEED
from tests.places import PICHARI

pytestmark = pytest.mark.django_db
S = Incident.Status


def a_source():
    return Source.objects.create(name="Andina, 25 June 2018", url="https://andina.pe/x")


# Publishing needs at least one source (incidents/services/workflow.py) -----------------------

def test_a_reviewer_cannot_publish_an_incident_without_a_source():
    reviewer = member("reviewer")
    draft = make_incident(status=S.DRAFT)
    with pytest.raises(Unsourced) as refused, translation.override("en"):
        incident_transition(user=reviewer, incident=draft, to=S.PUBLISHED)
    assert str(refused.value) == (f"Incident #{draft.pk} names no source: add a source (or the "
                                  "bulletin it comes from) before publishing it.")
    draft.refresh_from_db()
    assert (draft.status, draft.history.count()) == (S.DRAFT, 1)  # rolled back whole


def test_a_source_a_bulletin_or_a_dataset_record_each_make_it_publishable():
    reviewer = member("reviewer")
    with_source = make_incident(status=S.DRAFT, sources=[a_source()])
    alert = Alert.objects.create(headline="Peru: clashes", published_at="2018-06-26T11:35Z",
                                 raw_text="…")
    from_bulletin = make_incident(status=S.DRAFT, alert=alert)
    from_dataset = make_incident(status=S.DRAFT, external_source="acled", external_id="PER1")
    for incident in (with_source, from_bulletin, from_dataset):
        assert incident_transition(user=reviewer, incident=incident, to=S.PUBLISHED).status == S.PUBLISHED


def test_creating_it_published_and_unlinking_the_sources_while_publishing_are_refused():
    reviewer = member("reviewer")
    fields = {"title": "Clash", "occurred_on": date(2018, 6, 24), "event_type": "Battles",
              "sub_event_type": "Armed clash", "location": PICHARI}
    with pytest.raises(Unsourced):
        incident_create(user=reviewer, status=S.PUBLISHED, **fields)
    assert not Incident.objects.filter(title="Clash").exists()
    draft = make_incident(status=S.DRAFT, sources=[a_source()])
    with pytest.raises(Unsourced):
        incident_update(user=reviewer, incident=draft, status=S.PUBLISHED, sources=[])
    assert list(Incident.objects.get(pk=draft.pk).sources.values_list("name", flat=True)) == [
        "Andina, 25 June 2018"]
    # The operator (manage.py, the test builders) is exempt, as from every rule.
    assert make_incident(title="Operator's").status == S.PUBLISHED


def test_the_last_source_of_a_published_incident_cannot_be_removed():
    """The rule holds after publishing too: unlinking every source of a published incident is
    refused (service and admin form alike), replacing one by another is not, and a published
    incident that never had one (legacy rows, the operator's) can still be corrected."""
    reviewer = member("reviewer")
    first, second = a_source(), Source.objects.create(name="RPP, 26 June 2018", url="https://rpp.pe/x")
    published = make_incident(status=S.PUBLISHED, sources=[first])
    with pytest.raises(Unsourced):
        incident_update(user=reviewer, incident=published, sources=[])
    assert list(published.sources.values_list("pk", flat=True)) == [first.pk]
    assert list(incident_update(user=reviewer, incident=published, sources=[second]).sources.values_list(
        "pk", flat=True)) == [second.pk]
    legacy = make_incident(status=S.PUBLISHED)  # by the operator, without a source
    assert incident_update(user=reviewer, incident=legacy, title="Corrected title").title == "Corrected title"
    client = logged_in("reviewer", "en")
    published.refresh_from_db()
    response = client.post(admin_change_url(published), incident_form_data(published, sources=[]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["sources"] == [
        "A published incident keeps at least one source: add another before removing this one."]
    assert list(Incident.objects.get(pk=published.pk).sources.values_list("pk", flat=True)) == [second.pk]


def test_the_admin_form_says_it_beside_the_sources_field():
    draft = make_incident(status=S.IN_REVIEW)
    client = logged_in("reviewer", "en")
    response = client.post(admin_change_url(draft), incident_form_data(draft, status=S.PUBLISHED))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["sources"] == [
        "Publishing needs at least one source: add one here (or link the bulletin it comes from)."]
    assert Incident.objects.get(pk=draft.pk).status == S.IN_REVIEW
    source = a_source()
    response = client.post(admin_change_url(draft), incident_form_data(
        draft, status=S.PUBLISHED, sources=[source.pk]))
    assert response.status_code == 302
    assert Incident.objects.get(pk=draft.pk).status == S.PUBLISHED


def test_the_bulk_publish_names_the_incidents_without_a_source():
    sourced = make_incident(status=S.IN_REVIEW, sources=[a_source()])
    unsourced = make_incident(status=S.IN_REVIEW)
    response = logged_in("reviewer", "en").post(
        reverse("admin:incidents_reviewitem_changelist"),
        {"action": "publish", "_selected_action": [sourced.pk, unsourced.pk]}, follow=True)
    text = response.content.decode()
    assert "Published: 1 incident(s)." in text
    assert f"Not published (no source; add one first): #{unsourced.pk}." in text
    assert dict(Incident.objects.filter(pk__in=[sourced.pk, unsourced.pk]).values_list(
        "pk", "status")) == {sourced.pk: S.PUBLISHED, unsourced.pk: S.IN_REVIEW}


def test_the_api_refuses_it_too():
    draft = make_incident(status=S.IN_REVIEW)
    reviewer_api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    reviewer_api.force_authenticate(member("reviewer"))
    response = reviewer_api.patch(f"/api/v1/incidents/{draft.pk}/", {
        "type": "Feature", "properties": {"status": "published", "version": draft.version}},
        format="json")
    assert response.status_code == 403, response.content
    assert "names no source" in response.json()["detail"]
    assert Incident.objects.get(pk=draft.pk).status == S.IN_REVIEW


# The reviewer's Publish / Send back buttons ----------------------------------------------------

def status_url(incident):
    return reverse("admin:incidents_incident_status", args=[incident.pk])


def test_a_reviewer_sees_publish_and_send_back_on_an_incident_in_review():
    queued = make_incident(status=S.IN_REVIEW, sources=[a_source()])
    page = logged_in("reviewer", "en").get(admin_change_url(queued))
    assert [label for _, label in page.context["review_buttons"]] == ["Publish", "Send back to draft"]
    html = page.content.decode()
    assert f'action="{status_url(queued)}"' in html
    assert '<button type="submit" class="review-button-published">Publish</button>' in html
    spanish = logged_in("reviewer", "es").get(admin_change_url(queued)).content.decode()
    assert '<button type="submit" class="review-button-draft">Devolver a borrador</button>' in spanish


def test_which_buttons_show_follows_the_rules():
    draft = make_incident(status=S.DRAFT)
    published = make_incident()
    reviewer, editor = logged_in("reviewer", "en"), logged_in("editor", "en")
    assert [t for t, _ in reviewer.get(admin_change_url(draft)).context["review_buttons"]] == [S.PUBLISHED]
    assert reviewer.get(admin_change_url(published)).context["review_buttons"] == []
    assert editor.get(admin_change_url(draft)).context["review_buttons"] == []


def test_the_publish_button_publishes_and_the_send_back_button_sends_back():
    source = a_source()
    queued = make_incident(status=S.IN_REVIEW, sources=[source])
    other = make_incident(status=S.IN_REVIEW, sources=[source])
    client = logged_in("reviewer", "en")
    response = client.post(status_url(queued), {"to": "published"}, follow=True)
    assert response.redirect_chain == [(admin_change_url(queued), 302)]
    assert "Published: 1 incident(s)." in response.content.decode()
    latest = Incident.objects.get(pk=queued.pk).history.order_by("-history_id").first()
    assert (latest.status, latest.history_change_reason, latest.history_user.username) == (
        S.PUBLISHED, "Published", "reviewer")
    client.post(status_url(other), {"to": "draft"})
    assert Incident.objects.get(pk=other.pk).status == S.DRAFT


def test_the_status_url_refuses_what_it_should():
    queued = make_incident(status=S.IN_REVIEW)
    reviewer = logged_in("reviewer", "en")
    assert reviewer.get(status_url(queued)).status_code == 405
    bad = reviewer.post(status_url(queued), {"to": "archived"})
    assert (bad.status_code, bad.content.decode()) == (400, "to: expected one of published, draft.")
    unsourced = reviewer.post(status_url(queued), {"to": "published"}, follow=True)
    assert f"Incident #{queued.pk} names no source" in unsourced.content.decode()
    editor = logged_in("editor", "en").post(status_url(queued), {"to": "draft"}, follow=True)
    assert (f"Incident #{queued.pk} is in review; only reviewers may change incidents that are in "
            "review, published or archived.") in editor.content.decode()
    assert Incident.objects.get(pk=queued.pk).status == S.IN_REVIEW
    assert reviewer.post(reverse("admin:incidents_incident_status", args=[999999]),
                         {"to": "draft"}).status_code == 404


# Read-only views: coordinates and place, not EWKT ----------------------------------------------

def test_an_editor_reads_a_submitted_incident_as_coordinates_and_place():
    queued = make_incident(status=S.IN_REVIEW, location_name="Natividad")
    page = logged_in("editor", "en").get(admin_change_url(queued))
    html = page.content.decode()
    assert page.status_code == 200 and "SRID=4326" not in html
    assert "latitude -12.51957; longitude -73.82903<br>Natividad – Pichari, La Convención, Cusco" in html
    spanish = logged_in("editor", "es").get(admin_change_url(queued)).content.decode()
    assert "latitud -12,51957; longitud -73,82903" in spanish


# Sub-event types grouped by event type -------------------------------------------------------

def test_sub_event_choices_come_grouped_under_their_event_type():
    html = logged_in("editor", "en").get(reverse("admin:incidents_incident_add")).content.decode()
    flat = re.sub(r">\s+<", "><", html)
    assert '<optgroup label="Battles"><option value="Armed clash">Armed clash</option>' in flat
    assert '<optgroup label="Protests"><option value="Peaceful protest">Peaceful protest</option>' in flat
    page = logged_in("editor", "en").get(reverse("admin:incidents_incident_add"))
    widget = page.context["adminform"].form.fields["sub_event_type"].widget
    assert json.loads(widget.attrs["data-event-types"])["Riots"] == ["Violent demonstration", "Mob violence"]
    assert "js/admin-event-types.js" in html


def test_a_sub_event_type_of_another_event_type_is_still_refused():
    draft = make_incident(status=S.DRAFT)
    response = logged_in("editor", "en").post(admin_change_url(draft), incident_form_data(
        draft, sub_event_type="Peaceful protest"))
    assert response.context["adminform"].form.errors["sub_event_type"] == [
        "'Peaceful protest' is not a sub-event type of 'Battles'."]


# "near" / "in" in the place search -----------------------------------------------------------

@pytest.mark.parametrize("query, precision, label", [
    ("Natividad, Pichari", 1, "Exact town or village"),
    ("in Natividad, Pichari", 1, "Exact town or village"),
    ("near Natividad, Pichari", 2, "Near a town, or a small part of a region"),
    ("cerca de Natividad, Pichari", 2, "Near a town, or a small part of a region"),
    ("en las inmediaciones de Natividad, Pichari", 2, "Near a town, or a small part of a region"),
])
def test_near_in_the_place_search_sets_the_precision(query, precision, label):
    response = logged_in("editor", "en").get(reverse("admin:incidents_incident_places"), {"q": query})
    first = response.json()["candidates"][0]
    assert (first["name"].split()[0].lower(), first["geo_precision"], first["geo_precision_label"]) == (
        query.split()[-2].rstrip(",").lower(), precision, label)


# The review queue's count, the ingest page -----------------------------------------------------

def test_the_review_queue_counts_incidents():
    make_incident(status=S.DRAFT)
    make_incident(status=S.IN_REVIEW)
    url = reverse("admin:incidents_reviewitem_changelist")
    page = logged_in("reviewer", "en").get(url)
    assert page.context["module_name"] == "incidents"  # "Select all 120 incidents" on long lists
    english = page.content.decode()
    assert "\n2 incidents\n" in english and "review queue\n" not in english.split('class="paginator"')[1]
    assert "0 of 2 selected" in english
    spanish = logged_in("reviewer", "es").get(url).content.decode()
    assert "\n2 incidentes\n" in spanish
    assert "css/admin-review-queue.css" in english


def test_the_ingest_page_never_offers_to_create_zero_drafts():
    text = (Path(settings.ALERTS_DIR) / SEED).read_text(encoding="utf-8")
    event, context = text.index("\nEvent\n"), text.index("\nContext\n")
    quiet = text[:event] + "\nEvent\n\nThe regional government presented its budget for 2019.\n" + text[context:]
    client = logged_in("editor", "en")
    response = client.post(reverse("admin:incidents_incident_ingest_bulletin"),
                           {"text": quiet, "preview": "Preview"})
    assert response.context["preview"].drafts == []
    html = response.content.decode()
    assert 'name="create"' not in html
    assert "Nothing to create: no incident was found in this bulletin." in html
    full = client.post(reverse("admin:incidents_incident_ingest_bulletin"),
                       {"text": text, "preview": "Preview"}).content.decode()
    assert 'name="create" value="Create 3 drafts"' in full
