"""`python manage.py evaluate CASE.json` — guidance for cases given as JSON (spec §8)."""

import codecs
import contextlib
import json
import sys
import tempfile
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from assessments import rules_versions
from vertebro_rules import versions
from vertebro_rules.errors import InvalidInput, error_lines

# Results are held here until every case has passed; past this size they spill to disk.
SPOOL_BYTES = 8 * 1024 * 1024
MAX_ERROR_LINES = 200
COPY_CHUNK = 64 * 1024
# One encoder for every line of a stream (`json.dumps` with options builds a new one per call);
# the same text as `json.dumps(..., ensure_ascii=False)`.
ENCODER = json.JSONEncoder(ensure_ascii=False)


class Command(BaseCommand):
    # A pure evaluation of JSON cases: no URL or template is involved, and the database is
    # read only for the active rules version when none is named, so the system checks (which
    # import every view, the PDF and statistics libraries) are skipped.
    requires_system_checks = []
    help = (
        "Validate cases given as JSON (one object, a list, or one object a line with --jsonl) "
        "and print their guidance. Writes nothing to the database. On any invalid case, prints "
        "nothing to standard output, names each bad field on standard error and exits 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="JSON file to read, or - for standard input.")
        parser.add_argument(
            "--jsonl",
            action="store_true",
            help="Read and write one JSON object a line (for large batches).",
        )
        parser.add_argument(
            "--rules-version",
            choices=versions.VERSIONS,
            default=None,
            help="The rules version to evaluate with (default: the application's active one, "
            "as the web pages use it: the last switch recorded by `rules_version --activate`, "
            "else the setting VERTEBRO_RULES_VERSION).",
        )

    def handle(self, *args, path, jsonl, rules_version, **options):
        today = timezone.localdate()
        rules = versions.get(rules_version or self._active_version())
        self._validate_case, self._evaluate = rules.validate_case, rules.evaluate
        # Bytes, decoded here line by line (or whole), so that text that is not UTF-8 is
        # reported at the line where it is, not where a decoder's buffer happened to end.
        try:
            source = (
                contextlib.nullcontext(sys.stdin.buffer) if path == "-" else open(path, "rb")  # noqa: SIM115
            )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.", returncode=2) from None
        with source as stream:
            if jsonl:
                self._evaluate_lines(stream, today)
            else:
                self._evaluate_document(stream, today)

    def _active_version(self) -> str:
        """The application's active rules version; the setting when the database cannot be
        read (the command needs none otherwise), said on standard error."""
        try:
            return rules_versions.active_version()
        except DatabaseError as error:
            version = settings.VERTEBRO_RULES_VERSION
            self.stderr.write(
                f"Cannot read the recorded rules version switches ({error}); evaluating with "
                f"the setting VERTEBRO_RULES_VERSION = {version}."
            )
            return version

    def _evaluate_document(self, source, today):
        try:
            text = source.read().decode("utf-8")
        except UnicodeDecodeError as error:
            self._refuse([f"(input): not UTF-8 text: {error}."])
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            self._refuse([f"(input): malformed JSON: {error}."])
        except RecursionError:
            self._refuse(["(input): malformed JSON: nested too deeply."])
        if isinstance(document, list):
            results, errors, red_flags = [], [], []
            for position, case in enumerate(document):
                try:
                    results.append(self._evaluate(self._validate_case(case, today=today)).to_dict())
                except InvalidInput as invalid:
                    prefix = f"[{position}] "
                    red_flags.extend(f"{prefix}{line}" for line in invalid.red_flags)
                    errors.extend(error_lines(invalid.errors, prefix=prefix))
            if errors:
                self._refuse(errors, red_flags)
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
            return
        try:
            result = self._evaluate(self._validate_case(document, today=today)).to_dict()
        except InvalidInput as invalid:
            self._refuse(error_lines(invalid.errors), invalid.red_flags)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _evaluate_lines(self, source, today):
        errors: list[str] = []
        red_flags: list[str] = []
        # UTF-8 bytes, written once and copied as they are: a large batch is not decoded and
        # encoded again on its way to standard output.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b") as out:
            for number, line in _numbered_lines(source, errors):
                prefix = f"line {number}: "
                try:
                    case = json.loads(line)
                except json.JSONDecodeError as error:
                    errors.append(f"{prefix}(input): malformed JSON: {error}.")
                    continue
                except RecursionError:
                    errors.append(f"{prefix}(input): malformed JSON: nested too deeply.")
                    continue
                try:
                    result = self._evaluate(self._validate_case(case, today=today))
                except InvalidInput as invalid:
                    red_flags.extend(f"{prefix}{line}" for line in invalid.red_flags)
                    errors.extend(error_lines(invalid.errors, prefix=prefix))
                    continue
                if not errors:
                    out.write((_json_text(result) + "\n").encode())
            if errors:
                self._refuse(errors, red_flags)
            out.seek(0)
            self._copy(out)

    def _copy(self, spool):
        """Copy the spooled UTF-8 results to standard output: as bytes to a real stream, as text
        to one that holds text only (`call_command(..., stdout=StringIO())`)."""
        binary = getattr(self.stdout, "buffer", None)
        if binary is not None:
            self.stdout.flush()
            for chunk in iter(lambda: spool.read(COPY_CHUNK), b""):
                binary.write(chunk)
            binary.flush()
            return
        decoder = codecs.getincrementaldecoder("utf-8")()
        for chunk in iter(lambda: spool.read(COPY_CHUNK), b""):
            self.stdout.write(decoder.decode(chunk), ending="")
        self.stdout.write(decoder.decode(b"", final=True), ending="")

    def _refuse(self, errors: list[str], red_flags: Sequence[str] = ()):
        # §8: the red flags a refused case's valid answers raise come first, all of them:
        # urgent care does not wait for the corrections listed after them.
        for line in red_flags:
            self.stderr.write(line)
        for line in errors[:MAX_ERROR_LINES]:
            self.stderr.write(line)
        if len(errors) > MAX_ERROR_LINES:
            self.stderr.write(f"… and {len(errors) - MAX_ERROR_LINES} more.")
        raise CommandError("Invalid input; nothing was written to standard output.", returncode=2)


def _json_text(result) -> str:
    """One result as JSON: the version's own `to_json()` where it has one (the same text as
    encoding `to_dict()`, built faster), else `to_dict()` encoded."""
    to_json = getattr(result, "to_json", None)
    return to_json() if to_json is not None else ENCODER.encode(result.to_dict())


def _numbered_lines(source, errors: list[str]) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their numbers; a line that is not UTF-8 is reported as bad input."""
    for number, raw in enumerate(source, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            errors.append(f"line {number}: (input): not UTF-8 text: {error}.")
            continue
        if line.strip():
            yield number, line
