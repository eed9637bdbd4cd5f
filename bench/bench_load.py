"""Load: signed-in clinicians walking the steps against gunicorn (2 workers), SQLite and PostgreSQL.

Runs scripts/loadtest.py's load test for each database: a production server
(scripts/serve.sh) on 127.0.0.1 with a fresh database, VERTEBRO_LOAD_SECONDS
(default 60) of load, then everything is stopped. Target on PostgreSQL: at least
150 requests/s with p95 at most 100 ms, and no error.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import loadtest  # noqa: E402

TARGET = {"requests_per_s": 150, "p95_ms": 100}


def run() -> dict:
    duration = float(os.environ.get("VERTEBRO_LOAD_SECONDS", "60"))
    users = int(os.environ.get("VERTEBRO_LOAD_USERS", "8"))
    figures = {"target_postgres": TARGET, "cores": os.cpu_count()}
    for database in ("sqlite", "postgres"):
        try:
            result = loadtest.load_test(
                database=database, duration=duration, users=users, workers=2
            )
        except Exception as error:  # one database failing must not hide the other's figures
            figures[database] = {"error": f"{type(error).__name__}: {error}"}
            continue
        result.pop("server_log_tail", None)
        figures[database] = result
    return figures
