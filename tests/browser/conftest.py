"""Playwright (sync API) driving Debian's Chromium against Django's live server."""

import os
from pathlib import Path

import pytest

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
