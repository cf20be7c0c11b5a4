"""Login lockout: too many failed logins for one username from one address lock that pair.

Failures are rows (`LoginFailure`), so every server process sees the same counts. A pair is
locked when it has LOGIN_LOCKOUT_FAILURES failures within LOGIN_LOCKOUT_WINDOW, until
LOGIN_LOCKOUT_DURATION after the last one. While locked, even the right password is refused
(`LockoutModelBackend`) and the login pages answer 429 (`LoginLockoutMiddleware`). A successful
login clears the pair's failures; `manage.py unlock_login` and the admin action clear them too.
"""
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone

from .models import LoginFailure


def client_address(request) -> str | None:
    """REMOTE_ADDR: behind a reverse proxy, have the proxy (or the WSGI server) set it."""
    return (getattr(request, "META", None) or {}).get("REMOTE_ADDR") or None


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def locked_until(username: str, ip_address: str | None) -> datetime | None:
    """When the lock of this username and address ends, or None if it is not locked."""
    now = timezone.now()
    recent = LoginFailure.objects.filter(
        username=_key(username), ip_address=ip_address,
        attempted_at__gte=now - settings.LOGIN_LOCKOUT_WINDOW,
    )
    times = list(recent.order_by("-attempted_at").values_list("attempted_at", flat=True)
                 [: settings.LOGIN_LOCKOUT_FAILURES])
    if len(times) < settings.LOGIN_LOCKOUT_FAILURES:
        return None
    until = times[0] + settings.LOGIN_LOCKOUT_DURATION
    return until if until > now else None


def lockout_message(until: datetime) -> str:
    minutes = max(1, round((until - timezone.now()) / timedelta(minutes=1)))
    return (
        f"Too many failed logins for this username from your address: login is locked until "
        f"{until:%H:%M} UTC (about {minutes} minute{'s' if minutes != 1 else ''}). "
        f"Even the right password is refused until then; an administrator can unlock it sooner."
    )


def unlock(username: str, ip_address: str | None = None) -> int:
    """Forget the failures of a username (from one address, or all); returns how many."""
    failures = LoginFailure.objects.filter(username=_key(username))
    if ip_address:
        failures = failures.filter(ip_address=ip_address)
    return failures.delete()[0]


class LockoutModelBackend(ModelBackend):
    """Django's ModelBackend that refuses a locked pair before any password is checked.

    One backend rather than a guard in front of ModelBackend: force_login() and the session
    remember the first backend, which must therefore also load users."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username and locked_until(username, client_address(request)):
            raise PermissionDenied("login locked")  # authenticate() then stops and returns None
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed, dispatch_uid="security.record_login_failure")
def record_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    if not username:
        return
    address = client_address(request)
    if locked_until(username, address):
        return  # attempts during a lock do not extend it
    LoginFailure.objects.create(username=_key(username), ip_address=address)


@receiver(user_logged_in, dispatch_uid="security.clear_login_failures")
def clear_failures(sender, request, user, **kwargs):
    address = client_address(request)
    if address:
        LoginFailure.objects.filter(username=_key(user.get_username()), ip_address=address).delete()
