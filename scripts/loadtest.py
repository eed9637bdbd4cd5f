#!/usr/bin/env python
"""Bounded load test: signed-in clinicians walking the questionnaire against gunicorn.

    .venv/bin/python scripts/loadtest.py                      # SQLite, 60 s, 2 workers
    .venv/bin/python scripts/loadtest.py --database postgres  # a throwaway PostgreSQL cluster
    .venv/bin/python scripts/loadtest.py --duration 5 --users 4
    .venv/bin/python scripts/loadtest.py --instances 2        # 2 servers behind nginx, PostgreSQL

It starts the production server the way `make serve` does (scripts/serve.sh: debug off,
collectstatic when changed, migrate, gunicorn) on 127.0.0.1 on a free port, against a fresh
database of its own, creates the load clinicians, and lets each virtual clinician (one
thread, its own session) sign in and repeat: My assessments, new assessment, steps 1-4
(each page read, then posted), review. It stops by itself after --duration seconds,
stops the server (and the cluster) and prints one JSON object: requests per second,
latency percentiles and errors (any answer other than the expected one).

With --instances N (N > 1) it starts N such servers, one after the other, on one
PostgreSQL database, and Debian's nginx in front of them (one upstream, round robin, the
configuration `nginx_config` writes, as the README's production section shows); the
clinicians talk to nginx only, so consecutive requests of one session reach different
servers.

Requests carry X-Forwarded-Proto: https as a TLS-terminating proxy would, so the
server runs with its production HTTPS settings (secure cookies, HSTS, SSL redirect).
Only 127.0.0.1 is ever contacted.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = os.environ.get("PY", str(ROOT / ".venv" / "bin" / "python"))
HOST = "127.0.0.1"
PASSWORD = "load-test-" + secrets.token_urlsafe(12)
SECRET_KEY = secrets.token_urlsafe(50)  # one key for every server: sessions work on each
RECORD_KEY = secrets.token_urlsafe(50)  # and one record key: records sealed on one verify on all
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')


def _step_answers(today: date) -> dict[int, dict]:
    """A complete, valid case (immediate failure, inadequate fill), dated relative to today."""
    index = today - timedelta(days=60)
    return {
        1: {
            "patient_ref": "LOAD-0001",
            "patient_age": "72",
            "sex": "female",
            "treated_level": "L1",
            "index_procedure_date": index.isoformat(),
            "index_cement_volume_ml": "4.2",
            "fracture_etiology": "osteoporotic",
            "bmd_t_score": "-2.5",
            "prior_vertebral_fractures": "1",
        },
        2: {
            "assessment_date": (today - timedelta(days=1)).isoformat(),
            "initial_response": "no_relief",
            "vas_before_index": "8",
            "vas_current": "8",
            "conservative_therapy_weeks": "3",
            "mobility": "limited",
            "analgesics": "opioid",
        },
        3: {
            "mri_performed": "True",
            "active_fracture_location": "treated_level",
            "cleft_sign": "absent",
            "marrow_edema": "present",
            "fluid_at_cement_interface": "False",
            "cement_fill": "inadequate",
            "prior_cement_leakage": "False",
        },
        4: {"point_tenderness": "present", "neuro_exam": "normal"},
    }


class LoadError(Exception):
    pass


class Clinician:
    """One virtual clinician: a cookie jar and a fresh connection per request."""

    def __init__(self, port: int, username: str, record):
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.username = username
        self.cookies: dict[str, str] = {}
        self.record = record

    def request(self, method: str, path: str, form: dict | None = None, expect=(200,)):
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",  # as the TLS-terminating proxy sends it
            "Connection": "close",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        start = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except OSError as error:
            self.record(method, path, time.perf_counter() - start, f"{type(error).__name__}")
            raise LoadError(f"{method} {path}: {error}") from error
        finally:
            connection.close()
        elapsed = time.perf_counter() - start
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        error = None if response.status in expect else f"HTTP {response.status}"
        self.record(method, path, elapsed, error)
        if error:
            raise LoadError(f"{method} {path}: {error}")
        return response.status, response.headers.get("Location", ""), content.decode()

    def sign_in(self, password: str):
        _, _, page = self.request("GET", "/accounts/login/")
        self.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": _csrf(page),
                "username": self.username,
                "password": password,
            },
            expect=(302,),
        )

    def walk(self, answers: dict[int, dict]):
        """My assessments, a new assessment through steps 1-4, then its review."""
        self.request("GET", "/")
        _, _, page = self.request("GET", "/assessments/new/")
        _, location, _ = self.request(
            "POST",
            "/assessments/new/",
            {"csrfmiddlewaretoken": _csrf(page), **answers[1]},
            expect=(302,),
        )
        step_path = urlsplit(location).path  # …/step/2/
        base = step_path.rsplit("step/", 1)[0]
        for step in (2, 3, 4):
            path = f"{base}step/{step}/"
            _, _, page = self.request("GET", path)
            version = VERSION_INPUT.search(page)
            form = {"csrfmiddlewaretoken": _csrf(page), **answers[step]}
            if version:
                form["version"] = version.group(1)
            self.request("POST", path, form, expect=(302,))
        self.request("GET", f"{base}review/")


def _csrf(page: str) -> str:
    match = CSRF_INPUT.search(page)
    if not match:
        raise LoadError("no CSRF token in the page")
    return match.group(1)


def run_load(port: int, usernames: list[str], password: str, duration: float) -> dict:
    """Let one thread per user walk the steps until `duration` seconds have passed."""
    lock = threading.Lock()
    timings: list[float] = []
    errors: dict[str, int] = {}
    answers = _step_answers(date.today())

    def record(method, path, elapsed, error):
        with lock:
            timings.append(elapsed)
            if error:
                key = f"{error} {method} {re.sub(r'[0-9a-f-]{36}', '<id>', path)}"
                errors[key] = errors.get(key, 0) + 1

    # Everyone signs in first (password hashing is deliberately slow); then the clock starts.
    signed_in = []
    for username in usernames:
        user = Clinician(port, username, lambda *args: None)
        user.sign_in(password)
        user.record = record
        signed_in.append(user)
    deadline = time.monotonic() + duration

    def walk_until_deadline(user):
        while time.monotonic() < deadline:
            try:
                user.walk(answers)
            except LoadError:
                time.sleep(0.05)

    started = time.monotonic()
    threads = [threading.Thread(target=walk_until_deadline, args=(user,)) for user in signed_in]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(timings)

    def percentile(p):
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000, 1)

    return {
        "users": len(usernames),
        "duration_s": round(elapsed, 1),
        "requests": len(timings),
        "requests_per_s": round(len(timings) / elapsed, 1) if elapsed else 0,
        "latency_ms": {
            "mean": round(statistics.fmean(ordered) * 1000, 1) if ordered else None,
            "p50": percentile(50) if ordered else None,
            "p95": percentile(95) if ordered else None,
            "p99": percentile(99) if ordered else None,
            "max": round(ordered[-1] * 1000, 1) if ordered else None,
        },
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped during start-up (exit {process.returncode})")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the server did not listen on {HOST}:{port} within {timeout:.0f} s")


class PostgresCluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1, as scripts/test.sh starts one."""

    def __init__(self, workdir: Path):
        candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not candidates:
            raise RuntimeError("PostgreSQL binaries not found (Debian package postgresql).")
        self.bindir = candidates[-1].parent
        self.directory = workdir / "pg"
        self.port = _free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []

    def start(self) -> str:
        self.directory.mkdir(mode=0o755)
        if self.as_postgres:
            shutil.chown(self.directory, "postgres")
            shutil.chown(self.directory.parent, "postgres")
        data = self.directory / "data"
        subprocess.run(
            [*self.as_postgres, str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres",
             "--auth=trust", "-E", "UTF8"],
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [*self.as_postgres, str(self.bindir / "pg_ctl"), "-D", str(data), "-w", "-l",
             str(self.directory / "server.log"), "-o",
             f"-p {self.port} -k {self.directory} -c listen_addresses={HOST} "
             "-c fsync=off -c full_page_writes=off -c synchronous_commit=off",
             "start"],
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [*self.as_postgres, str(self.bindir / "createdb"), "-h", HOST, "-p", str(self.port),
             "-U", "postgres", "vertebro"],
            check=True, capture_output=True,
        )  # fmt: skip
        return f"postgres://postgres@{HOST}:{self.port}/vertebro"

    def stop(self) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bindir / "pg_ctl"), "-D", str(self.directory / "data"),
             "-m", "immediate", "stop"],
            check=False, capture_output=True,
        )  # fmt: skip


