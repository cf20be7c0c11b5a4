"""The admin's file import: preview with row errors, then import, within the roles."""

import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from incidents.models import Incident
from tests.factories import logged_in

pytestmark = pytest.mark.django_db
S = Incident.Status
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_admin_import_previews_row_errors_then_imports():
    client = logged_in("editor", "en")
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
    client = logged_in("editor", "en")
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


def test_an_editors_import_makes_drafts_and_cannot_change_published_incidents(tmp_path):
    original = (FIXTURES / "acled_small.csv").read_text(encoding="utf-8").splitlines()
    with_status = [original[0] + ",status"] + [line + ",published" for line in original[1:]]
    path = tmp_path / "with-status.csv"
    path.write_text("\n".join(with_status) + "\n", encoding="utf-8")
    editor, reviewer = logged_in("editor", "en"), logged_in("reviewer", "en")
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
