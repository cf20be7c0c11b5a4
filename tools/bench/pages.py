"""(f) Whole map pages from the page cache (web/page_cache.py, issue #18 target 1): an anonymous
GET served from the cache (file cache, the default; and the database cache) against the same
page rendered (PAGE_CACHE_ENABLED off: what every request cost before), through Django's whole
request stack in this process."""
from unittest import mock

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from . import Row, ms, p50, p95, timed

REPEAT = 20


def _pages() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM incidents_incident WHERE status = 'published' ORDER BY id LIMIT 1")
        incident = cursor.fetchone()[0]
    return {
        "explorer": reverse("map"), "embed": reverse("embed"), "advisories": reverse("advisories"),
        "department": reverse("region", args=["12"]), "district": reverse("region", args=["120606"]),
        "incident": reverse("incident", args=[incident]),
    }


def _times(client: Client, url: str) -> list[float]:
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return timed(get, REPEAT)


def run() -> tuple[list[Row], dict]:
    # Pages are throttled like the API; the benchmark measures the pages, not the refusals.
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "pages": "1000000/minute"}
    client = Client(HTTP_HOST="localhost")
    pages = _pages()
    hit, rendered, from_db, sizes = {}, {}, {}, {}
    table = "vraem_page_cache"
    creator = CreateCacheTable()
    creator.verbosity = 0
    creator.create_table("default", table, dry_run=False)  # kept if there
    database_cache = DatabaseCache(table, {"OPTIONS": {"MAX_ENTRIES": 5000}})
    with mock.patch("web.throttle.PageRateThrottle.THROTTLE_RATES", rates):
        caches[settings.PAGE_CACHE].clear()
        for name, url in pages.items():
            hit[name] = _times(client, url)  # the warm-up call fills the cache
            sizes[name] = len(client.get(url).content)
            assert client.get(url)["X-Page-Cache"] == "hit"
        with mock.patch("web.page_cache.page_cache", lambda: database_cache):
            database_cache.clear()
            for name, url in pages.items():
                from_db[name] = _times(client, url)
        with override_settings(PAGE_CACHE_ENABLED=False):
            for name, url in pages.items():
                rendered[name] = _times(client, url)
    every = lambda d: [t for times in d.values() for t in times]  # noqa: E731
    ours, base, db = every(hit), every(rendered), every(from_db)
    rows = [
        Row("f", f"map page from the page cache (file), {len(pages)} pages x {REPEAT}",
            f"p50 {ms(p50(ours))}, p95 {ms(p95(ours))}",
            f"rendered (cache off): p50 {ms(p50(base))}, p95 {ms(p95(base))}",
            f"{p50(base) / p50(ours):.1f}x", "p50 <= 20 ms", p50(ours) <= 0.020),
        Row("f", "the same pages from the database cache",
            f"p50 {ms(p50(db))}, p95 {ms(p95(db))}", f"file cache: p50 {ms(p50(ours))}",
            f"{p50(ours) / p50(db):.2f}x", "", None),
    ]
    rows[0].notes.append("by page (hit / database hit / rendered, p50; size): " + "; ".join(
        f"{name} {ms(p50(hit[name]))} / {ms(p50(from_db[name]))} / {ms(p50(rendered[name]))}; "
        f"{sizes[name] / 1e3:.0f} kB" for name in pages))
    return rows, {}
