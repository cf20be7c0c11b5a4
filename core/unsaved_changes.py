"""What an editor typed into an admin form is not lost when the session expires before it is saved.

Without this, a POST that arrives after the session has expired (or was ended elsewhere) is
answered by a redirect to the login page and its data is gone. `UnsavedChangesMiddleware`:

1. at every login, gives the browser a *marker*: a signed, timestamped cookie naming the user
   (`set_signed_cookie`: HMAC with SECRET_KEY), HttpOnly, SameSite=Strict, path /admin/; an
   explicit logout deletes it (and that user's stash);
2. when an anonymous POST under /admin/ is answered by the redirect to the admin login, keeps its
   fields (the *stash*) only if the request carries a valid, unexpired marker of an active staff
   user whose password has not changed since; password fields are never kept. The stash is
   stored server-side, one per user (a later one replaces it), at most
   UNSAVED_CHANGES_MAX_BYTES, for UNSAVED_CHANGES_MAX_AGE seconds;
3. after the login of that same user, the first visit of that page shows "Your unsaved changes":
   every field that will be sent (the technical ones too), and a button that sends them again
   exactly as they were (with a fresh CSRF token), or one to discard them;
4. forgets them once they are sent again or discarded, when they expire, when that user logs out,
   or when another user logs in on the browser that holds the marker.

Where the stash lives: not in a session of its own. The old design created a new anonymous
session row per anonymous POST; now a request without a valid marker creates nothing at all.
A stash is one row of the django_session table whose key is derived from the user id with the
secret key (`_store_key`): the row count is bounded by the number of staff users, the data is
signed like any session, and `manage.py clearsessions` removes expired rows with the sessions.
It is never any browser's session: the key is never sent to a client and cannot be guessed.

Threat line:
- A stranger (no marker, a forged one, an expired one, one of a deactivated user or from before a
  password change) makes the server store nothing: no stash, no session row, no message (the
  redirect to the login page carries `expired=1` and the login page shows the notice for it,
  rendered in that page and stored nowhere). Messages never fall back to the session
  (MESSAGE_STORAGE is the signed cookie alone), so replaying a full messages cookie stores
  nothing either. Tested with 1,000 such POSTs, each replaying a full messages cookie.
- An Editor can store one stash of at most UNSAVED_CHANGES_MAX_BYTES for themselves (replayed
  POSTs replace it), offered only to themselves after their own login; never for another user,
  since the marker is signed. A Reviewer who logs in on the Editor's browser is not offered it, and
  it is dropped.
- Someone who copied an Editor's marker cookie can plant a stash for that Editor; the Editor sees
  every field of it and must press "Save" to send it, with their own rights and CSRF token.
- Passwords (any field whose name contains "password", any case) are never stored.
"""
import json
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import DatabaseError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _, gettext_lazy

MARKER_COOKIE = "vraem_stash_marker"
MARKER_SALT = "core.unsaved_changes.marker"
STORE_SALT = "core.unsaved_changes.store"
STASH = "unsaved_changes"
PENDING = "unsaved_changes_pending"  # in the user's session: a stash waited at login
DISCARD = "_discard_unsaved_changes"
# A stranger's POST stores nothing, not even a message: the redirect to the login page carries
# this flag, and the login page shows EXPIRED_LOST for it (anyone may add the flag to a link; it
# only shows this fixed text, rendered into that page and kept nowhere).
EXPIRED_FLAG = "expired"
EXPIRED_LOST = gettext_lazy("Your session had expired, so your changes were not saved. Log in and enter "
                            "them again.")
# A session ends at most SESSION_COOKIE_AGE after the login; the form may have been open for a
# while before it is posted, so the marker outlives the session by this much.
MARKER_GRACE = timedelta(hours=12)
# Fields the admin adds for its own bookkeeping: shown apart as "technical fields".
TECHNICAL_PREFIXES = ("_", "initial-")
TECHNICAL_SUFFIXES = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
TECHNICAL_NAMES = frozenset({"action", "index", "select_across", "post"})

_SET, _CLEAR = "set", "clear"  # what the response does with the marker (request attribute)


class UnsavedChangesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.method == "POST" and request.path.startswith(_admin_root())
                and _is_login_redirect(response) and not request.user.is_authenticated):
            if not _keep(request):
                response["Location"] = _with_expired_flag(response["Location"])
        _update_marker(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """After the CSRF check (an earlier middleware's process_view), before the view."""
        if (request.method == "GET" and request.GET.get(EXPIRED_FLAG) == "1"
                and request.path == reverse("admin:login") and not request.user.is_authenticated):
            # Shown by the login page it is added to, in this response: stored nowhere.
            messages.warning(request, EXPIRED_LOST)
            return None
        try:
            if (not request.path.startswith(_admin_root()) or not request.user.is_authenticated
                    or not request.session.get(PENDING)):
                return None
            stash = _load(request.user.pk)
        except DatabaseError:  # the view then answers the 503 page
            return None
        if stash is None:  # expired, or sent again from another browser
            del request.session[PENDING]
            return None
        if stash["path"] != request.path:
            return None
        if request.method == "GET":
            return _offer(request, stash)
        if request.method == "POST":
            _drop(request.user.pk)  # sent again (or discarded): done with it
            del request.session[PENDING]
            if DISCARD in request.POST:
                messages.info(request, _("Your unsaved changes were discarded."))
                return redirect(request.get_full_path())
        return None


# --- the marker ----------------------------------------------------------------------------

def _marker_check(user) -> str:
    """Changes when the user's password changes, which voids every earlier marker."""
    return salted_hmac(MARKER_SALT, user.get_session_auth_hash()).hexdigest()[:20]


def _marker_max_age() -> int:
    return int(settings.SESSION_COOKIE_AGE + MARKER_GRACE.total_seconds())


def _marker(request) -> tuple[int, str] | None:
    """(user id, password check) from a validly signed, unexpired marker, else None."""
    value = request.get_signed_cookie(MARKER_COOKIE, default=None, salt=MARKER_SALT,
                                      max_age=_marker_max_age())
    user_id, _, check = (value or "").partition(":")
    return (int(user_id), check) if user_id.isdigit() else None


def _marked_user(request):
    """The active staff user the request's marker names, or None (no marker, forged, expired,
    or signed before the user's password changed)."""
    marker = _marker(request)
    if marker is None:
        return None
    user_id, check = marker
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True, is_staff=True).first()
    if user is None or not constant_time_compare(check, _marker_check(user)):
        return None
    return user


