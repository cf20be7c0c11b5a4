"""(d) The explorer page in headless Chromium (Debian's, never a downloaded one) with a filter
that 100,000 incidents match: time from navigation until the incidents of the first view are
drawn (the map's data-incidents-drawn attribute), and the bytes transferred for that view.

The app is served by Django's live-server thread on the benchmark database, static files
through the finders (uncompressed, as `make run` serves them)."""
import time
from urllib.parse import urlencode, urlsplit

from django.db import connection

from ..browser import chromium, live_server
from . import Row, ms

MATCHING = 100_000


def _date_from() -> str:
    """The date from which the newest 100,000 synthetic incidents start."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT occurred_on FROM incidents_incident WHERE is_synthetic AND status = 'published' "
            "ORDER BY occurred_on DESC OFFSET %s LIMIT 1", [MATCHING - 1])
        return cursor.fetchone()[0].isoformat()


def _kind(url: str) -> str:
    path = urlsplit(url).path
    if path.startswith("/tiles/"):
        return "tiles"
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/static/"):
        return "static"
    return "page"


def _matching(where: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_incident WHERE is_synthetic AND status = 'published' "
                       + where, params)
        return cursor.fetchone()[0]


def _measure(browser, base: str, query: str, runs: int) -> list:
    from playwright.sync_api import expect

    results = []
    for run_number in range(runs + 1):  # the first run warms the server; not counted
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.route("**/*", lambda route: route.abort() if urlsplit(route.request.url).hostname
                   not in ("127.0.0.1", "localhost") else route.continue_())
        transferred, summary, slowest = {}, {}, []

        def finished(request, transferred=transferred, slowest=slowest):
            kind = _kind(request.url)
            transferred[kind] = transferred.get(kind, 0) + request.sizes()["responseBodySize"]
            timing = request.timing
            slowest.append((timing["responseEnd"] - timing["requestStart"], urlsplit(request.url).path))

        page.on("requestfinished", finished)
        start = time.perf_counter()
        page.goto(f"{base}/?{query}")
        expect(page.locator(".folium-map")).to_have_attribute("data-incidents-drawn", "tiles", timeout=60_000)
        drawn = time.perf_counter() - start
        page.wait_for_load_state("networkidle")
        summary["mode"] = page.locator(".folium-map").get_attribute("data-incidents-mode")
        summary["shapes"] = page.locator("path.tile-cluster, path.tile-incident").count()
        summary["slowest"] = ", ".join(f"{path} {t:.0f} ms" for t, path in sorted(slowest)[-3:])
        if run_number:
            results.append((drawn, dict(transferred), summary))
        context.close()
    return results


def _rows(label: str, matching: int, results: list, runs: int) -> list[Row]:
    drawn = sorted(r[0] for r in results)[len(results) // 2]
    bytes_by_kind, summary = results[-1][1], results[-1][2]
    total = sum(bytes_by_kind.values())
    data = bytes_by_kind.get("api", 0) + bytes_by_kind.get("tiles", 0)
    row = Row("d", f"explorer, {label} matching {matching:,} incidents: markers drawn",
              f"{ms(drawn)} (median of {runs})", "", "", "<= 2 s", drawn <= 2.0)
    size_row = Row("d", f"bytes transferred for that first view ({label})",
                   f"{total / 1e6:.2f} MB in all; data {data / 1e3:.0f} kB "
                   f"(tiles {bytes_by_kind.get('tiles', 0) / 1e3:.0f} kB, API {bytes_by_kind.get('api', 0) / 1e3:.0f} kB)",
                   "", "", "<= 1 MB", total <= 1e6)
    size_row.notes.append(
        f"{label}: static files {bytes_by_kind.get('static', 0) / 1e3:.0f} kB uncompressed, page "
        f"{bytes_by_kind.get('page', 0) / 1e3:.0f} kB; mode {summary['mode']}, {summary['shapes']} shapes "
        f"drawn; slowest requests: {summary['slowest']}")
    return [row, size_row]


def run(runs: int = 3) -> tuple[list[Row], dict]:
    date_from = _date_from()
    # An event type whose synthetic count is nearest 100,000 (pre-counted tiles answer it).
    with connection.cursor() as cursor:
        cursor.execute("SELECT event_type, count(*) FROM incidents_incident WHERE is_synthetic AND "
                       "status = 'published' GROUP BY 1 ORDER BY abs(count(*) - %s) LIMIT 1", [MATCHING])
        event_type, by_type = cursor.fetchone()
    scenarios = [
        ("the newest incidents (date filter)", _matching("AND occurred_on >= %s", [date_from]),
         urlencode({"synthetic": "only", "period": "custom", "date_from": date_from})),
        (f"event type {event_type}", by_type, urlencode({"synthetic": "only", "event_type": event_type})),
    ]
    rows = []
    with live_server() as base, chromium() as browser:
        for label, matching, query in scenarios:
            rows += _rows(label, matching, _measure(browser, base, query, runs), runs)
    return rows, {}
