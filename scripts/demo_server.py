"""A throwaway Vertebro with the demo data, for screenshots and Lighthouse measurements.

`demo_server(production=...)` migrates a fresh SQLite database in a temporary folder, runs
`seed_demo`, starts the development server (or the production server of `make serve`) on a
free port of 127.0.0.1 and yields its address; everything is removed afterwards.
`sign_in(context, url, username)` signs a Playwright browser context in with the form.
"""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
DEMO_PASSWORD = "vertebro-demo-2026"
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode})")
        try:
            urllib.request.urlopen(url + "accounts/login/", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer on {url} within {seconds} s")


@contextlib.contextmanager
def demo_server(*, production: bool = False):
    with tempfile.TemporaryDirectory(prefix="vertebro-demo-") as folder:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "VERTEBRO_SECURITY_LOG": f"{folder}/security.log",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        run = {"cwd": ROOT, "env": env, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([PY, "manage.py", "migrate", "--noinput"], **run)
        # The database cache (the audit's figures, the rate limits) has its own table.
        subprocess.run([PY, "manage.py", "createcachetable"], **run)
        subprocess.run([PY, "manage.py", "seed_demo"], **run)
        if production:
            env.update(
                DJANGO_DEBUG="0",
                DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                VERTEBRO_RECORD_KEY=secrets.token_urlsafe(50),
                DJANGO_SECURE_SSL_REDIRECT="0",
                HOST="127.0.0.1",
                PORT=str(port),
                VERTEBRO_WORKERS="2",
                VERTEBRO_ACCESS_LOG=f"{folder}/access.log",
            )
            command = ["bash", "scripts/serve.sh"]
        else:
            command = [PY, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            _wait_until_up(url, server)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


def sign_in(context, url: str, username: str) -> None:
    page = context.new_page()
    page.goto(url + "accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    if "/accounts/login/" in page.url:
        sys.exit(f"could not sign in as {username}")
    page.close()
