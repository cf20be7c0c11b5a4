"""Request rates for the site's HTML pages, which are plain Django views, not DRF's.

The folium pages cost tens of milliseconds of CPU each even when their map comes from the cache
(web.map_cache), and an uncached one several times that, so a stranger could keep a
worker busy by asking for them in a loop. `throttled_page` applies DRF's own throttle machinery
(the rate of `scope` in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) through the app's throttle
classes (security.throttling: the client address of security.client, counters shared by all
workers), so pages and the API count clients one way.
"""
from functools import wraps
from math import ceil
from types import SimpleNamespace

from django.http import HttpResponse
from security.throttling import ScopedRateThrottle


def too_many_requests(wait: float | None) -> HttpResponse:
    seconds = max(1, ceil(wait or 1))
    return HttpResponse(
        f"Too many requests; try again in {seconds} s.", status=429,
        content_type="text/plain; charset=utf-8", headers={"Retry-After": str(seconds)},
    )


class PageRateThrottle(ScopedRateThrottle):
    """ScopedRateThrottle for pages (its own class, so its rates can be told apart)."""


def throttled_page(scope: str = "pages"):
    """Refuse a request over the `scope` rate with 429 and Retry-After. Logged-in users are
    counted by account, everyone else by client address (ScopedRateThrottle's rule)."""

    def decorator(view):
        holder = SimpleNamespace(throttle_scope=scope)  # what ScopedRateThrottle reads of a view

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            throttle = PageRateThrottle()
            if not throttle.allow_request(request, holder):
                return too_many_requests(throttle.wait())
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
