"""Several app servers behind nginx, sharing one PostgreSQL: a session opened on one works on
the other, and a lockout earned on one holds on the other — nothing that must be shared
lives in one server's memory.

Two gunicorn servers (one worker each) run on the test database with nginx in front of
them (scripts/loadtest.py's configuration: one upstream, round robin). They run with debug
on only so that no collectstatic is needed; sessions, sign-in failures and the cache do not
depend on it. `scripts/loadtest.py --instances 2` measures the production set-up itself.
"""

import http.client
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WRONG = "not-the-password"

_spec = importlib.util.spec_from_file_location("loadtest", ROOT / "scripts" / "loadtest.py")
loadtest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(loadtest)


def test_nothing_that_must_be_shared_lives_in_one_process():
    from axes.handlers.database import AxesDatabaseHandler
    from django.utils.module_loading import import_string

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert issubclass(import_string(settings.AXES_HANDLER), AxesDatabaseHandler)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Browser:
    """One cookie jar, requests to any of the servers."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        headers = {"Host": f"{HOST}:{port}", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            client.request(method, path, body=body, headers=headers)
            response = client.getresponse()
            content = response.read().decode()
        finally:
            client.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        return response.status, content

    def sign_in(self, port: int, username: str, password: str) -> int:
        _, page = self.request(port, "GET", "/accounts/login/")
        token = CSRF_INPUT.search(page).group(1)
        status, _ = self.request(
            port,
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        return status


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{s['USER'] or 'postgres'}{password}@{s['HOST'] or 'localhost'}{port}/{s['NAME']}"


def _wait(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}: {log.read_text(errors='replace')}")


@pytest.fixture
def servers(tmp_path):
    """Two gunicorn servers on the test database and nginx in front: (a, b, nginx) ports."""
    if connection.vendor != "postgresql":
        pytest.skip("several app servers share one PostgreSQL database")
    if not Path(loadtest.NGINX).exists():
        pytest.fail("nginx is missing: install Debian's nginx-light (scripts/test.sh does)")
    os.chmod(tmp_path, 0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VERTEBRO_"))}
    env.update(
        DATABASE_URL=_database_url(),
        DJANGO_SECRET_KEY=loadtest.SECRET_KEY,
        VERTEBRO_RECORD_KEY=loadtest.RECORD_KEY,
        VERTEBRO_PROXY_COUNT="1",
        VERTEBRO_SECURITY_LOG=str(tmp_path / "security.log"),
    )
    processes = []
    ports = []
    try:
        for number in (1, 2):
            port = _free_port()
            log = tmp_path / f"server-{number}.log"
            process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "vertebro_site.wsgi:application",
                    *("--bind", f"{HOST}:{port}", "--workers", "1", "--no-control-socket"),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(log, "wb"),  # noqa: SIM115
                start_new_session=True,
            )
            processes.append(process)
            _wait(port, process, log)
            ports.append(port)
        proxy_port = _free_port()
        config = tmp_path / "nginx.conf"
        config.write_text(loadtest.nginx_config(ports, proxy_port, tmp_path))
        nginx = subprocess.Popen(
            [loadtest.NGINX, "-c", str(config), "-p", str(tmp_path), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "nginx.log", "wb"),  # noqa: SIM115
            start_new_session=True,
        )
        processes.append(nginx)
        _wait(proxy_port, nginx, tmp_path / "nginx.log")
        yield (*ports, proxy_port)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(tmp_path / "nginx-body", ignore_errors=True)


@pytest.fixture
def clinicians(alice, bob):
    """alice and bob with a password the servers can check (PBKDF2, few iterations)."""
    for user in (alice, bob):
        user.password = PBKDF2PasswordHasher().encode(PASSWORD, "servers-salt", iterations=1000)
        user.save(update_fields=["password"])
    return alice, bob


@pytest.mark.django_db(transaction=True)
def test_sessions_and_lockouts_hold_across_two_servers_behind_nginx(servers, clinicians):
    a, b, proxy = servers

    # A session opened on server A is the same session on server B and through nginx.
    browser = Browser()
    assert browser.sign_in(a, "bob", PASSWORD) == 302
    status, page = browser.request(b, "GET", "/")
    assert status == 200
    assert "My assessments" in page
    for _ in range(4):  # round robin: both servers answer in turn
        assert browser.request(proxy, "GET", "/")[0] == 200

    # Five wrong passwords on server A lock the user name (from that address) on server B too.
    attacker = Browser()
    statuses = [attacker.sign_in(a, "alice", WRONG) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429
    assert Browser().sign_in(b, "alice", PASSWORD) == 429
    assert Browser().sign_in(proxy, "alice", PASSWORD) == 429
