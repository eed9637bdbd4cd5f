"""Playwright (sync API) driving Debian's Chromium against Django's live server."""

import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

# The live server runs in a thread while Playwright's sync API holds an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class OneRequestAtATimeWSGIServer(ThreadedWSGIServer):
    """The live server for an in-memory SQLite test database, whose one connection every
    request thread shares: a thread per browser connection (keep-alive), but one request
    handled at a time, its response read in full before the next starts. Two requests
    querying the shared connection at once (a page and a session lookup) can deadlock."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    body = b"".join(response)
                finally:
                    response.close()
            return [body]

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session", autouse=True)
def _live_server_for_the_test_database(django_db_setup, django_db_blocker):
    """Serialize the live server's requests when the test database is in-memory SQLite."""
    with django_db_blocker.unblock():
        shared = any(
            conn.vendor == "sqlite" and conn.is_in_memory_db() for conn in connections.all()
        )
    if not shared:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", OneRequestAtATimeWSGIServer)
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A tablet in landscape: the narrowest layout the issue asks to work.
    return {**browser_context_args, "viewport": {"width": 768, "height": 1024}}


def watch_console(page) -> list[str]:
    """Collect console errors (CSP violations included) and uncaught exceptions of `page`."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


@pytest.fixture
def console_errors(page):
    errors = watch_console(page)
    yield errors
    assert errors == [], f"console errors: {errors}"


@pytest.fixture
def screenshot(request):
    """screenshot(page, name): a full-page PNG in test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = request.node.name.removeprefix("test_")

    def take(page, name: str) -> None:
        page.screenshot(path=SCREENSHOTS / f"{test_name}--{name}.png", full_page=True)

    return take
