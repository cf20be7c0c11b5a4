"""A form posted after the session expired is kept for the user who was logged in, offered to them
again after their login, and to nobody else; anonymous requests store nothing (issue #12, 2 and 3).

Threat line: a stranger's POSTs under /admin/ (no marker, a tampered, foreign-key-signed or
expired marker) leave django_session exactly as it was; an Editor stores at most one capped,
expiring stash, for themselves only; password fields are never stored.
"""
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone, translation

from core import unsaved_changes
from config.settings import env_int
from core.unsaved_changes import MARKER_COOKIE, MARKER_SALT
from incidents.models import Incident
from tests.factories import PASSWORD as ROLE_PASSWORD, make_incident, member, page_url

PAGE = "/admin/incidents/incident/ingest-bulletin/"
PASSWORD = "right-horse-battery-9"
DRAFT = "Peru: a bulletin <b>typed</b> by hand\nline two"
KEPT = "They are kept: log in and you will be offered them again."
OFFER = "Your unsaved changes"

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser("typist", password=PASSWORD)


@pytest.fixture
def client(client):
    """The tests read the English texts (the site's default language is Spanish)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def log_in(client, username="typist", password=PASSWORD, next_path=PAGE):
    """Through the login form, as a browser does: that sets the marker cookie."""
    return client.post(f"/admin/login/?next={next_path}", {"username": username, "password": password,
                                                           "next": next_path})


def expire_and_post(client, data, path=PAGE):
    """The session ends while the form is open; the browser keeps its cookies and posts."""
    Session.objects.filter(session_key=client.session.session_key).delete()
    return client.post(path, data)


def stash_rows():
    """Every stored stash (decoded); they are rows of django_session."""
    rows = [SessionStore().decode(s.session_data) for s in Session.objects.all()]
    return [row[unsaved_changes.STASH] for row in rows if unsaved_changes.STASH in row]


def marker_for(user_id: int, check: str) -> str:
    """A marker cookie value, signed as the middleware signs it (with the current SECRET_KEY)."""
    response = HttpResponse()
    response.set_signed_cookie(MARKER_COOKIE, f"{user_id}:{check}", salt=MARKER_SALT)
    return response.cookies[MARKER_COOKIE].value


def test_the_posted_form_is_kept_offered_after_login_and_sent_again(client, editor):
    log_in(client)
    assert client.cookies[MARKER_COOKIE]["path"] == "/admin/"
    assert client.cookies[MARKER_COOKIE]["httponly"] and client.cookies[MARKER_COOKIE]["samesite"] == "Strict"
    response = expire_and_post(client, {"text": DRAFT, "source_url": "https://example.org/b", "preview": "Preview"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    login_page = client.get(response["Location"]).content.decode()
    assert "Your session had expired, so your changes were not saved. " + KEPT in login_page

    assert log_in(client)["Location"] == PAGE
    html = client.get(PAGE).content.decode()
    assert OFFER in html
    assert "Peru: a bulletin &lt;b&gt;typed&lt;/b&gt; by hand<br>line two" in html  # escaped
    assert '<input type="hidden" name="text" value="Peru: a bulletin &lt;b&gt;typed&lt;/b&gt; by hand\nline two">' in html
    assert '<input type="hidden" name="preview" value="Preview">' in html

    # "Save these changes" sends the same fields: the page handles them as the first time.
    resent = client.post(PAGE, {"text": DRAFT, "source_url": "https://example.org/b", "preview": "Preview"})
    assert resent.status_code == 200
    assert "bulletin has no timestamp" in resent.content.decode()  # the page's own answer
    assert DRAFT.replace("<", "&lt;").replace(">", "&gt;") in resent.content.decode()
    assert stash_rows() == []  # offered once, then done
    assert unsaved_changes.PENDING not in client.session
    assert OFFER not in client.get(PAGE).content.decode()


def test_the_changes_can_be_discarded(client, editor):
    log_in(client)
    expire_and_post(client, {"text": DRAFT, "preview": "Preview"})
    log_in(client)
    response = client.post(PAGE, {"_discard_unsaved_changes": "1"}, follow=True)
    assert "Your unsaved changes were discarded." in response.content.decode()
    assert OFFER not in client.get(PAGE).content.decode().replace("were discarded", "")
    assert stash_rows() == []


def test_a_discard_without_csrf_token_is_refused_and_keeps_them(editor):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.get("/admin/login/")
    token = client.cookies["csrftoken"].value
    client.post(f"/admin/login/?next={PAGE}", {"username": "typist", "password": PASSWORD,
                                                "next": PAGE, "csrfmiddlewaretoken": token})
    token = client.cookies["csrftoken"].value  # rotated by the login
    expire_and_post(client, {"text": DRAFT, "preview": "Preview", "csrfmiddlewaretoken": token})
    client.post(f"/admin/login/?next={PAGE}", {"username": "typist", "password": PASSWORD,
                                                "next": PAGE, "csrfmiddlewaretoken": token})
    assert client.post(PAGE, {"_discard_unsaved_changes": "1"}).status_code == 403
    assert OFFER in client.get(PAGE).content.decode()


# --- strangers store nothing ---------------------------------------------------------------

def full_messages_cookie() -> str:
    """A validly signed messages cookie filled to CookieStorage's limit (2 KB), as a stranger
    could collect one and replay it: the messages that do not fit must go nowhere."""
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    response = HttpResponse()
    unstored = CookieStorage(HttpRequest())._store(
        [Message(30, f"Your session had expired ({i:04d} {'x' * (i % 37)}).") for i in range(1000)], response)
    assert unstored  # it is full
    return response.cookies["messages"].value


def test_a_thousand_anonymous_posts_leave_the_session_table_as_it_was(editor):
    """No marker, a tampered one, one signed with another key, an expired one: 250 of each.
    Each keeps the messages cookie the previous answer left or replays a full one (second
    review, finding 1: Django's default FallbackStorage wrote the overflow to a new session),
    and every tenth also opens the login page it is sent to."""
    browser = Client()
    log_in(browser)
    marker = browser.cookies[MARKER_COOKIE].value
    check = unsaved_changes._marker_check(editor)
    assert marker.startswith(f"{editor.pk}:{check}:") and marker_for(editor.pk, check) == marker
    too_old = time.time() - unsaved_changes._marker_max_age() - 60
    with mock.patch("django.core.signing.time.time", return_value=too_old):
        expired = marker_for(editor.pk, check)
    with override_settings(SECRET_KEY="not-the-secret-key-" * 3):
        foreign = marker_for(editor.pk, check)
    tampered = marker.replace(f"{editor.pk}:", f"{editor.pk + 1}:", 1)
    markers = [None, tampered, foreign, expired]
    paths = [PAGE, "/admin/incidents/incident/add/", f"/admin/auth/user/{editor.pk}/password/"]
    before = set(Session.objects.values_list("session_key", flat=True))
    assert browser.session.session_key in before  # the editor's own session

    full = full_messages_cookie()
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en")
    for i in range(1000):
        kept = stranger.cookies.get("messages")
        stranger.cookies.clear()
        if markers[i % 4]:
            stranger.cookies[MARKER_COOKIE] = markers[i % 4]
        stranger.cookies["messages"] = kept.value if kept and kept.value and i % 2 else full
        response = stranger.post(paths[i % 3], {"text": "x" * 2000, "status": "published"})
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        assert response["Location"].endswith("&expired=1")
        assert "sessionid" not in response.cookies  # no session was created for it
        assert "messages" not in response.cookies  # nor a message
        if i % 10 == 0:
            page = stranger.get(response["Location"])
            with translation.override("en"):
                assert str(unsaved_changes.EXPIRED_LOST) in page.content.decode()
            assert "sessionid" not in page.cookies

    assert set(Session.objects.values_list("session_key", flat=True)) == before
    assert stash_rows() == []


@pytest.mark.parametrize("change", ["deactivated", "staff status removed", "password changed"])
def test_a_marker_that_no_longer_holds_keeps_nothing(client, editor, change):
    log_in(client)
    if change == "deactivated":
        editor.is_active = False
    elif change == "staff status removed":
        editor.is_staff = False
    else:
        editor.set_password("another-horse-battery-7")
    editor.save()
    count = Session.objects.count()
    response = expire_and_post(client, {"text": DRAFT, "preview": "Preview"})
    assert Session.objects.count() == count - 1  # the ended session; nothing added
    assert "enter them again" in client.get(response["Location"]).content.decode()
    assert stash_rows() == []


def test_anonymous_posts_outside_the_admin_keep_nothing(client):
    count = Session.objects.count()
    client.post("/api/v1/token/", {"username": "a", "password": "b"})
    client.post(page_url("region-search"), {"q": "x"})
    assert Session.objects.count() == count


def test_a_replayed_marker_keeps_one_stash_per_user(editor):
    """The Editor's own marker, sent without a session 50 times: one row, the latest form."""
    browser = Client()
    log_in(browser)
    marker = browser.cookies[MARKER_COOKIE].value
    count = Session.objects.count()
    replay = Client()
    for i in range(50):
        replay.cookies.clear()
        replay.cookies[MARKER_COOKIE] = marker
        replay.post(PAGE, {"text": f"version {i}"})
    assert Session.objects.count() == count + 1
    assert [s["fields"] for s in stash_rows()] == [[["text", "version 49"]]]


# --- what is kept, and for how long ---------------------------------------------------------

def test_password_fields_are_never_stored_nor_shown(client, editor):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin in English (Spanish is the default, #14)
    log_in(client, next_path="/admin/password_change/")
    secrets = {"old_password": "old-secret-1", "new_password1": "new-secret-2",
               "new_password2": "new-secret-2", "Password_hint": "hint-secret-3",
               "USERPASSWORD": "secret-4"}
    expire_and_post(client, {**secrets, "note": "kept"}, path="/admin/password_change/")
    [stash] = stash_rows()
    assert stash["fields"] == [["note", "kept"]]
    assert stash["passwords"] == sorted(secrets)
    raw = Session.objects.get(session_key=unsaved_changes._store_key(editor.pk)).session_data
    assert not any(value in SessionStore().decode(raw).__repr__() for value in secrets.values())

    log_in(client, next_path="/admin/password_change/")
    html = client.get("/admin/password_change/").content.decode()
    assert OFFER in html
    assert "Passwords are never kept; enter them again after saving: " in html
    assert not any(value in html for value in secrets.values())


def test_another_user_logging_in_is_not_offered_the_stash_and_it_is_dropped(client):
    """An Editor's session expires with status=published in the form; a Reviewer logs in on the
    same browser: the Reviewer never sees (or sends) it, and it is gone for the Editor too."""
    editor, reviewer = member("editor"), member("reviewer")
    incident = make_incident(title="Draft under edit", status=Incident.Status.DRAFT)
    change = f"/admin/incidents/incident/{incident.pk}/change/"
    log_in(client, "editor", ROLE_PASSWORD, change)
    expire_and_post(client, {"title": "Edited", "status": "published"}, path=change)
    assert [s["user"] for s in stash_rows()] == [editor.pk]

    log_in(client, "reviewer", ROLE_PASSWORD, change)
    html = client.get(change).content.decode()
    assert OFFER not in html and 'name="title"' in html  # the ordinary form
    assert stash_rows() == []

    client.post("/admin/logout/")
    log_in(client, "editor", ROLE_PASSWORD, change)
    assert OFFER not in client.get(change).content.decode()
    incident.refresh_from_db()
    assert (incident.title, incident.status) == ("Draft under edit", Incident.Status.DRAFT)
    assert reviewer.pk != editor.pk


def test_a_stash_is_offered_only_to_its_user_even_on_another_browser(client, editor):
    other = get_user_model().objects.create_superuser("second", password=PASSWORD)
    log_in(client)
    expire_and_post(client, {"text": DRAFT, "preview": "Preview"})
    elsewhere = Client()
    log_in(elsewhere, "second")
    assert OFFER not in elsewhere.get(PAGE).content.decode()
    assert [s["user"] for s in stash_rows()] == [editor.pk]  # a stranger's login drops nothing
    assert other.pk != editor.pk


def test_every_field_that_will_be_sent_is_shown(client, editor):
    """The changelist's delete action: its confirming POST is all hidden, technical fields."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin in English (Spanish is the default, #14)
    path = "/admin/incidents/incident/"
    data = {"action": "delete_selected", "_selected_action": ["17", "23"], "post": "yes",
            "index": "0", "select_across": "0", "form-TOTAL_FORMS": "0", "initial-title": "Old",
            "title": ""}
    log_in(client, next_path=path)
    expire_and_post(client, data, path=path)
    log_in(client, next_path=path)
    html = client.get(path).content.decode()
    assert OFFER in html
    fields, technical = html.split('id="unsaved-technical-fields"')
    assert '<th scope="row">title</th><td><em>(empty)</em></td>' in fields
    for key, values in data.items():
        for value in values if isinstance(values, list) else [values]:
            assert f'<input type="hidden" name="{key}" value="{value}">' in html
            if key != "title":
                assert f'<th scope="row">{key}</th><td>{value}</td>' in technical.split("</table>")[0]


def test_the_default_cap_is_32_kb(client, editor):
    log_in(client)
    expire_and_post(client, {"text": "x" * (33 * 1024), "preview": "Preview"})
    assert stash_rows() == []
    expire_and_post(client, {"text": "x" * (31 * 1024), "preview": "Preview"})
    assert len(stash_rows()) == 1


def test_too_much_data_is_not_kept_and_the_login_page_says_so(client, editor, settings):
    settings.UNSAVED_CHANGES_MAX_BYTES = 100
    log_in(client)
    count = Session.objects.count()
    response = expire_and_post(client, {"text": "x" * 200, "preview": "Preview"})
    page = client.get(response["Location"]).content.decode()
    assert "and they are too large to keep" in page
    assert stash_rows() == [] and Session.objects.count() == count - 1


def test_the_stash_expires_after_max_age_and_clearsessions_removes_it(client, editor, settings):
    settings.UNSAVED_CHANGES_MAX_AGE = 600
    log_in(client)
    before = timezone.now()
    expire_and_post(client, {"text": DRAFT, "preview": "Preview"})
    row = Session.objects.get(session_key=unsaved_changes._store_key(editor.pk))
    assert timedelta(seconds=600) <= row.expire_date - before <= timedelta(seconds=605)

    with mock.patch("django.utils.timezone.now", return_value=before + timedelta(seconds=601)):
        log_in(client)
        assert OFFER not in client.get(PAGE).content.decode()
        call_command("clearsessions")
    assert not Session.objects.filter(session_key=row.session_key).exists()


def test_within_max_age_it_is_still_offered(client, editor, settings):
    settings.UNSAVED_CHANGES_MAX_AGE = 600
    log_in(client)
    before = timezone.now()
    expire_and_post(client, {"text": DRAFT, "preview": "Preview"})
    with mock.patch("django.utils.timezone.now", return_value=before + timedelta(seconds=590)):
        log_in(client)
        assert OFFER in client.get(PAGE).content.decode()


def test_logging_out_forgets_the_marker_and_the_stash(client, editor):
    log_in(client)
    expire_and_post(client, {"text": DRAFT, "preview": "Preview"})
    log_in(client)
    client.post("/admin/logout/")
    assert client.cookies[MARKER_COOKIE].value == ""  # deleted
    assert stash_rows() == []


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
def test_bad_settings_values_are_named(monkeypatch, value):
    monkeypatch.setenv("UNSAVED_CHANGES_MAX_AGE", value)
    with pytest.raises(ImproperlyConfigured, match="UNSAVED_CHANGES_MAX_AGE"):
        env_int("UNSAVED_CHANGES_MAX_AGE", 3600, minimum=1)
