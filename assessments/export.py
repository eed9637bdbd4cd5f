"""CSV export of assessments: one row per assessment (issue 5).

Columns: the id, every spec input under its spec name (guidance-rules.md §1),
then status, the frozen result (scenario, recommendation, deciding rule,
missing work-up items, rules version), the clinician and the timestamps.

Rows are produced one at a time from a database iterator, so the admin
action (a StreamingHttpResponse) and the `export_csv` command (writing to a
file) never hold the whole export in memory.
"""

import csv
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from .validation import INPUT_FIELD_NAMES

CHUNK_SIZE = 500

# Spreadsheets treat a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

RESULT_COLUMNS = ("scenario", "recommendation", "deciding_rule", "missing", "rules_version")
COLUMNS = (
    "id",
    *INPUT_FIELD_NAMES,
    "status",
    *RESULT_COLUMNS,
    "clinician",
    "amends",
    "created",
    "updated",
    "finalized_at",
    "finalized_by",
)

# What each column is read from in the database (values_list, no model instances).
_SOURCES = (
    "id",
    *INPUT_FIELD_NAMES,
    "status",
    "scenario",
    "recommendation",
    "deciding_rule",
    "guidance__missing",
    "rules_version",
    "owner__username",
    "amends_id",
    "created",
    "updated",
    "finalized_at",
    "finalized_by__username",
)


def neutralise(text: str) -> str:
    """Prefix a text cell a spreadsheet would run as a formula with a single quote."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def cell(value) -> str | int:
    """One CSV cell: numbers stay numbers (a T-score of -2.5 is not neutralised), text is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return neutralise(";".join(str(item) for item in value))
    return neutralise(str(value))


def rows(queryset: QuerySet) -> Iterator[list]:
    """The header, then one row per assessment of `queryset`, fetched in chunks."""
    yield list(COLUMNS)
    records = queryset.order_by("created", "id").values_list(*_SOURCES)
    for record in records.iterator(chunk_size=CHUNK_SIZE):
        yield [cell(value) for value in record]


class _Echo:
    """A file-like object whose write() returns the line instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(queryset: QuerySet) -> Iterator[str]:
    """The export as CSV text, one line at a time (for a StreamingHttpResponse)."""
    writer = csv.writer(_Echo())
    for row in rows(queryset):
        yield writer.writerow(row)


def write_csv(queryset: QuerySet, stream) -> int:
    """Write the export to an open text stream row by row; return the number of assessments."""
    writer = csv.writer(stream)
    count = -1
    for count, row in enumerate(rows(queryset)):  # noqa: B007 - the count is the result
        writer.writerow(row)
    return count
