"""Failed logins lock a username from one address; the right password is then refused too."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from rest_framework.test import APIClient

from security.models import LoginFailure

PASSWORD = "right-horse-battery-9"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def client(client):
    """The tests read the English messages (the site's default language is Spanish)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)


@pytest.fixture
def other(db):
    return get_user_model().objects.create_user("other", password=PASSWORD, is_staff=True)


def admin_login(client, username, password, address="203.0.113.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, times, username="editor", address="203.0.113.5"):
    return [admin_login(client, username, "wrong", address).status_code for _ in range(times)]


def test_five_failures_lock_and_the_right_password_is_then_refused(client, editor):
    # The fifth failure already answers with the lock, not with "wrong password" again.
    assert fail(client, 5) == [200, 200, 200, 200, 429]
    response = admin_login(client, "editor", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed logins for this username from your address" in text
    assert "Even the right password is refused" in text
    assert 800 <= int(response["Retry-After"]) <= 900
    assert not logged_in(client)
    assert LoginFailure.objects.filter(username="editor").count() == 5  # attempts while locked don't extend it


def test_four_failures_do_not_lock_and_a_success_clears_them(client, editor):
    assert fail(client, 4) == [200] * 4
    assert admin_login(client, "editor", PASSWORD).status_code == 302
    assert logged_in(client)
    assert not LoginFailure.objects.filter(username="editor").exists()


def test_other_users_and_other_addresses_are_unaffected(client, editor, other):
    fail(client, 5)
    assert admin_login(client, "other", PASSWORD).status_code == 302
    client.logout()
    assert admin_login(client, "editor", PASSWORD, address="198.51.100.7").status_code == 302


def test_the_username_case_does_not_dodge_the_lock(client, editor):
    assert [admin_login(client, name, "wrong").status_code
            for name in ["editor", "EDITOR", "Editor", "eDitor", "editoR"]][-1] == 429
    assert admin_login(client, "editor", PASSWORD).status_code == 429


def test_the_lock_ends_after_the_cool_off(client, editor):
    fail(client, 5)
    # 16 minutes later: the last failure is older than the 15-minute lock.
    for failure in LoginFailure.objects.all():
        LoginFailure.objects.filter(pk=failure.pk).update(attempted_at=failure.attempted_at - timedelta(minutes=16))
    assert admin_login(client, "editor", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_unlock_command_lifts_the_lock(client, editor, capsys):
    fail(client, 5)
    call_command("unlock_login", "editor")
    assert "editor: 5 failed login(s) forgotten; unlocked." in capsys.readouterr().out
    assert admin_login(client, "editor", PASSWORD).status_code == 302


def test_the_admin_action_lifts_the_lock(client, admin_client, editor):
    fail(client, 5)
    ids = list(LoginFailure.objects.values_list("pk", flat=True))
    response = admin_client.post("/admin/security/loginfailure/", {
        "action": "unlock_pairs", "_selected_action": ids[:1],
    }, follow=True, headers={"accept-language": "en"})
    assert "Unlocked 1 username/address pair(s); 5 failure(s) forgotten." in response.content.decode()
    assert admin_login(client, "editor", PASSWORD).status_code == 302


def test_the_limits_come_from_settings(client, editor, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 2
    settings.LOGIN_LOCKOUT_DURATION = timedelta(minutes=1)
    assert fail(client, 2) == [200, 429]
    response = admin_login(client, "editor", PASSWORD)
    assert response.status_code == 429 and int(response["Retry-After"]) <= 60


def test_the_api_token_login_locks_too(editor):
    api = APIClient(REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="en")
    codes = [api.post("/api/v1/token/", {"username": "editor", "password": "wrong"}).status_code
             for _ in range(5)]
    assert codes == [400, 400, 400, 400, 429]
    response = api.post("/api/v1/token/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed logins")
    # The admin login from the same address is the same pair: locked as well.
    assert admin_login(APIClient(), "editor", PASSWORD, address="203.0.113.9").status_code == 429


def test_authenticate_itself_refuses_a_locked_pair(rf, editor):
    """A login path that forgets the middleware still cannot get past the lock."""
    from django.contrib.auth import authenticate

    request = rf.post("/elsewhere/", REMOTE_ADDR="192.0.2.1")
    for _ in range(5):
        assert authenticate(request, username="editor", password="wrong") is None
    assert authenticate(request, username="editor", password=PASSWORD) is None
    assert authenticate(rf.post("/", REMOTE_ADDR="192.0.2.2"), username="editor", password=PASSWORD) == editor


def test_force_login_and_client_login_still_work(client, editor):
    assert client.login(username="editor", password=PASSWORD)
    client.logout()
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


def test_with_the_database_down_the_login_is_the_503_page(client, editor):
    from unittest import mock

    from django.db import OperationalError, connection

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin in English (Spanish is the default, #14)
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed")):
        response = admin_login(client, "editor", PASSWORD)
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()


# --- Issue #12, finding 4: behind a proxy, per-address limit, per-account rule, pruning -------

def proxied_login(client, username, password, address):
    """A login arriving through one reverse proxy (TRUSTED_PROXY_COUNT=1): the socket address is
    the proxy's, the client's is the last X-Forwarded-For entry; a client may prepend anything."""
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="127.0.0.1",
                       HTTP_X_FORWARDED_FOR=f"10.9.8.7, {address}")


def test_behind_a_proxy_an_attackers_failures_do_not_lock_the_admin_out(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = [proxied_login(client, "editor", "wrong", "203.0.113.66").status_code for _ in range(12)]
    assert attacker == [200] * 4 + [429] * 8
    # The real admin, at another address behind the same proxy, is not locked.
    assert proxied_login(client, "editor", PASSWORD, "198.51.100.10").status_code == 302
    assert logged_in(client)
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}


def test_failures_from_one_address_lock_that_address_for_every_username(client, editor, other, settings):
    settings.LOGIN_ADDRESS_FAILURES = 6
    codes = [admin_login(client, f"user{i}", "wrong", "203.0.113.70").status_code for i in range(6)]
    assert codes == [200] * 5 + [429]
    response = admin_login(client, "other", PASSWORD, "203.0.113.70")
    assert response.status_code == 429
    assert "Too many failed logins from your address: login is locked for every username" in response.content.decode()
    assert 800 <= int(response["Retry-After"]) <= 900
    assert admin_login(client, "other", PASSWORD, "203.0.113.71").status_code == 302


def test_failures_from_many_addresses_lock_the_account_except_where_it_logged_in_lately(client, editor):
    assert admin_login(client, "editor", PASSWORD, "198.51.100.10").status_code == 302  # a known address
    client.logout()
    # A distributed guess: ten addresses, one failure each (LOGIN_ACCOUNT_FAILURES = 10).
    codes = [admin_login(client, "editor", "wrong", f"203.0.113.{100 + i}").status_code for i in range(10)]
    assert codes == [200] * 9 + [429]
    response = admin_login(client, "editor", PASSWORD, "203.0.113.200")  # a new address: waits
    assert response.status_code == 429
    assert "from many addresses: it can log in only from addresses it used recently" in response.content.decode()
    assert 800 <= int(response["Retry-After"]) <= 900
    assert LoginFailure.objects.count() == 10  # attempts during the lock are not counted
    # The known address logs in at once.
    assert admin_login(client, "editor", PASSWORD, "198.51.100.10").status_code == 302
    client.logout()
    # And the lock ends after LOGIN_LOCKOUT_MINUTES: a stranger cannot keep it on by trying more.
    LoginFailure.objects.update(attempted_at=F("attempted_at") - timedelta(minutes=16))
    assert admin_login(client, "editor", PASSWORD, "203.0.113.200").status_code == 302


def test_old_failures_and_known_addresses_are_pruned(client, editor, capsys):
    from django.utils import timezone

    from security.models import LoginSuccess

    now = timezone.now()
    LoginFailure.objects.create(username="someone", ip_address="192.0.2.50")
    LoginFailure.objects.filter(username="someone").update(attempted_at=now - timedelta(days=8))
    LoginFailure.objects.create(username="recent", ip_address="192.0.2.51")
    LoginFailure.objects.filter(username="recent").update(attempted_at=now - timedelta(days=6))
    # A new failure deletes rows older than LOGIN_FAILURE_RETENTION_DAYS (7) as it is written.
    fail(client, 1)
    assert sorted(LoginFailure.objects.values_list("username", flat=True)) == ["editor", "recent"]

    LoginSuccess.objects.create(username="gone", ip_address="192.0.2.52", last_success_at=now - timedelta(days=31))
    LoginSuccess.objects.create(username="kept", ip_address="192.0.2.53", last_success_at=now - timedelta(days=29))
    LoginFailure.objects.filter(username="recent").update(attempted_at=now - timedelta(days=9))
    call_command("prune_login_records")
    assert capsys.readouterr().out == (
        "1 failed login(s) older than 7 days and 1 known address(es) older than 30 days deleted.\n")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["editor"]
    assert list(LoginSuccess.objects.values_list("username", flat=True)) == ["kept"]