def _create_clinicians(env: dict, count: int) -> list[str]:
    names = [f"load{i:02d}" for i in range(1, count + 1)]
    code = (
        "from django.contrib.auth import get_user_model; "
        "from django.contrib.auth.models import Group; "
        "from assessments.roles import CLINICIANS, ensure_roles; "
        "ensure_roles(); group = Group.objects.get(name=CLINICIANS); "
        f"[get_user_model().objects.create_user(username=n, password={PASSWORD!r})"
        f".groups.add(group) for n in {names!r}]"
    )
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True,
        capture_output=True,
    )  # fmt: skip
    return names


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(upstream_ports: list[int], listen_port: int, workdir: Path) -> str:
    """nginx in front of the app servers: one upstream, round robin (nginx's default).

    In production nginx also terminates TLS (`listen 443 ssl`) and sets X-Forwarded-Proto
    from $scheme; here, on loopback, it passes on the clients' X-Forwarded-Proto: https.
    """
    servers = "\n".join(f"        server {HOST}:{port};" for port in upstream_ports)
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 2;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/nginx-body;
    proxy_temp_path {workdir}/nginx-proxy;
    fastcgi_temp_path {workdir}/nginx-fastcgi;
    uwsgi_temp_path {workdir}/nginx-uwsgi;
    scgi_temp_path {workdir}/nginx-scgi;
    client_max_body_size 1m;
    upstream vertebro {{
{servers}
        keepalive 16;
    }}
    server {{
        listen {HOST}:{listen_port};
        location / {{
            proxy_pass http://vertebro;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
        }}
    }}
}}
"""


def server_environment(database_url: str, workdir: Path, workers: int, port: int) -> dict:
    """The environment of one production server (scripts/serve.sh) behind one proxy."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VERTEBRO_"))},
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "VERTEBRO_RECORD_KEY": RECORD_KEY,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "VERTEBRO_PROXY_COUNT": "1",
        "VERTEBRO_WORKERS": str(workers),
        "VERTEBRO_ACCESS_LOG": "/dev/null",
        "VERTEBRO_SECURITY_LOG": str(workdir / "security.log"),
        "HOST": HOST,
        "PORT": str(port),
    }


