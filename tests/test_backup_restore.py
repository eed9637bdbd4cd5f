"""Backup and restore, end to end on the database under test (SQLite or PostgreSQL): a seeded
database is backed up while open, restored into a fresh database by another process, and the
restored copy passes verify_records with the same counts of assessments, history rows and
access-log entries."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from assessments import backup
from assessments.models import AccessLogEntry, Assessment
from assessments.services import assessment_amend, assessment_finalize
from tests.factories import make_assessment

ROOT = Path(__file__).resolve().parent.parent


def _seed(alice, bob) -> None:
    for owner, ref in ((alice, "MRN-1"), (bob, "MRN-2"), (alice, "MRN-3")):
        final = assessment_finalize(assessment=make_assessment(owner, patient_ref=ref), user=owner)
        AccessLogEntry.objects.create(user=owner, assessment=final, kind="result")
    original = Assessment.objects.get(patient_ref="MRN-1")
    assessment_finalize(assessment=assessment_amend(assessment=original, user=alice), user=alice)
    make_assessment(bob, patient_ref="MRN-DRAFT")


@pytest.fixture
def fresh_database(tmp_path):
    """A DATABASE_URL for a new, empty database on the same server (or a new SQLite file)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"vertebro_restore_{uuid.uuid4().hex[:12]}"
    settings_dict = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    try:
        yield f"postgres://{user}{password}@{host}{port}/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VERTEBRO_"))}
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_backup_restore_verify_keeps_every_record_and_count(alice, bob, tmp_path, fresh_database):
    _seed(alice, bob)
    before = backup.table_counts()
    assert before["assessments"] == 5 and before["access-log entries"] == 3
    archive = tmp_path / "vertebro.backup"

    call_command("backup_db", str(archive))

    restored = _manage(fresh_database, "restore_db", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert f"Restored from {archive}: {backup.describe_counts(before)}." in restored.stdout
    verified = _manage(fresh_database, "verify_records")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "4 finalized records and 5 chain entries checked, 0 mismatches." in verified.stdout
    assert "Chain head: entry 5 " in verified.stdout


@pytest.mark.django_db(transaction=True)
def test_a_restore_never_overwrites_a_database_that_holds_tables(alice, tmp_path, fresh_database):
    make_assessment(alice)
    archive = tmp_path / "vertebro.backup"
    call_command("backup_db", str(archive))
    assert _manage(fresh_database, "restore_db", str(archive)).returncode == 0
    again = _manage(fresh_database, "restore_db", str(archive))
    assert again.returncode != 0
    assert "already holds" in again.stderr


@pytest.mark.django_db
def test_a_backup_never_overwrites_a_file(tmp_path):
    archive = tmp_path / "vertebro.backup"
    archive.write_text("older backup")
    with pytest.raises(Exception, match="exists already"):
        call_command("backup_db", str(archive))
    assert archive.read_text() == "older backup"


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_readable_by_its_owner_only(alice, tmp_path):
    """A backup holds patient data: 0600, whatever the umask (it was 0644)."""
    make_assessment(alice)
    archive = tmp_path / "vertebro.backup"
    old_umask = os.umask(0o022)
    try:
        call_command("backup_db", str(archive))
    finally:
        os.umask(old_umask)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert archive.stat().st_size > 0


@pytest.mark.django_db
def test_a_backup_into_a_missing_folder_is_a_message_not_a_traceback(tmp_path):
    with pytest.raises(CommandError, match="Cannot create"):
        call_command("backup_db", str(tmp_path / "missing" / "vertebro.backup"))


@pytest.mark.django_db
def test_restoring_a_file_that_is_no_backup_is_a_message_not_a_traceback(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite restore reads the file itself; pg_restore says why it refuses")
    archive = tmp_path / "not-a-backup"
    archive.write_bytes(b"this is not a database" * 100)
    target = tmp_path / "restored.sqlite3"
    result = _manage(f"sqlite:///{target}", "restore_db", str(archive))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "could not be restored with SQLite" in result.stderr
    assert not target.exists() or target.stat().st_size == 0
