"""gunicorn's settings for `make serve`, `make loadtest` and `make bench`'s explorer figure
(`gunicorn -c config/setup/gunicorn.conf.py config.wsgi`).

Threaded workers (gthread): a browser opens six connections at once for a page's static files,
API calls and tiles; with sync workers each of them waits for a whole worker, so a static file
queued behind a tile being built took ~0.8 s (`make bench` figure d, docs/performance.md). A
worker's threads wait for PostgreSQL and the disk in parallel; Python's own work still runs
one thread at a time per worker, so WORKERS stays about one or two per core.

WORKERS (default 3) and THREADS (default 4) come from the environment; each thread holds its
own database connection (WORKERS x THREADS connections), kept open between requests for
DATABASE_CONN_MAX_AGE seconds (default here 60; config/settings.py checks a kept connection
before each request, so a restarted PostgreSQL costs one reconnect, not an error).
"""
import os

# Read by config/settings.py when the app is loaded (below: once, in the master).
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))
workers = int(os.environ.get("WORKERS", "3"))
threads = int(os.environ.get("THREADS", "4"))
worker_class = "gthread"
# The app (Django, its URLconf, folium, GDAL bindings) is imported once in the master and the
# workers fork from it: a fresh worker's first request no longer pays ~0.5 s of imports. No
# database connection is opened while loading (the first query opens one, in each thread).
preload_app = True


def when_ready(server):
    """In the master, after the app is loaded and before the workers fork: import what Django
    otherwise imports on each worker's first request (the URLconf and every view behind it,
    ~0.8 s here) and load both languages' catalogues, so no visitor waits for it."""
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns
    for language in ("es", "en"):
        with translation.override(language):
            translation.gettext(language)  # (any text loads the catalogues; a variable, not a message)
    connections.close_all()  # should an import have queried: no socket is shared with the workers
