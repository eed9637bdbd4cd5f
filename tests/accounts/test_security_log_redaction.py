"""No query string (a search holds a patient reference) reaches gunicorn's error log or the
development server's request log."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vertebro_site.log_redaction import redact_query_strings

ROOT = Path(__file__).resolve().parents[2]
LOGGER_CLASS = "vertebro_site.log_redaction.GunicornLogger"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Invalid request line: 'GET /?q=MRN-LEAK\x01 HTTP/1.1'",
            "'GET /?[query removed] HTTP/1.1'",
        ),
        ('"GET /?q=O\'Brien MRN 1 HTTP/1.1" 200 10', '"GET /?[query removed] HTTP/1.1" 200 10'),
        ("Error handling request GET /?q=MRN-1", "Error handling request GET /?[query removed]"),
        ("Not Found: /assessments/x/", "Not Found: /assessments/x/"),
    ],
)
def test_query_strings_are_cut_from_request_lines_and_urls(line, expected):
    assert expected in redact_query_strings(line)
    assert "MRN" not in redact_query_strings(line)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def _send_raw(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(raw)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _environment(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VERTEBRO_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    return env


def _stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        _, stderr = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return stderr


def test_make_serve_runs_gunicorn_with_the_redacting_logger():
    assert f"--logger-class {LOGGER_CLASS}" in (ROOT / "scripts" / "serve.sh").read_text()


def test_gunicorn_logs_a_malformed_request_line_without_its_query_string(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "vertebro_site.wsgi:application",
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--error-logfile", "-"),
            *("--logger-class", LOGGER_CLASS, "--no-control-socket"),
        ],
        cwd=ROOT,
        env=_environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(port, process)
        answer = _send_raw(port, b"GET /?q=MRN-LEAK\x01 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 400")
    finally:
        stderr = _stop(process)
    assert "Invalid request" in stderr  # the line is logged ...
    assert "MRN-LEAK" not in stderr  # ... without the patient reference


def test_the_development_server_logs_requests_without_their_query_string(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=_environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(port, process)
        answer = _send_raw(
            port,
            b"GET /accounts/login/?q=MRN-LEAK HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        assert answer.startswith(b"HTTP/1.1 ")
        time.sleep(0.3)
    finally:
        stderr = _stop(process)
    assert "GET /accounts/login/?[query removed] HTTP/1.1" in stderr, stderr
    assert "MRN-LEAK" not in stderr
