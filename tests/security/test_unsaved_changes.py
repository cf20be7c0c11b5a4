"""A form posted after the session expired is kept and offered again after the login."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

PAGE = "/admin/incidents/incident/ingest-bulletin/"
PASSWORD = "right-horse-battery-9"
DRAFT = "Peru: a bulletin <b>typed</b> by hand\nline two"

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser("typist", password=PASSWORD)


def expire_and_post(client, data):
    Session.objects.all().delete()  # the session ends while the form is open
    return client.post(PAGE, data)


def log_in(client):
    return client.post(f"/admin/login/?next={PAGE}", {"username": "typist", "password": PASSWORD,
                                                       "next": PAGE})


def test_the_posted_form_is_kept_offered_after_login_and_sent_again(client, editor):
    client.force_login(editor)
    response = expire_and_post(client, {"text": DRAFT, "source_url": "https://example.org/b", "preview": "Preview"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    login_page = client.get(response["Location"]).content.decode()
    assert "Your session had expired, so your changes were not saved. They are kept" in login_page

    assert log_in(client)["Location"] == PAGE
    offer = client.get(PAGE)
    html = offer.content.decode()
    assert "Your unsaved changes" in html
    assert "Peru: a bulletin &lt;b&gt;typed&lt;/b&gt; by hand<br>line two" in html  # escaped
    assert '<input type="hidden" name="text" value="Peru: a bulletin &lt;b&gt;typed&lt;/b&gt; by hand\nline two">' in html
    assert '<input type="hidden" name="preview" value="Preview">' in html

    # "Save these changes" sends the same fields: the page handles them as the first time.
    resent = client.post(PAGE, {"text": DRAFT, "source_url": "https://example.org/b", "preview": "Preview"})
    assert resent.status_code == 200
    assert "bulletin has no timestamp" in resent.content.decode()  # the page's own answer
    assert DRAFT.replace("<", "&lt;").replace(">", "&gt;") in resent.content.decode()
    assert "unsaved_changes" not in client.session  # offered once, then done
    assert "Your unsaved changes" not in client.get(PAGE).content.decode()


def test_the_changes_can_be_discarded(client, editor):
    client.force_login(editor)
    expire_and_post(client, {"text": DRAFT, "preview": "Preview"})
    log_in(client)
    response = client.post(PAGE, {"_discard_unsaved_changes": "1"}, follow=True)
    assert "Your unsaved changes were discarded." in response.content.decode()
    assert "Your unsaved changes" not in client.get(PAGE).content.decode().replace("were discarded", "")


def test_a_discard_without_csrf_token_is_refused_and_keeps_them(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get(PAGE)
    token = client.cookies["csrftoken"].value
    Session.objects.all().delete()
    client.post(PAGE, {"text": DRAFT, "preview": "Preview", "csrfmiddlewaretoken": token})
    client.force_login(editor)
    assert client.post(PAGE, {"_discard_unsaved_changes": "1"}).status_code == 403
    assert "Your unsaved changes" in client.get(PAGE).content.decode()


def test_too_much_data_is_not_kept_and_the_login_page_says_so(client, editor, settings):
    settings.UNSAVED_CHANGES_MAX_BYTES = 100
    client.force_login(editor)
    response = expire_and_post(client, {"text": "x" * 200, "preview": "Preview"})
    page = client.get(response["Location"]).content.decode()
    assert "and they are too large to keep" in page
    assert "unsaved_changes" not in client.session


def test_anonymous_posts_outside_the_admin_keep_nothing(client):
    client.post("/api/v1/token/", {"username": "a", "password": "b"})
    client.post("/regions/", {"q": "x"})
    assert "unsaved_changes" not in client.session
