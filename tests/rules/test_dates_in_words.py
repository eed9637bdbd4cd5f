"""Every date a clinician reads in a message or a reason of the core says "10 Mar 2026": day,
abbreviated month, year — never ISO 8601, never a number-only form that reads differently in
another locale."""

import re
from datetime import date

import pytest

from tests.rules.cases import TODAY, json_case
from vertebro_rules.dates import in_words
from vertebro_rules.validation import InvalidInput, validate_case

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMERIC_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 3, 10), "10 Mar 2026"),
        (date(2026, 11, 5), "5 Nov 2026"),  # no leading zero
        (date(1985, 1, 1), "1 Jan 1985"),
        (date(2025, 6, 30), "30 Jun 2025"),
        (date(2026, 9, 1), "1 Sep 2026"),
        (date(2026, 12, 31), "31 Dec 2026"),
    ],
)
def test_a_date_reads_day_abbreviated_month_and_year(day, words):
    assert in_words(day) == words


def test_each_month_has_its_own_three_letter_name():
    names = [in_words(date(2026, month, 1)).split()[1] for month in range(1, 13)]
    assert len(set(names)) == 12
    assert all(len(name) == 3 and name.istitle() for name in names)


RECURRENCE = {
    "index_procedure_date": "2026-06-01",
    "initial_response": "relief_then_recurrence",
    "recurrence_date": "2026-09-01",
    "assessment_date": "2026-11-20",
    "conservative_therapy_weeks": 8,
}

# overrides of the valid factory case, the field refused, the dates its message names in words
DATED_MESSAGES = [
    ({"assessment_date": "2026-11-26"}, "assessment_date", "today is 25 Nov 2026"),
    ({"index_procedure_date": "1984-12-31"}, "index_procedure_date", "before 1 Jan 1985"),
    ({"assessment_date": "2026-09-30"}, "assessment_date", "index procedure (1 Oct 2026)"),
    (
        {**RECURRENCE, "recurrence_date": "2026-05-31"},
        "recurrence_date",
        "on or before the index procedure (1 Jun 2026)",
    ),
    (
        {**RECURRENCE, "recurrence_date": "2026-11-21"},
        "recurrence_date",
        "after the assessment date (20 Nov 2026)",
    ),
    (
        {**RECURRENCE, "recurrence_date": "2026-11-10", "conservative_therapy_weeks": 3},
        "conservative_therapy_weeks",
        "The pain returned on 10 Nov 2026, 10 days before the assessment",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "words"), DATED_MESSAGES)
def test_validation_messages_name_dates_in_words(overrides, field, words):
    with pytest.raises(InvalidInput) as refused:
        validate_case(json_case(**overrides), today=TODAY)
    (message,) = refused.value.errors[field]
    assert words in message
    assert not ISO_DATE.search(message)
    assert not NUMERIC_DATE.search(message)
