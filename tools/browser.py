"""A live server on the current database and Debian's Chromium driven by Playwright: the one
start-up shared by the browser tests (tests/browser/conftest.py) and `make bench`.

Never a downloaded browser: /usr/bin/chromium from Debian, headless, with the flags that keep
it off the network (a closed network otherwise refuses its background connections).
"""
import os
from contextlib import contextmanager
from typing import Iterator

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def live_server() -> Iterator[str]:
    """Django's live-server thread (static files through the finders, as `make run` serves
    them), with its own database connection; yields its base URL."""
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()


@contextmanager
def chromium():
    """Headless Chromium. Playwright's sync API keeps an event loop in this thread, and Django
    then refuses the (synchronous, never concurrent) database calls made here meanwhile:
    DJANGO_ALLOW_ASYNC_UNSAFE lifts that for the browser's lifetime only."""
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
                # Connections opened while the loop ran live in their own context.
                connections.close_all()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before
