"""The admin page 'Ingest bulletin': paste, preview, create drafts."""
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from incidents.models import Alert, Incident
from tests.incidents.bulletin_expectations import SEED

pytestmark = pytest.mark.django_db
URL = "admin:incidents_incident_ingest_bulletin"


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw-for-tests-only")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the tests read the English messages
    return client


def seed_text():
    return (Path(settings.ALERTS_DIR) / SEED).read_text(encoding="utf-8")


def test_the_incident_list_links_to_the_page(admin_client):
    html = admin_client.get(reverse("admin:incidents_incident_changelist")).content.decode()
    assert reverse(URL) in html


def test_preview_shows_the_three_incidents_and_writes_nothing(admin_client):
    response = admin_client.post(reverse(URL), {"text": seed_text(), "preview": "Preview"})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [(v.draft.occurred_on.isoformat(), v.location_name) for v in preview.drafts] == [
        ("2018-06-24", "Vizcatán del Ene district, Satipo, Junín"),
        ("2018-06-07", "Huancavelica department"),
        ("2018-06-11", "Valle Hermosa de Mazangaro, Vizcatán del Ene, Satipo, Junín"),
    ]
    html = response.content.decode()
    assert 'value="Create 3 drafts"' in html
    assert "Rio Negro de Mazangaro (populated_place, 120609)" in html  # an alternative
    assert (Alert.objects.count(), Incident.objects.count()) == (0, 0)


def test_create_makes_drafts_and_a_second_time_nothing(admin_client):
    response = admin_client.post(reverse(URL), {"text": seed_text(), "create": "Create"})
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?alert__id__exact={alert.pk}")
    assert sorted(alert.incidents.values_list("status", flat=True)) == ["draft"] * 3
    again = admin_client.post(reverse(URL), {"text": seed_text(), "create": "Create"}, follow=True)
    assert "Already ingested" in again.content.decode()
    assert Incident.objects.count() == 3


def test_text_is_escaped_and_bad_text_gets_a_message(admin_client):
    text = seed_text().replace("Peru: Clashes", "Peru: <script>alert(1)</script> Clashes")
    html = admin_client.post(reverse(URL), {"text": text, "preview": "1"}).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    html = admin_client.post(reverse(URL), {"text": "no bulletin here", "preview": "1"}).content.decode()
    assert "bulletin has no timestamp" in html


def undated_text():  # writes no publication date; its story says 'on Thursday'
    return (Path(__file__).resolve().parents[1] / "bulletins" / "blind"
            / "b14_en_no_date_sivia_kidnap.txt").read_text(encoding="utf-8")


def test_a_text_without_a_date_is_refused_without_the_publication_date(admin_client):
    for button in ("preview", "create"):
        response = admin_client.post(reverse(URL), {"text": undated_text(), button: "1"})
        assert response.status_code == 200
        assert response.context["error"] == (
            "bulletin has no timestamp (e.g. '26 Jun 2018 | 11:35 AM UTC'); give its publication "
            "date (ingest_alert --published YYYY-MM-DD, or the date field of the admin page)")
        assert response.context["preview"] is None
    assert (Alert.objects.count(), Incident.objects.count()) == (0, 0)


def test_the_publication_date_field_dates_a_text_that_writes_none(admin_client):
    response = admin_client.post(reverse(URL), {"text": undated_text(), "published": "2022-04-08",
                                                "preview": "1"})
    assert response.status_code == 200 and response.context["error"] is None
    preview = response.context["preview"]
    assert preview.bulletin.published_at.isoformat() == "2022-04-08T00:00:00+00:00"
    assert [(v.draft.occurred_on.isoformat(), v.draft.sub_event_type) for v in preview.drafts] == [
        ("2022-04-07", "Abduction/forced disappearance")]  # 'on Thursday' before Friday 8 April
    assert 'value="Create 1 draft"' in response.content.decode()
    assert (Alert.objects.count(), Incident.objects.count()) == (0, 0)

    response = admin_client.post(reverse(URL), {"text": undated_text(), "published": "2022-04-08",
                                                "create": "1"})
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert alert.published_at.isoformat() == "2022-04-08T00:00:00+00:00"
    assert [(i.occurred_on.isoformat(), i.status) for i in alert.incidents.all()] == [
        ("2022-04-07", "draft")]


def test_a_date_in_the_text_wins_over_the_field(admin_client):
    response = admin_client.post(reverse(URL), {"text": seed_text(), "published": "2020-01-01",
                                                "preview": "1"})
    assert response.context["preview"].bulletin.published_at.isoformat() == "2018-06-26T11:35:00+00:00"


def test_a_publication_date_that_is_no_date_is_a_form_error(admin_client):
    response = admin_client.post(reverse(URL), {"text": undated_text(), "published": "08/04/2022x",
                                                "preview": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"published": ["Enter a valid date."]}
    assert response.context["preview"] is None and response.context["error"] is None


def test_staff_without_the_add_permission_is_refused(client):
    user = get_user_model().objects.create_user("viewer", "v@example.org", "pw", is_staff=True)
    client.force_login(user)
    assert client.get(reverse(URL)).status_code == 403


def test_the_page_needs_a_login(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_alert_page_lists_its_incidents(admin_client):
    admin_client.post(reverse(URL), {"text": seed_text(), "create": "Create"})
    alert = Alert.objects.get()
    html = admin_client.get(reverse("admin:incidents_alert_change", args=[alert.pk])).content.decode()
    for incident in alert.incidents.all():
        assert reverse("admin:incidents_incident_change", args=[incident.pk]) in html
    assert alert.incidents.count() == 3
