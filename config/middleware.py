"""Site-wide response headers and failure pages."""
from urllib.parse import urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.http import HttpResponse


def content_security_policy() -> str:
    """Every script and stylesheet comes from this site; only basemap tiles (images) may come
    from the tile server. folium writes each map as an inline script, hence 'unsafe-inline'."""
    tiles = urlsplit(settings.MAP_TILES_URL)
    tile_origin = f" {tiles.scheme}://{tiles.netloc}" if tiles.netloc else ""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob:{tile_origin}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
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
