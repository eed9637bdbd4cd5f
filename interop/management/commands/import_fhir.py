"""`python manage.py import_fhir FILE --user NAME`: a QuestionnaireResponse becomes a draft."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assessments.roles import is_clinician
from interop import json_input
from interop.fhir.response import ResponseRefused, import_response
from vertebro_rules.validation import error_lines


class Command(BaseCommand):
    help = (
        "Import a FHIR R4 QuestionnaireResponse (JSON file, or - for standard input) as a new "
        "draft of the named clinician, checked like the questionnaire's steps. On any bad "
        "answer nothing is saved, each is named by its linkId on standard error, exit 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="The clinician who owns the draft.")

    def handle(self, *args, path, user, **options):
        try:
            owner = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {user!r}.") from None
        if not is_clinician(owner):
            raise CommandError(
                f"{user} is not a clinician (not an active member of the Clinicians group; "
                "cannot create assessments)."
            )
        try:
            if path == "-":
                resource = json_input.loads(self.stdin.read())
            else:
                with open(path, "rb") as handle:
                    resource = json_input.loads(handle.read())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except json_input.BadJson as refused:
            raise CommandError(f"{path} was refused. {refused}") from None
        try:
            draft = import_response(resource, user=owner)
        except ResponseRefused as refused:
            for line in error_lines(refused.errors):
                self.stderr.write(line)
            raise CommandError("Nothing imported.", returncode=2) from None
        self.stdout.write(f"Imported as draft {draft.pk} of {user}.")

    @property
    def stdin(self):
        import sys

        return sys.stdin
