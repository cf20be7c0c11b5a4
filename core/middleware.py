"""Site-wide response headers, request ids and access logs, and failure pages."""
import logging
import secrets
from functools import wraps
from time import perf_counter
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.http import HttpResponse
from django.views.decorators.clickjacking import xframe_options_exempt

from core.logs import request_id_from, request_id_var
from security.client import client_ip

access_log = logging.getLogger("vraem.access")


class RequestIdMiddleware:
    """Outermost: gives the request an id (the client's sane X-Request-ID, else a new one),
    tags every log record of the request with it, returns it as X-Request-ID and writes one
    access line per request (method, path, status, duration, user id, client address as
    security.client.client_ip decides it: the socket's, or the trusted proxies')."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id_from(request.headers.get("X-Request-ID"))
        # Stays set until request_finished (core.logs): Django logs 4xx/5xx after the
        # middleware has returned, and those records belong to the request too.
        request_id_var.set(request.id)
        started = perf_counter()
        response = self.get_response(request)
        duration_ms = (perf_counter() - started) * 1000
        response["X-Request-ID"] = request.id
        access_log.info(
            "%s %s %s %.1f ms", request.method, request.path, response.status_code, duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(duration_ms, 1),
                "user_id": _user_id(request),
                "client_ip": client_ip(request),
            },
        )
        return response


def _user_id(request):
    """The authenticated user's id, or None. Loading the user costs a query only for requests
    with a session cookie that nothing else loaded it for; a database outage is not an error
    here (the 503 page was already answered)."""
    user = getattr(request, "user", None)
    try:
        return user.pk if user is not None and user.is_authenticated else None
    except DatabaseError:
        return None


def embeddable(view):
    """Lets other sites show this view in a frame: no X-Frame-Options, and CSP frame-ancestors
    from EMBED_FRAME_ANCESTORS instead of 'none'. Every other response keeps DENY/'none'."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.embeddable = True
        return response

    return xframe_options_exempt(wrapped)


def content_security_policy(nonce: str, frame_ancestors: str = "'none'") -> str:
    """Every script and stylesheet comes from this site; only basemap tiles (images) may come
    from the tile server. Inline scripts run only with this response's nonce (folium's map
    script, django-leaflet's admin widget, ReDoc's init), so markup injected into a page cannot
    run script even if some escaping failed. style-src keeps 'unsafe-inline': folium, Leaflet and
    the admin set style attributes and <style> blocks (out of scope of issue #12)."""
    tiles = urlsplit(settings.MAP_TILES_URL)
    tile_origin = f" {tiles.scheme}://{tiles.netloc}" if tiles.netloc else ""
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob:{tile_origin}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


class ContentSecurityPolicyMiddleware:
    """Gives each request a fresh nonce (`request.csp_nonce`, the name django-csp uses and
    django-leaflet's admin widget reads; templates write `nonce="{{ request.csp_nonce }}"`) and
    each response the policy with it. Hand-written rather than django-csp: the policy is one
    function, and /embed/'s frame-ancestors is one response attribute (`embeddable`).

    A page served again from a cache would carry a stale nonce and its scripts would be
    refused: web/page_cache.py stores a page with the nonce it was rendered with and replaces
    it by the current request's on every hit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)  # 128 bits, new for every response
        response = self.get_response(request)
        embeddable = getattr(response, "embeddable", False)
        frame_ancestors = settings.EMBED_FRAME_ANCESTORS if embeddable else "'none'"
        response.setdefault("Content-Security-Policy", content_security_policy(request.csp_nonce, frame_ancestors))
        return response


class DatabaseUnavailableMiddleware:
    """While the database is unreachable, answer 503 with a page instead of a traceback;
    requests succeed again as soon as it is back (Django reconnects per request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            response = HttpResponse(render_to_string("503.html"), status=503)
            response["Retry-After"] = "30"
            return response
        return None
