"""Backup and restore of the whole database, while the application keeps serving.

PostgreSQL: `pg_dump --format=custom` (a consistent snapshot), restored with `pg_restore` into
a fresh, empty database. SQLite: the online backup API (a consistent copy even while gunicorn
workers write), restored by copying the backup into a new database file.

A restore refuses a target that already holds tables: it never overwrites a live database.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

COUNTED_TABLES = {
    "assessments": "assessments_assessment",
    "history rows": "assessments_historicalassessment",
    "access-log entries": "assessments_accesslogentry",
}


class BackupError(Exception):
    """The backup or restore could not be done; the message says why and what to do."""


def _is_sqlite(alias: str = "default") -> bool:
    return connections[alias].vendor == "sqlite"


def _postgres_environment(settings_dict: dict) -> dict:
    """libpq's variables for the database in `settings_dict` (no password on a command line)."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client)."
        )
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def table_counts(alias: str = "default") -> dict[str, int]:
    """Rows of the tables an operator checks after a restore."""
    counts = {}
    with connections[alias].cursor() as cursor:
        for label, table in COUNTED_TABLES.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # table names are constants
            counts[label] = cursor.fetchone()[0]
    return counts


def describe_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {label}" for label, count in counts.items())


def _create_private(path: Path) -> None:
    """Create the empty backup file, readable and writable by its owner only (0600), before
    anything is written to it: a backup holds patient data. Refuses an existing file."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{path} exists already; choose a new file name.") from None
    except OSError as error:
        raise BackupError(f"Cannot create {path}: {error.strerror}.") from None
    try:
        os.fchmod(descriptor, 0o600)  # whatever the umask
    finally:
        os.close(descriptor)


def backup(path: Path, alias: str = "default") -> None:
    """Write a consistent backup of the database to `path` (which must not exist yet), as a
    file only its owner can read (0600)."""
    path = Path(path)
    _create_private(path)
    try:
        _write_backup(path, alias)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _write_backup(path: Path, alias: str) -> None:
    connection = connections[alias]
    if _is_sqlite(alias):
        connection.ensure_connection()
        try:
            target = sqlite3.connect(path)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        except sqlite3.Error as error:
            raise BackupError(f"SQLite could not write the backup to {path}: {error}.") from None
        return
    env = _postgres_environment(connection.settings_dict)
    _run(["pg_dump", "--format=custom", f"--file={path}"], env)


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as database:
            return database.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] > 0
    except sqlite3.Error:
        return True  # something that is not an empty database: never overwrite it


def _sqlite_restore(path: Path, target_path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        # Reading the schema first: a file that is not a database fails here, before the
        # target is created.
        source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def restore(path: Path, alias: str = "default") -> None:
    """Restore the backup at `path` into the database `alias` names, which must be empty."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    connection = connections[alias]
    if _is_sqlite(alias):
        target_path = Path(connection.settings_dict["NAME"])
        connection.close()
        if _sqlite_has_tables(target_path):
            raise BackupError(
                f"{target_path} already holds a database; restore into a new file "
                "(point DATABASE_URL at it)."
            )
        try:
            _sqlite_restore(path, target_path)
        except sqlite3.Error as error:
            target_path.unlink(missing_ok=True)
            raise BackupError(
                f"{path} could not be restored with SQLite ({error}); is it a backup made by "
                "backup_db on SQLite?"
            ) from None
        return
    if connection.introspection.table_names():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} already holds tables; restore "
            "into a new, empty database (createdb, then point DATABASE_URL at it)."
        )
    connection.close()
    env = _postgres_environment(connection.settings_dict)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "-d",
            env["PGDATABASE"],
            str(path),
        ],
        env,
    )
