"""History and revert, edit conflicts, duplicates and merges, the review queue, admin import
and the gazetteer place search of the incident form."""
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.models import Actor, Incident, Source
from incidents.services.bulletins.ingest import ingest_bulletin, preview_bulletin
from incidents.services.duplicates import incident_merge
from incidents.selectors import areas_at, possible_duplicates
from incidents.services.incidents import EditConflict, incident_transition, incident_update
from incidents.services.workflow import OPERATOR, WorkflowError
from regions.models import AdminArea
from tests.conftest import PICHARI, SAN_MIGUEL_DEL_ENE
from tests.factories import make_actor, make_incident

from .bulletin_expectations import SEED
from .roles import member
from .test_admin import form_data

pytestmark = pytest.mark.django_db
S = Incident.Status
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def logged_in(role):
    client = Client()
    client.force_login(member(role))
    return client


def change_url(incident):
    return reverse("admin:incidents_incident_change", args=[incident.pk])


# History -------------------------------------------------------------------------------------

def test_every_admin_save_is_in_the_history_with_who_and_a_field_diff():
    incident = make_incident(title="Clash near Pichari", status=S.DRAFT, fatalities=1)
    client = logged_in("editor")
    response = client.post(change_url(incident), form_data(
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
    data = form_data(incident, title="First title", description="first",
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


def test_an_editor_cannot_publish_by_any_route():
    incident = make_incident(status=S.DRAFT)
    with pytest.raises(WorkflowError, match="from draft to published"):
        incident_transition(user=member("editor"), incident=incident, to=S.PUBLISHED)
    client = logged_in("editor")
    response = client.post(change_url(incident), form_data(incident, status="published",
                                                           expected_version=1))
    assert response.status_code == 200  # the form refuses the choice
    assert "status" in response.context["adminform"].form.errors
    assert Incident.objects.get(pk=incident.pk).status == S.DRAFT


# Concurrent edits ----------------------------------------------------------------------------

def test_the_second_of_two_concurrent_admin_saves_is_refused_with_what_changed():
    incident = make_incident(title="Ambush on the Ene", status=S.DRAFT, fatalities=1)
    alice, bob = logged_in("editor"), logged_in("reviewer")
    # Both open the form at version 1.
    for client in (alice, bob):
        page = client.get(change_url(incident))
        assert 'name="expected_version" value="1"' in page.content.decode()
    saved = alice.post(change_url(incident), form_data(
        incident, title="Ambush on the Ene river", fatalities="2", expected_version=1))
    assert saved.status_code == 302
    refused = bob.post(change_url(incident), form_data(
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
    client = APIClient()
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


# Duplicates and merge ------------------------------------------------------------------------

def _point_km_east(point, km):
    from pyproj import Geod

    lon, lat, _ = Geod(ellps="WGS84").fwd(point.x, point.y, 90, km * 1000)
    return Point(lon, lat, srid=4326)


def test_possible_duplicates_are_same_type_within_10_km_and_2_days():
    base = make_incident(location=PICHARI, occurred_on=date(2018, 6, 24))
    near = make_incident(location=_point_km_east(PICHARI, 9.9), occurred_on=date(2018, 6, 26))
    make_incident(location=_point_km_east(PICHARI, 10.1), occurred_on=date(2018, 6, 24))  # too far
    make_incident(location=PICHARI, occurred_on=date(2018, 6, 27))  # too late
    make_incident(location=PICHARI, event_type="Protests", sub_event_type="Peaceful protest")
    make_incident(location=PICHARI, status=S.ARCHIVED)  # archived ones are settled
    assert list(possible_duplicates(base)) == [near]
    with override_settings(INCIDENT_DUPLICATE_RADIUS_KM=11, INCIDENT_DUPLICATE_DAYS=3):
        assert len(possible_duplicates(base)) == 3


def test_merge_keeps_the_richer_fields_and_all_sources_and_archives_the_duplicate():
    army, sl = make_actor("Military Forces of Peru", Actor.Kind.STATE_FORCES), make_actor()
    bulletin = Source.objects.create(name="Bulletin 26 June")
    paper = Source.objects.create(name="La República", url="https://larepublica.pe/x")
    survivor = make_incident(title="Clash in Vizcatán", location=SAN_MIGUEL_DEL_ENE,
                             geo_precision=3, area_level="district", actors=[army],
                             sources=[bulletin], description="Short.")
    duplicate = make_incident(title="Soldiers attacked at San Miguel del Ene", fatalities=2,
                              location=_point_km_east(SAN_MIGUEL_DEL_ENE, 1), geo_precision=1,
                              location_name="San Miguel del Ene", actors=[sl], sources=[paper],
                              description="A longer account of the attack on the patrol.")
    incident_merge(user=member("reviewer"), survivor=survivor, duplicate=duplicate)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert set(survivor.sources.all()) == {bulletin, paper}
    assert set(survivor.actors.all()) == {army, sl}
    assert (survivor.fatalities, survivor.geo_precision, survivor.location_name) == (
        2, 1, "San Miguel del Ene")
    assert survivor.description == duplicate.description
    assert survivor.title == "Clash in Vizcatán"  # its own where both have one
    assert (duplicate.status, duplicate.duplicate_of_id) == (S.ARCHIVED, survivor.pk)
    reasons = [r.history_change_reason for r in survivor.history.all()] + [
        r.history_change_reason for r in duplicate.history.all()]
    assert f"Merged duplicate #{duplicate.pk} into this incident" in reasons
    assert f"Merged into #{survivor.pk} as a duplicate" in reasons


def test_merge_from_the_admin_asks_which_survives():
    a = make_incident(title="Report A", status=S.DRAFT)
    b = make_incident(title="Report B", status=S.IN_REVIEW)
    client = logged_in("reviewer")
    url = reverse("admin:incidents_reviewitem_changelist")
    page = client.post(url, {"action": "merge_duplicates", "_selected_action": [a.pk, b.pk]})
    assert page.status_code == 200 and b"Choose the incident that stays" in page.content
    assert Incident.objects.get(pk=a.pk).status == S.DRAFT  # nothing yet
    client.post(url, {"action": "merge_duplicates", "_selected_action": [a.pk, b.pk],
                      "survivor": b.pk, "confirm": "yes"})
    assert Incident.objects.get(pk=a.pk).duplicate_of_id == b.pk
    assert a.history.order_by("-history_id").first().history_change_reason == (
        f"Merged into #{b.pk} as a duplicate")


def test_saving_in_the_admin_warns_about_possible_duplicates():
    existing = make_incident(title="Earlier report", location=PICHARI)
    incident = make_incident(title="New report", status=S.DRAFT, location=PICHARI)
    client = logged_in("editor")
    response = client.post(change_url(incident), form_data(incident, expected_version=1),
                           follow=True)
    text = response.content.decode()
    assert "Possible duplicate(s) of this incident" in text
    assert f"#{existing.pk} Earlier report" in text


# Review queue --------------------------------------------------------------------------------

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
    assert change_url(published) in text  # the draft's possible duplicate, linked
    assert change_url(draft) in text


def test_bulk_publish_from_the_queue_skips_what_may_not_move():
    draft = make_incident(status=S.DRAFT)
    queued = make_incident(status=S.IN_REVIEW)
    client = logged_in("reviewer")
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


# Placement -----------------------------------------------------------------------------------

def test_place_search_returns_candidates_with_areas_and_the_advisory_in_force():
    client = logged_in("editor")
    response = client.get(reverse("admin:incidents_incident_places"),
                          {"q": "Natividad, Pichari", "on": "2018-06-24"})
    assert response.status_code == 200
    first = response.json()["candidates"][0]
    assert first["name"].lower().startswith("natividad")
    assert first["ubigeo"].startswith("080910")
    assert first["listed_under"] == "Pichari"
    # The point lies just outside Pichari's polygon: the areas are those it will be given.
    point = Point(first["longitude"], first["latitude"], srid=4326)
    assigned = areas_at(point, finest="district")
    assert [a.upper() for a in first["areas"]] == [
        AdminArea.objects.get(ubigeo=assigned[level]).name.upper()
        for level in ("district", "province", "department")]
    assert any(z["level"] == 4 for z in first["advisories"])  # the VRAEM zone
    bad = client.get(reverse("admin:incidents_incident_places"), {"q": "x"})
    assert bad.status_code == 400 and bad.json()["error"].startswith("q:")


def test_the_change_form_offers_search_and_shows_areas_and_advisory():
    incident = make_incident(location=SAN_MIGUEL_DEL_ENE, occurred_on=date(2018, 6, 24),
                             status=S.DRAFT)
    text = logged_in("editor").get(change_url(incident)).content.decode()
    assert 'class="place-search"' in text and "js/admin-placement.js" in text
    assert "VRAEM" in re.sub(r"\s+", " ", text.split("Advisory in force", 1)[1])[:400]


# Admin import --------------------------------------------------------------------------------

def test_admin_import_previews_row_errors_then_imports():
    client = logged_in("editor")
    url = reverse("admin:incidents_incident_import")
    with open(FIXTURES / "acled_bad_row.csv", "rb") as upload:
        preview = client.post(url, {"file": upload, "format": "acled"})
    text = preview.content.decode()
    assert "row 3: event_date &#x27;31 June 2018&#x27; is not a date" in text
    assert "row 5: location: The point (longitude -80.00000" in text
    assert Incident.objects.count() == 0  # a preview writes nothing
    token = re.search(r'name="token" value="([^"]+)"', text).group(1)
    refused = client.post(url, {"token": token})
    assert "row 3" in refused.content.decode() and Incident.objects.count() == 0
    done = client.post(url, {"token": token, "skip_invalid": "on"}, follow=True)
    assert "1 created, 0 updated, 0 unchanged, 4 skipped" in done.content.decode()
    assert list(Incident.objects.values_list("external_id", "status")) == [("PER2001", "draft")]


def test_admin_import_refuses_an_oversized_or_unreadable_file(tmp_path):
    client = logged_in("editor")
    url = reverse("admin:incidents_incident_import")
    with override_settings(IMPORT_MAX_BYTES=100):
        with open(FIXTURES / "acled_small.csv", "rb") as upload:
            response = client.post(url, {"file": upload, "format": "acled"})
    assert "the limit is 100 bytes (IMPORT_MAX_MB)" in response.content.decode()
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("event_id_cnty,location\nPER1,Ayacucho – Huamanga é\n".encode("latin-1", "replace"))
    with open(latin, "rb") as upload:
        response = client.post(url, {"file": upload, "format": "acled"})
    assert "errornote" in response.content.decode()
    assert Incident.objects.count() == 0


def test_ingest_flags_possible_duplicates_of_existing_incidents():
    text = (Path(settings.ALERTS_DIR) / SEED).read_text(encoding="utf-8")
    placed = next(v.draft.location.candidate for v in preview_bulletin(text).drafts
                  if v.draft.occurred_on == date(2018, 6, 24))
    point = Point(placed.longitude, placed.latitude, srid=4326)
    existing = make_incident(title="Earlier report of the 24 June clash",
                             location=_point_km_east(point, 5), occurred_on=date(2018, 6, 23))
    make_incident(title="Another, too far", location=_point_km_east(point, 15),
                  occurred_on=date(2018, 6, 24))
    result = ingest_bulletin(user=OPERATOR, text=text)
    june_24 = next(i for i in result.created if i.occurred_on == date(2018, 6, 24))
    assert result.possible_duplicates == {june_24.pk: [existing.pk]}


# Found in review: reverting is a change; imports respect roles; no lost updates ----------------

def test_an_editor_may_see_but_not_revert_a_published_incident_or_a_zone():
    from regions.models import AdvisoryZone

    incident = make_incident(title="Published title", status=S.PUBLISHED)
    record = incident.history.order_by("history_id").first()
    editor = logged_in("editor")
    url = reverse("admin:incidents_incident_simple_history", args=[incident.pk, record.history_id])
    assert editor.get(url).status_code == 200
    data = form_data(incident, title="Editor's title", expected_version=incident.version)
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


def test_an_editors_import_makes_drafts_and_cannot_change_published_incidents(tmp_path):
    original = (FIXTURES / "acled_small.csv").read_text(encoding="utf-8").splitlines()
    with_status = [original[0] + ",status"] + [line + ",published" for line in original[1:]]
    path = tmp_path / "with-status.csv"
    path.write_text("\n".join(with_status) + "\n", encoding="utf-8")
    editor, reviewer = logged_in("editor"), logged_in("reviewer")
    url = reverse("admin:incidents_incident_import")

    def run(client):
        with open(path, "rb") as upload:
            text = client.post(url, {"file": upload, "format": "acled"}).content.decode()
        token = re.search(r'name="token" value="([^"]+)"', text).group(1)
        return client.post(url, {"token": token, "skip_invalid": "on"}, follow=True)

    run(editor)
    assert set(Incident.objects.values_list("status", flat=True)) == {S.DRAFT}
    Incident.objects.update(status=S.PUBLISHED)
    path.write_text("\n".join(with_status).replace(",published", ",draft").replace(
        "Clash", "Changed clash") + "\n", encoding="utf-8")
    done = run(editor).content.decode()  # one row changes (its notes): refused, the rest same
    assert "0 created, 0 updated, 2 unchanged, 1 skipped" in done
    assert set(Incident.objects.values_list("status", flat=True)) == {S.PUBLISHED}
    run(reviewer)  # a reviewer's re-import updates fields but never the status
    assert set(Incident.objects.values_list("status", flat=True)) == {S.PUBLISHED}


def test_a_bulk_status_change_keeps_a_concurrent_edit():
    incident = make_incident(title="Original", status=S.DRAFT)
    stale = Incident.objects.get(pk=incident.pk)
    incident_update(user=OPERATOR, incident=incident, title="Edited meanwhile")
    incident_transition(user=member("editor"), incident=stale, to=S.IN_REVIEW)
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.title, stored.status, stored.version) == ("Edited meanwhile", S.IN_REVIEW, 3)


def test_an_api_status_change_is_recorded_with_its_reason():
    incident = make_incident(status=S.DRAFT)
    client = APIClient()
    client.force_authenticate(member("reviewer"))
    response = client.patch(f"/api/v1/incidents/{incident.pk}/",
                            {"type": "Feature", "properties": {"status": "published", "version": 1}},
                            format="json")
    assert response.status_code == 200
    assert incident.history.order_by("-history_id").first().history_change_reason == "Published"
