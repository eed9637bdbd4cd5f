"""`python manage.py restore_db FILE` — restore a backup into a fresh, empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts import security_log
from assessments import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_db into the database DATABASE_URL names, which must "
        "be new and empty (never a live one). Then run verify_records."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file made by backup_db.")

    def handle(self, *args, file: Path, **options):
        try:
            backup.restore(file)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        counts = backup.table_counts()
        security_log.event("restore", detail=f"{file.name}: {backup.describe_counts(counts)}")
        self.stdout.write(f"Restored from {file}: {backup.describe_counts(counts)}.")
