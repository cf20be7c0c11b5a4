"""Login lockout: slow down password guessing without letting a stranger lock a user out.

Failures are rows (`LoginFailure`), so every server process sees the same counts. The client's
address comes from `security.client.client_ip` (TRUSTED_PROXY_COUNT decides; never a header the
client chose). An "address" below is a client as the throttles count it
(`security.client.client_block`): an IPv4 address, or a whole IPv6 /64 — a home or cloud IPv6
line holds 2^64 addresses, and privacy addresses (RFC 8981) change daily within it. Within
LOGIN_LOCKOUT_WINDOW three rules apply, each locking until LOGIN_LOCKOUT_DURATION after the
failure that triggered it:

- **pair**: LOGIN_LOCKOUT_FAILURES failures for one username from one address lock that pair;
- **address**: LOGIN_ADDRESS_FAILURES failures from one address, whatever the usernames, lock
  that address for every username (password spraying from one place);
- **account**: LOGIN_ACCOUNT_FAILURES failures for one username from all addresses together
  (guessing spread over many addresses) lock that username — except from an address (IPv6: any
  address of the /64) that logged in successfully as that user within
  LOGIN_KNOWN_ADDRESS_DAYS (`LoginSuccess`).

While locked, even the right password is refused (`LockoutModelBackend`) and the login pages
answer 429 (`LoginLockoutMiddleware`). Attempts during a lock are not recorded, so no lock
outlasts LOGIN_LOCKOUT_DURATION after the failure that started it. A successful login clears
the pair's failures; `manage.py unlock_login` and the admin action clear failures too.

Threat line. A stranger may post any username and password, from any number of addresses:
- from one address they get LOGIN_LOCKOUT_FAILURES guesses per username and
  LOGIN_ADDRESS_FAILURES in all per lock period, and lock out only themselves (and whoever
  shares their address);
- from many addresses they get LOGIN_ACCOUNT_FAILURES guesses per username per lock period;
  the user they aim at still logs in from any address they used in the last
  LOGIN_KNOWN_ADDRESS_DAYS, and from a new address waits at most LOGIN_LOCKOUT_DURATION;
- they cannot make a lock last longer than LOGIN_LOCKOUT_DURATION (attempts during a lock are
  not counted) and cannot fill the disk: failures are recorded only while not locked, and
  rows older than LOGIN_FAILURE_RETENTION_DAYS are deleted as new ones are written.
An Editor has no more power here than a stranger (the lockout does not look at roles).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy, ngettext

from .client import client_ip, client_range
from .models import LoginFailure, LoginSuccess


@dataclass(frozen=True)
class Lock:
    until: datetime
    rule: str  # "pair", "address" or "account"


MESSAGES = {
    "pair": gettext_lazy("Too many failed logins for this username from your address: login is "
                         "locked until {until}."),
    "address": gettext_lazy("Too many failed logins from your address: login is locked for every "
                            "username until {until}."),
    "account": gettext_lazy("Too many failed logins for this username from many addresses: it can "
                            "log in only from addresses it used recently until {until}."),
}


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _lock_end(failures, threshold: int, now: datetime) -> datetime | None:
    """When the lock from these (recent) failures ends: LOGIN_LOCKOUT_DURATION after the
    newest, once there are `threshold` of them; None if not locked."""
    times = list(failures.order_by("-attempted_at").values_list("attempted_at", flat=True)[:threshold])
    if len(times) < threshold:
        return None
    until = times[0] + settings.LOGIN_LOCKOUT_DURATION
    return until if until > now else None


def _from_client(rows, ip_address: str | None):
    """The rows whose address is this client's: the address itself, or any address of its /64
    for IPv6 (security.client.client_block, as the throttles count clients). A range on the
    inet column: it uses the (… ip_address …) indexes."""
    bounds = client_range(ip_address)
    if bounds is None:
        return rows.filter(ip_address=ip_address)  # None: the rows without an address
    return rows.filter(ip_address__gte=bounds[0], ip_address__lte=bounds[1])


def is_known_address(username: str, ip_address: str | None) -> bool:
    """Has this client (this address, or its IPv6 /64) logged in as this username lately?"""
    if not ip_address:
        return False
    since = timezone.now() - timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
    return _from_client(LoginSuccess.objects.filter(username=_key(username), last_success_at__gte=since),
                        ip_address).exists()


def current_lock(username: str, ip_address: str | None) -> Lock | None:
    """The lock that applies to this username from this address (the longest), or None."""
    now = timezone.now()
    key = _key(username)
    recent = LoginFailure.objects.filter(attempted_at__gte=now - settings.LOGIN_LOCKOUT_WINDOW)
    locks = []
    if until := _lock_end(_from_client(recent.filter(username=key), ip_address),
                          settings.LOGIN_LOCKOUT_FAILURES, now):
        locks.append(Lock(until, "pair"))
    if ip_address and (until := _lock_end(_from_client(recent, ip_address),
                                          settings.LOGIN_ADDRESS_FAILURES, now)):
        locks.append(Lock(until, "address"))
    if (until := _lock_end(recent.filter(username=key), settings.LOGIN_ACCOUNT_FAILURES, now)) \
            and not is_known_address(key, ip_address):
        locks.append(Lock(until, "account"))
    return max(locks, key=lambda lock: lock.until, default=None)


def locked_until(username: str, ip_address: str | None) -> datetime | None:
    """When the lock of this username from this address ends, or None if it is not locked."""
    lock = current_lock(username, ip_address)
    return lock.until if lock else None


def lockout_message(lock: Lock) -> str:
    minutes = max(1, round((lock.until - timezone.now()) / timedelta(minutes=1)))
    until = ngettext("%(time)s UTC (about %(minutes)s minute)", "%(time)s UTC (about %(minutes)s minutes)",
                     minutes) % {"time": f"{lock.until:%H:%M}", "minutes": minutes}
    return (MESSAGES[lock.rule].format(until=until) + " "
            + _("Even the right password is refused until then; an administrator can unlock it sooner."))


def unlock(username: str, ip_address: str | None = None) -> int:
    """Forget the failures of a username (from one client — the address, or its IPv6 /64 — or
    from all); returns how many."""
    failures = LoginFailure.objects.filter(username=_key(username))
    if ip_address:
        failures = _from_client(failures, ip_address)
    return failures.delete()[0]


def prune_login_records() -> tuple[int, int]:
    """Delete failures older than LOGIN_FAILURE_RETENTION_DAYS (never ones a lock still counts)
    and known addresses older than LOGIN_KNOWN_ADDRESS_DAYS; returns how many of each."""
    now = timezone.now()
    keep = max(timedelta(days=settings.LOGIN_FAILURE_RETENTION_DAYS),
               settings.LOGIN_LOCKOUT_WINDOW, settings.LOGIN_LOCKOUT_DURATION)
    failures = LoginFailure.objects.filter(attempted_at__lt=now - keep).delete()[0]
    successes = LoginSuccess.objects.filter(
        last_success_at__lt=now - timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
    ).delete()[0]
    return failures, successes


class LockoutModelBackend(ModelBackend):
    """Django's ModelBackend that refuses a locked login before any password is checked.

    One backend rather than a guard in front of ModelBackend: force_login() and the session
    remember the first backend, which must therefore also load users."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username and current_lock(username, client_ip(request)):
            raise PermissionDenied("login locked")  # authenticate() then stops and returns None
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed, dispatch_uid="security.record_login_failure")
def record_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    if not username:
        return
    address = client_ip(request)
    if current_lock(username, address):
        return  # attempts during a lock do not extend it
    LoginFailure.objects.create(username=_key(username), ip_address=address)
    # Pruning here keeps the table bounded with no scheduled job (an indexed range delete that
    # usually finds nothing); `manage.py prune_login_records` does the same on demand.
    prune_login_records()


@receiver(user_logged_in, dispatch_uid="security.clear_login_failures")
def clear_failures(sender, request, user, **kwargs):
    address = client_ip(request)
    if address:
        username = _key(user.get_username())
        _from_client(LoginFailure.objects.filter(username=username), address).delete()
        LoginSuccess.objects.update_or_create(
            username=username, ip_address=address, defaults={"last_success_at": timezone.now()}
        )