class AppServers:
    """N production servers on one database and, for N > 1, nginx in front of them."""

    def __init__(self, database_url: str, workdir: Path, *, instances: int, workers: int):
        self.database_url = database_url
        self.workdir = workdir
        self.instances = instances
        self.workers = workers
        self.ports: list[int] = []
        self.processes: list[subprocess.Popen] = []
        self.port = 0  # where clients connect: nginx, or the only server

    def start(self) -> int:
        # One after the other: the first migrates the database, the others find it ready.
        for number in range(self.instances):
            port = _free_port()
            log = open(self.workdir / f"server-{number + 1}.log", "wb")  # noqa: SIM115
            server = subprocess.Popen(
                ["bash", str(ROOT / "scripts" / "serve.sh")],
                cwd=ROOT,
                env=server_environment(self.database_url, self.workdir, self.workers, port),
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
            self.processes.append(server)
            _wait_for_port(port, server)
            self.ports.append(port)
        if self.instances == 1:
            self.port = self.ports[0]
            return self.port
        if not Path(NGINX).exists():
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light).")
        self.port = _free_port()
        config = self.workdir / "nginx.conf"
        config.write_text(nginx_config(self.ports, self.port, self.workdir))
        nginx = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(self.workdir), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "nginx.log", "wb"),  # noqa: SIM115
            start_new_session=True,
        )
        self.processes.append(nginx)
        _wait_for_port(self.port, nginx)
        return self.port

    def environment(self) -> dict:
        return server_environment(self.database_url, self.workdir, self.workers, self.port)

    def log_tail(self, lines: int = 40) -> list[str]:
        tail = []
        for log in sorted(self.workdir.glob("*.log")):
            tail += [f"{log.name}: {line}" for line in log.read_text(errors="replace").splitlines()]
        return tail[-lines:]

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def load_test(
    *, database: str, duration: float, users: int, workers: int, instances: int = 1
) -> dict:
    """Start the production server(s) on a fresh database, load them, stop everything."""
    workdir = Path(tempfile.mkdtemp(prefix="vertebro-load-"))
    os.chmod(workdir, 0o755)
    cluster = None
    servers = None
    try:
        if database == "postgres":
            cluster = PostgresCluster(workdir)
            database_url = cluster.start()
        else:
            database_url = f"sqlite:///{workdir / 'load.sqlite3'}"
        servers = AppServers(database_url, workdir, instances=instances, workers=workers)
        port = servers.start()
        usernames = _create_clinicians(servers.environment(), users)
        figures = run_load(port, usernames, PASSWORD, duration)
        result = {"database": database, "instances": instances, "workers": workers, **figures}
        if figures["errors"]:
            result["server_log_tail"] = servers.log_tail()
        return result
    finally:
        if servers is not None:
            servers.stop()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--users", type=int, default=8, help="virtual clinicians (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--instances",
        type=int,
        default=1,
        help="app servers behind nginx, sharing one PostgreSQL (default 1: no nginx)",
    )
    args = parser.parse_args()
    if not 0 < args.duration <= 600:
        parser.error("--duration must be between 0 and 600 seconds")
    if not 1 <= args.instances <= 8:
        parser.error("--instances must be between 1 and 8")
    if args.instances > 1 and args.database != "postgres":
        args.database = "postgres"  # several servers share one PostgreSQL, as in a hospital
    result = load_test(
        database=args.database,
        duration=args.duration,
        users=args.users,
        workers=args.workers,
        instances=args.instances,
    )
    print(json.dumps(result, indent=2))
    sys.exit(1 if result["errors"] else 0)


if __name__ == "__main__":
    main()
