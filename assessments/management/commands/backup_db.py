"""`python manage.py backup_db FILE` — a consistent backup of the database, while serving."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts import security_log
from assessments import backup


class Command(BaseCommand):
    help = (
        "Back up the database to FILE: pg_dump's custom format on PostgreSQL, the online "
        "backup API on SQLite. Prints the counts to compare after a restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to write (must not exist).")

    def handle(self, *args, file: Path, **options):
        try:
            backup.backup(file)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        counts = backup.table_counts()
        security_log.event("backup", detail=f"{file.name}: {backup.describe_counts(counts)}")
        self.stdout.write(f"Backed up to {file}: {backup.describe_counts(counts)}.")
