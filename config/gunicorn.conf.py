"""gunicorn's settings for `make serve`, `make loadtest` and `make bench`'s explorer figure
(`gunicorn -c config/gunicorn.conf.py config.wsgi`).

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

# Read by config/settings.py in each worker (loaded after the fork: no preload).
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))
workers = int(os.environ.get("WORKERS", "3"))
threads = int(os.environ.get("THREADS", "4"))
worker_class = "gthread"
