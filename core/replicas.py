"""Reads on PostgreSQL hot standbys (issue #18 target 7; `make replica`, docs/scaling.md).

With DATABASE_REPLICA_URL set (settings.DATABASE_REPLICAS lists the aliases), the middleware
decides once per request whether its reads may come from a standby, and the router (and
`read_connection()` for the app's raw SQL) follows that decision:

- a standby: GET/HEAD/OPTIONS requests without credentials — no logged-in session, no
  Authorization header (API tokens) and no pin cookie. That is the anonymous public load:
  pages, API lists, tiles, OGC. One standby per request (random), so a page's queries see one
  server; one that does not accept a connection is skipped, and with none left the primary
  serves the request.
- the primary: everything else. Every write (`db_for_write`), every read of a logged-in user or
  an API client (editors always read the primary: no stale read of their own change, nor of a
  colleague's that they are about to review or edit), every read inside a transaction opened
  on the primary (a read-check-write in a service sees the rows it locks and writes), and the
  bookkeeping the app writes while answering reads: sessions, the throttle counters (database
  cache, app label `django_cache`) and login records (`security`).
- Read-your-writes without a login: a POST/PUT/PATCH/DELETE answered below 400 sets the cookie
  PIN_COOKIE for REPLICA_PIN_SECONDS, and requests carrying it read the primary (an editor who
  logs out and opens the public page at once sees the change just made). Threat line: anyone
  can send the cookie or an Authorization header; it only sends their reads to the primary —
  the load every request had before replicas, still under the same throttles.
- Outside requests (management commands, shells, migrations, tests without a request) every
  query goes to the primary; `allow_migrate` allows only the primary.

If the primary stops, anonymous reads keep working from the standby; writes fail with the 503
page of core.middleware.DatabaseUnavailableMiddleware, and the throttles fall back to
per-worker counters (security.throttling).
"""
import random
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

# The standby this request reads, or None: the primary.
_read_alias: ContextVar[str | None] = ContextVar("replica_read_alias", default=None)

PIN_COOKIE = "vraem_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Written while answering reads, or read to decide a write: always on the primary.
PRIMARY_APPS = frozenset({"sessions", "django_cache", "security", "authtoken"})


def read_alias(model=None) -> str:
    """The alias this request's reads of `model` (None: raw SQL) use."""
    alias = _read_alias.get()
    if alias is None:
        return DEFAULT_DB_ALIAS
    if model is not None and model._meta.app_label in PRIMARY_APPS:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return alias


def read_connection():
    """The connection for a read-only raw SQL query (what the ORM's router would pick)."""
    return connections[read_alias()]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias(model)

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _has_credentials(request) -> bool:
    if "HTTP_AUTHORIZATION" in request.META or PIN_COOKIE in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    try:
        return user is not None and user.is_authenticated
    except DatabaseError:  # the session is on the primary, which is down: nobody is logged in
        return False


def _answering_standby() -> str | None:
    """A standby that accepts a connection (random order), or None."""
    for alias in random.sample(settings.DATABASE_REPLICAS, len(settings.DATABASE_REPLICAS)):
        try:
            connections[alias].ensure_connection()
        except DatabaseError:
            continue
        return alias
    return None


class ReplicaReadsMiddleware:
    """Sets the request's read alias (after AuthenticationMiddleware) and the pin cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        alias = None
        if (settings.DATABASE_REPLICAS and request.method in SAFE_METHODS
                and not connections[DEFAULT_DB_ALIAS].in_atomic_block  # (tests: the `db` fixture's)
                and not _has_credentials(request)):
            alias = _answering_standby()
        _read_alias.set(alias)  # streamed responses still read it; request_finished resets it
        request.read_alias = alias or DEFAULT_DB_ALIAS
        response = self.get_response(request)
        if settings.DATABASE_REPLICAS and request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(
                PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS, httponly=True,
                secure=settings.SESSION_COOKIE_SECURE, samesite="Lax",
            )
        return response


def _reset(**kwargs):
    _read_alias.set(None)


request_finished.connect(_reset, dispatch_uid="core.replicas.reset")
