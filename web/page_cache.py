"""Whole public map pages from a cache shared by every worker (issue #18, target 1).

A map page (explorer, embed, region, incident, advisories) is shaped only by public data:
published incidents and what they show (actors, sources, bulletins, datasets), areas, advisory
zones and district indicators. Every write to those moves `published_version` (the triggers of
incidents/sql/bump_data_version.sql and page_data_version.sql), and nothing else does. So for an
anonymous GET the rendered page is kept under a key made of:

- the published data version, today's date (advisories in force change at midnight) and the
  database's name (a test database never reads a development server's pages);
- the host, scheme and path (the language prefix /es/, /en/ included) and the view's arguments;
- the active language (`get_language()`);
- the normalised query string: only the parameters the view declares that it reads on the
  server (sorted, every value of a repeated one, at most QUERY_VALUE_CHARS each). The map pages'
  filters are read by explorer.js in the browser; only the explorer declares its filters, because
  its head links the Atom feed of them. `?x=<random>` shares the entry of the bare page.

What is never stored: pages for signed-in users (editors see drafts), other methods than GET,
answers other than 200, streaming answers, and a response that would set a cookie (the session
changed, or a CSRF token was put in the page: `CSRF_COOKIE_NEEDS_UPDATE`), since another reader
would then get someone else's token.

The CSP nonce (core.middleware.ContentSecurityPolicyMiddleware) is new for every response. A
page is stored with the nonce it was rendered with, and on a hit every occurrence of that
stored nonce is replaced by the current request's; the middleware then writes the current nonce
into the Content-Security-Policy header. The stored nonce is 128 random bits chosen after the
data was written, so no incident text can contain it by design or by chance.

Threat line: anyone can send the path and query string. Unknown parameters never reach the key;
paths of unknown incidents/regions answer 404 and are not stored; so a flood of distinct URLs
adds no entries beyond one per published incident, area and fixed page per language and data
version, and PAGE_CACHE_MAX_ENTRIES caps the store (the backend culls beyond it). `X-Page-Cache`
(hit/miss) tells a reader only what the response time would tell them.
"""
import hashlib
from datetime import date
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.utils.translation import get_language

from .map_cache import published_version

QUERY_VALUE_CHARS = 200
QUERY_MAX_VALUES = 20  # as FILTER_MAX_VALUES: more is a 400 from the API anyway
HEADER = "X-Page-Cache"


def page_cache():
    return caches[settings.PAGE_CACHE]


def normalised_query(request, names: tuple[str, ...]) -> str:
    """The declared parameters' values (every value of a repeated one, sorted, at most
    QUERY_MAX_VALUES), sorted by name, each cut to QUERY_VALUE_CHARS; every other parameter is
    left out."""
    parts = []
    for name in sorted(set(names)):
        values = sorted({v.strip()[:QUERY_VALUE_CHARS] for v in request.GET.getlist(name) if v.strip()})
        parts += [f"{name}={value}" for value in values[:QUERY_MAX_VALUES]]
    return "&".join(parts)


def page_key(request, kwargs: dict, query: tuple[str, ...] = ()) -> str:
    text = "|".join([
        connection.settings_dict["NAME"],
        str(published_version()),
        date.today().isoformat(),
        request.scheme,
        request.get_host(),
        request.path,
        repr(sorted(kwargs.items())),
        get_language() or "",
        normalised_query(request, query),
    ])
    return "page:" + hashlib.sha256(text.encode()).hexdigest()


def storable(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and hasattr(request, "csp_nonce")
    )


def cached_page(query: tuple[str, ...] = ()):
    """Serve the view's page from the page cache for anonymous GETs (see the module's doc);
    `query`: the query parameters the view reads on the server."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if (not settings.PAGE_CACHE_ENABLED or request.method != "GET"
                    or request.user.is_authenticated or args):
                return view(request, *args, **kwargs)
            cache = page_cache()
            key = page_key(request, kwargs, query)
            entry = cache.get(key)
            if entry is not None:
                content = entry["content"]
                if entry["nonce"]:
                    content = content.replace(entry["nonce"].encode(), request.csp_nonce.encode())
                response = HttpResponse(content, content_type=entry["content_type"])
                response[HEADER] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if storable(request, response):
                cache.set(key, {
                    "content": response.content,
                    "content_type": response["Content-Type"],
                    "nonce": request.csp_nonce,
                }, settings.PAGE_CACHE_SECONDS)
                response[HEADER] = "miss"
            return response

        return wrapped

    return decorator
