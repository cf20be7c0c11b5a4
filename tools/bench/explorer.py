"""(d) The explorer page in headless Chromium (Debian's, never a downloaded one) with a filter
that 100,000 incidents match: time from navigation until the incidents of the first view are
drawn (the map's data-incidents-drawn attribute), and the bytes transferred for that view.

Ours: the app as `make serve` runs it (gunicorn with config/setup/gunicorn.conf.py, DEBUG off, collected static files served
compressed by whitenoise, map pages from the page cache, which the unmeasured first run fills).
Baseline, in the same run: Django's live-server thread on the same database, static files
through the finders (uncompressed, as `make run` serves them), as this figure was measured
before issue #18."""
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
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


def _drawn(results: list) -> float:
    return sorted(r[0] for r in results)[len(results) // 2]


def _bytes(results: list) -> tuple[int, int, dict]:
    by_kind = results[-1][1]
    return sum(by_kind.values()), by_kind.get("api", 0) + by_kind.get("tiles", 0), by_kind


def _rows(label: str, matching: int, results: list, baseline: list, runs: int) -> list[Row]:
    drawn, dev_drawn = _drawn(results), _drawn(baseline)
    total, data, by_kind = _bytes(results)
    dev_total = _bytes(baseline)[0]
    summary = results[-1][2]
    row = Row("d", f"explorer under gunicorn + whitenoise, {label} matching {matching:,} incidents: markers drawn",
              f"{ms(drawn)} (median of {runs})", f"development server: {ms(dev_drawn)}",
              f"{dev_drawn / drawn:.2f}x", "<= 1.5 s", drawn <= 1.5)
    size_row = Row("d", f"bytes transferred for that first view ({label})",
                   f"{total / 1e6:.2f} MB in all; data {data / 1e3:.0f} kB "
                   f"(tiles {by_kind.get('tiles', 0) / 1e3:.0f} kB, API {by_kind.get('api', 0) / 1e3:.0f} kB)",
                   f"development server: {dev_total / 1e6:.2f} MB", "", "<= 1 MB", total <= 1e6)
    size_row.notes.append(
        f"{label}: static files {by_kind.get('static', 0) / 1e3:.0f} kB as transferred (whitenoise: compressed), "
        f"page {by_kind.get('page', 0) / 1e3:.0f} kB; mode {summary['mode']}, {summary['shapes']} shapes "
        f"drawn; slowest requests: {summary['slowest']}; development server's slowest: {baseline[-1][2]['slowest']}")
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
    ours, dev = {}, {}
    with chromium() as browser:
        with gunicorn_server() as base:
            for label, matching, query in scenarios:
                ours[label] = _measure(browser, base, query, runs)
        with live_server() as base:
            for label, matching, query in scenarios:
                dev[label] = _measure(browser, base, query, runs)
    rows = []
    for label, matching, query in scenarios:
        rows += _rows(label, matching, ours[label], dev[label], runs)
    return rows, {}


@contextmanager
def gunicorn_server(workers: int = 3):
    """`make serve`'s server on the benchmark database (its environment: DATABASE_URL), on a
    free port, with an empty page cache of its own; yields its base URL."""
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_HTTPS": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
           # One browser asks for a page, its API calls and a dozen tiles per view, several runs.
           "API_ANON_RATE": "1000000/minute", "API_TILE_RATE": "1000000/minute",
           "API_PAGE_RATE": "1000000/minute", "API_TILE_BUILD_RATE": "1000000/minute"}
    base_dir = Path(settings.BASE_DIR)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                   cwd=base_dir, env=env, check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="vraem-bench-pages-") as page_cache:
        env["PAGE_CACHE_DIR"] = page_cache
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/setup/gunicorn.conf.py", "config.wsgi"],
            cwd=base_dir, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WORKERS": str(workers)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=5)
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                raise RuntimeError("gunicorn did not answer /healthz")
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)
