"""One way to write a date for people: the pages, the PDF and the admin (Django's formats, from
vertebro_site/formats) and the messages of the clinical core (`vertebro_rules.dates`) say
"25 Nov 2026" and "25 Nov 2026, 14:05" alike."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils.formats import date_format

from vertebro_rules.dates import in_words

DAYS = [date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)]


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_pages_write_a_date_as_the_core_does(day):
    assert date_format(day) == in_words(day)
    assert render("{{ day|date }}", day=day) == in_words(day)
    assert render("{{ day }}", day=day) == in_words(day)
    assert date_format(day, "SHORT_DATE_FORMAT") == in_words(day)


def test_a_moment_reads_as_its_local_date_and_24_hour_time():
    moment = datetime(2026, 6, 30, 13, 5, tzinfo=UTC)  # 14:05 in London (summer time)
    assert render('{{ moment|date:"DATETIME_FORMAT" }}', moment=moment) == "30 Jun 2026, 14:05"
    assert render("{{ moment }}", moment=moment) == "30 Jun 2026, 14:05"
    assert render("{{ moment|time }}", moment=moment) == "14:05"
    assert render("{{ moment|date:'c' }}", moment=moment) == "2026-06-30T14:05:00+01:00"


def test_months_and_years_are_abbreviated_too():
    assert date_format(date(2026, 11, 25), "YEAR_MONTH_FORMAT") == "Nov 2026"
    assert date_format(date(2026, 11, 25), "MONTH_DAY_FORMAT") == "25 Nov"