def _update_marker(request, response) -> None:
    action = getattr(request, "_unsaved_changes_marker", None)
    if action is None:
        return
    kind, user = action
    if kind == _SET:
        response.set_signed_cookie(
            MARKER_COOKIE, f"{user.pk}:{_marker_check(user)}", salt=MARKER_SALT,
            max_age=_marker_max_age(), path=_admin_root(), secure=settings.SESSION_COOKIE_SECURE,
            httponly=True, samesite="Strict",
        )
    else:
        response.delete_cookie(MARKER_COOKIE, path=_admin_root(), samesite="Strict")


def _on_login(sender, request, user, **kwargs) -> None:
    previous = _marker(request)
    if previous is not None and previous[0] != user.pk:
        _drop(previous[0])  # another user's stash on this browser is never offered to this one
    request._unsaved_changes_marker = (_SET, user)
    if _load(user.pk) is not None:
        request.session[PENDING] = True


def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        _drop(user.pk)
    request._unsaved_changes_marker = (_CLEAR, None)


user_logged_in.connect(_on_login, dispatch_uid="core.unsaved_changes.login")
user_logged_out.connect(_on_logout, dispatch_uid="core.unsaved_changes.logout")


# --- the store: one django_session row per user --------------------------------------------

def _store_key(user_id: int) -> str:
    """32 lowercase hex characters (a valid session key), derived with the secret key."""
    return salted_hmac(STORE_SALT, str(user_id)).hexdigest()[:32]


def _save(user_id: int, stash: dict) -> None:
    Session.objects.update_or_create(
        session_key=_store_key(user_id),
        defaults={
            "session_data": DatabaseSessionStore().encode({STASH: stash}),
            "expire_date": timezone.now() + timedelta(seconds=settings.UNSAVED_CHANGES_MAX_AGE),
        },
    )


def _load(user_id: int) -> dict | None:
    row = Session.objects.filter(session_key=_store_key(user_id), expire_date__gt=timezone.now()).first()
    stash = DatabaseSessionStore().decode(row.session_data).get(STASH) if row else None
    if not stash or stash.get("user") != user_id:
        return None
    return stash


def _drop(user_id: int) -> None:
    Session.objects.filter(session_key=_store_key(user_id)).delete()


# --- keeping and offering ------------------------------------------------------------------

def is_password_field(name: str) -> bool:
    return "password" in name.lower()


def is_technical_field(name: str) -> bool:
    return name.startswith(TECHNICAL_PREFIXES) or name.endswith(TECHNICAL_SUFFIXES) or name in TECHNICAL_NAMES


def _keep(request) -> bool:
    """Keep the POST for the marker's user and add the login page's message; False, storing
    nothing and adding no message, when there is no valid marker (the caller flags the
    redirect instead)."""
    user = _marked_user(request)
    if user is None:  # a stranger, or a marker that is no longer valid: keep nothing
        return False
    fields, passwords = [], set()
    for key, values in request.POST.lists():
        if key == "csrfmiddlewaretoken":
            continue
        if is_password_field(key):
            passwords.add(key)
            continue
        fields.extend([key, value] for value in values)
    stash = {
        "user": user.pk,
        "path": request.path,
        "query": request.META.get("QUERY_STRING", ""),
        "fields": fields,
        "files": sorted(request.FILES),
        "passwords": sorted(passwords),
        "at": timezone.now().isoformat(timespec="seconds"),
    }
    if len(json.dumps(stash).encode()) > settings.UNSAVED_CHANGES_MAX_BYTES:
        messages.error(request, _("Your session had expired, so your changes were not saved, "
                                  "and they are too large to keep. Log in and enter them again."))
        return True
    _save(user.pk, stash)
    messages.warning(request, _("Your session had expired, so your changes were not saved. "
                                "They are kept: log in and you will be offered them again."))
    return True


def _with_expired_flag(location: str) -> str:
    """The login redirect with `expired=1` added to its query (the login page says why)."""
    parts = urlsplit(location)
    query = f"{parts.query}&{EXPIRED_FLAG}=1" if parts.query else f"{EXPIRED_FLAG}=1"
    return urlunsplit(parts._replace(query=query))


def _offer(request, stash: dict):
    fields = stash["fields"]
    action = stash["path"] + (f"?{stash['query']}" if stash["query"] else "")
    context = {
        **admin.site.each_context(request),
        "title": _("Your unsaved changes"),
        "action": action,
        "fields": fields,
        "shown": [(key, value) for key, value in fields if not is_technical_field(key)],
        "technical": [(key, value) for key, value in fields if is_technical_field(key)],
        "files": stash["files"],
        "passwords": stash["passwords"],
        "saved_at": stash["at"],
        "discard": DISCARD,
    }
    return TemplateResponse(request, "admin/unsaved_changes.html", context)


def _admin_root() -> str:
    return reverse("admin:index")


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response.get("Location", "")).path == reverse("admin:login")
