"""CSV export of assessments: one row per assessment.

Columns: the id, every spec input under its spec name (docs/specification.md §1),
then status, the frozen result (scenario, recommendation, deciding rule,
missing work-up items, rules version), the clinician and the timestamps
(ISO 8601, UTC), then the columns a caller adds (`Columns`): the admin action
and the `export_csv` command add the procedure and the 1-, 3- and 12-month
follow-ups (`outcomes.export.CSV_COLUMNS`; empty when not recorded). This
module knows nothing of outcomes: the layer above passes its columns in.

Rows are produced one at a time from a database iterator, so the admin
action (a StreamingHttpResponse) and the `export_csv` command (writing to a
file) never hold the whole export in memory.
"""

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db.models import QuerySet

from vertebro_rules import inputs

CHUNK_SIZE = 500

# Spreadsheets treat a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

RESULT_COLUMNS = ("scenario", "recommendation", "deciding_rule", "missing", "rules_version")
COLUMNS = (
    "id",
    *inputs.INPUT_FIELD_NAMES,
    "status",
    *RESULT_COLUMNS,
    "clinician",
    "amends",
    "amendment_reason",
    "created",
    "updated",
    "finalized_at",
    "finalized_by",
)

# What each column is read from in the database (values_list, no model instances).
_SOURCES = (
    "id",
    *inputs.INPUT_FIELD_NAMES,
    "status",
    "scenario",
    "recommendation",
    "deciding_rule",
    "guidance__missing",
    "rules_version",
    "owner__username",
    "amends_id",
    "amendment_reason",
    "created",
    "updated",
    "finalized_at",
    "finalized_by__username",
)


def _unchanged(queryset: QuerySet) -> QuerySet:
    return queryset


@dataclass(frozen=True)
class Columns:
    """Columns added after the assessment's own: their names, what each is read from
    (`values_list` paths), and what the queryset needs to read them (e.g. joined relations).
    The csv module writes their values as they are; `rows` neutralises every text cell."""

    names: tuple[str, ...]
    sources: tuple[str, ...]
    prepare: Callable[[QuerySet], QuerySet] = _unchanged

    def __post_init__(self) -> None:
        if len(self.names) != len(self.sources):
            raise ValueError("Each added column needs one source.")


NO_COLUMNS = Columns((), ())


def neutralise(text: str) -> str:
    """Prefix a text cell a spreadsheet would run as a formula with a single quote."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def cell(value) -> str | int | Decimal:
    """One CSV cell: numbers stay numbers (a T-score of -2.5 is not neutralised), text is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return neutralise(";".join(str(item) for item in value))
    return neutralise(str(value))


# Per-column converters, for the columns whose value the csv module would not write as
# wanted. The others it writes as they are: None as an empty cell, numbers unquoted and
# never neutralised, dates and UUIDs in their ISO / hyphenated form (str()); `rows` then
# neutralises every text cell.
def _boolean(value) -> str | None:
    return None if value is None else ("true" if value else "false")


def _timestamp(value) -> str | None:
    # Stored in UTC; written in UTC with its offset, so rows compare across time zones.
    return None if value is None else value.astimezone(UTC).isoformat("T")


# The cell writer of each kind of input (by exact class).
_BY_KIND = {
    inputs.TextInput: None,
    inputs.ChoiceInput: None,
    inputs.IntegerInput: None,
    inputs.DecimalInput: None,
    inputs.DateInput: None,
    inputs.BooleanInput: _boolean,
    inputs.MultipleChoiceInput: cell,
}
_CONVERTERS = (
    None,  # id
    *(_BY_KIND[type(inputs.FIELDS_BY_NAME[name])] for name in inputs.INPUT_FIELD_NAMES),
    None,  # status, scenario, recommendation, deciding rule: codes the app itself writes
    None,
    None,
    None,
    cell,  # missing (a list)
    None,  # rules_version
    None,  # clinician
    None,  # amends (a UUID)
    None,  # amendment_reason (text, neutralised by `rows`)
    _timestamp,  # created
    _timestamp,  # updated
    _timestamp,  # finalized_at
    None,  # finalized_by
)
assert len(_CONVERTERS) == len(_SOURCES) == len(COLUMNS)
_CONVERTED = tuple((position, convert) for position, convert in enumerate(_CONVERTERS) if convert)


def rows(queryset: QuerySet, added: Columns = NO_COLUMNS) -> Iterator[list]:
    """The header, then one row per assessment of `queryset`, fetched in chunks; the
    `added` columns after the assessment's own."""
    yield [*COLUMNS, *added.names]
    records = (
        added.prepare(queryset).order_by("created", "id").values_list(*_SOURCES, *added.sources)
    )
    for record in records.iterator(chunk_size=CHUNK_SIZE):
        row = list(record)
        for position, convert in _CONVERTED:
            row[position] = convert(row[position])
        # Every text cell, whatever its column: typed texts, user names, and the codes the app
        # writes too (a code altered in the database must not become a formula either).
        yield [neutralise(value) if isinstance(value, str) else value for value in row]


class _Echo:
    """A file-like object whose write() returns the line instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(queryset: QuerySet, added: Columns = NO_COLUMNS) -> Iterator[str]:
    """The export as CSV text, one line at a time (for a StreamingHttpResponse)."""
    writer = csv.writer(_Echo())
    for row in rows(queryset, added):
        yield writer.writerow(row)


def write_csv(queryset: QuerySet, stream, added: Columns = NO_COLUMNS) -> int:
    """Write the export to an open text stream row by row; return the number of assessments."""
    writer = csv.writer(stream)
    count = -1
    for count, row in enumerate(rows(queryset, added)):  # noqa: B007 - the count is the result
        writer.writerow(row)
    return count
