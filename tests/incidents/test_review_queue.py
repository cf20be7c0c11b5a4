"""The review queue: drafts and incidents in review, bulk actions."""

import pytest
from django.urls import reverse

from incidents.models import Incident
from tests.factories import admin_change_url, logged_in, make_incident, make_source
from tests.places import PICHARI, SAN_MIGUEL_DEL_ENE

pytestmark = pytest.mark.django_db
S = Incident.Status


def test_review_queue_lists_drafts_and_items_in_review_with_duplicates():
    published = make_incident(title="Published clash", location=PICHARI)
    draft = make_incident(title="Draft clash", status=S.DRAFT, location=PICHARI,
                          geocoder_alternatives=[{"name": "Pichari", "kind": "district",
                                                  "ubigeo": "080910", "reason": "exact name"}])
    make_incident(title="Queued clash", status=S.IN_REVIEW, location=SAN_MIGUEL_DEL_ENE)
    make_incident(title="Old archived", status=S.ARCHIVED)
    page = logged_in("editor").get(reverse("admin:incidents_reviewitem_changelist"))
    text = page.content.decode()
    assert "Draft clash" in text and "Queued clash" in text
    assert "Published clash" not in text and "Old archived" not in text
    assert "Pichari (district, 080910) – exact name" in text
    assert admin_change_url(published) in text  # the draft's possible duplicate, linked
    assert admin_change_url(draft) in text


def test_bulk_publish_from_the_queue_skips_what_may_not_move():
    draft = make_incident(status=S.DRAFT, sources=[make_source()])
    queued = make_incident(status=S.IN_REVIEW, sources=[make_source()])
    client = logged_in("reviewer", "en")
    response = client.post(reverse("admin:incidents_reviewitem_changelist"),
                           {"action": "publish", "_selected_action": [draft.pk, queued.pk]},
                           follow=True)
    assert "Published: 2 incident(s)." in response.content.decode()
    assert set(Incident.objects.filter(pk__in=[draft.pk, queued.pk]).values_list(
        "status", flat=True)) == {S.PUBLISHED}
    for incident in (draft, queued):
        latest = incident.history.order_by("-history_id").first()
        assert (latest.status, latest.history_change_reason) == (S.PUBLISHED, "Published")
        assert latest.history_user.username == "reviewer"
