"""Anonymous API answers from a cache shared by every worker (issue #18, target 1).

A view's GET answers to anonymous clients are shaped by public data only, and the view names
the version number that moves whenever that data changes: `incidents.tiles.data_version(
published_only=True)` for the incident pages and stats (the triggers of
incidents/sql/bump_data_version.sql and page_data_version.sql), `regions.selectors.
regions_version` for the advisory zones. So an anonymous GET is kept under a key made of:

- the database's name, that version (a write that anyone could see retires every entry at
  once) and today's date (the zones in force, a default `on`, change at midnight);
- the scheme, host and path (the `next`/`previous` links are absolute URLs);
- the language and the media type the client negotiated;
- the whole query string, normalised: every parameter, known or not (the links repeat them),
  sorted by name, the values of a repeated one in their order.

What is never stored: answers for signed-in users or API tokens (drafts), other methods than
GET, other answers than 200, downloads (`format=csv|geojson|gpkg|kml`: streamed, counted by
their own rate), streaming answers, and answers larger than API_CACHE_MAX_KB (a 5,000-feature
page is several MB: reading it back would cost about what the query does, and a few of them
would fill the store).

Threat line: anyone can send any query string. A hit answers what the same request would have
computed; the throttles run before (a hit counts as a request). Each distinct query costs one
full request the first time (throttled like any), and the store is capped
(PAGE_CACHE_MAX_ENTRIES, culled by the backend) and apart from the pages' store, so a flood of
distinct queries evicts API answers, never the map pages.
"""
import hashlib
from collections.abc import Callable
from datetime import date
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.utils.translation import get_language
from rest_framework.response import Response

HEADER = "X-API-Cache"
DOWNLOAD_FORMATS = ("geojson", "csv", "gpkg", "kml")


def answer_cache():
    return caches[settings.API_CACHE]


def normalised_query(request) -> str:
    """Every parameter (sorted by name; a repeated one's values in their order)."""
    query = request.GET
    return "&".join(f"{name}={value}" for name in sorted(query) for value in query.getlist(name))


def answer_key(request, version: int) -> str:
    text = "|".join([
        connection.settings_dict["NAME"],
        str(version),
        date.today().isoformat(),
        request.scheme,
        request.get_host(),
        request.path,
        get_language() or "",
        getattr(request, "accepted_media_type", "") or "",
        normalised_query(request),
    ])
    return "api:" + hashlib.sha256(text.encode()).hexdigest()


def cacheable(request) -> bool:
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method == "GET"
        and not request.user.is_authenticated
        and "HTTP_AUTHORIZATION" not in request.META
        and not set(request.GET.getlist("format")) & set(DOWNLOAD_FORMATS)
    )


def cached_answer(version: Callable[[], int]):
    """Serve a DRF view's GET handler from the answer cache for anonymous clients (see the
    module's doc); `version()`: the number that moves with every change of what the answers
    show. Runs inside the view's dispatch: authentication, permissions and throttles have run."""

    def decorator(handler):
        @wraps(handler)
        def wrapped(view, request, *args, **kwargs):
            if not cacheable(request):
                return handler(view, request, *args, **kwargs)
            cache = answer_cache()
            key = answer_key(request, version())
            entry = cache.get(key)
            if entry is not None:
                response = HttpResponse(entry["content"], content_type=entry["content_type"])
                response[HEADER] = "hit"
                return response
            response = handler(view, request, *args, **kwargs)
            if isinstance(response, Response):  # rendered now to be stored (dispatch keeps it so)
                response = view.finalize_response(request, response, *args, **kwargs)
                response.render()
            if (response.status_code == 200 and not response.streaming and not response.cookies
                    and len(response.content) <= settings.API_CACHE_MAX_KB * 1024):
                cache.set(key, {"content": response.content, "content_type": response["Content-Type"]},
                          settings.PAGE_CACHE_SECONDS)
                response[HEADER] = "miss"
            return response

        return wrapped

    return decorator
