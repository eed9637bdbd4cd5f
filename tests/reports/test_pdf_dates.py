"""The PDF writes dates as the pages do ("20 Nov 2026"), and its times with the zone they were
read in ("25 Nov 2026, 14:05 GMT"): no month spelt out, no ISO date, in the tables as in the
guidance and the sign-off."""

import re
from datetime import date

import time_machine
from django.utils import timezone

from assessments.reports import pdf
from assessments.services import assessment_finalize
from tests.factories import RECURRENCE, make_assessment
from tests.pdf_helpers import document_text

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FULL_MONTH = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December)\b"
)
FINALIZED_AT = timezone.make_aware(timezone.datetime(2026, 11, 25, 14, 5))


def test_the_pdf_writes_every_date_in_words(alice):
    with time_machine.travel(FINALIZED_AT, tick=False):
        assessment = make_assessment(
            alice,
            **{
                **RECURRENCE,
                "recurrence_date": date(2026, 10, 10),
                "conservative_therapy_weeks": 6,
            },
        )
        final = assessment_finalize(assessment=assessment, user=alice)
        text = document_text(pdf.assessment_pdf(final))
    assert "Assessment date: 20 Nov 2026" in text  # beside the recommendation
    assert "Date of the index vertebroplasty 1 Jun 2026" in text  # the basis table
    assert "(on 10 Oct 2026)" in text  # the R9 reason
    assert "Finalized by Alice Tester on 25 Nov 2026, 14:05 GMT" in text
    assert "Generated 25 Nov 2026, 14:05 GMT" in text
    assert not FULL_MONTH.search(text), FULL_MONTH.findall(text)
    assert not ISO_DATE.search(text), ISO_DATE.findall(text)


def test_a_summer_time_is_marked_as_such(alice):
    summer = timezone.make_aware(timezone.datetime(2026, 6, 30, 14, 5))
    with time_machine.travel(summer, tick=False):
        final = assessment_finalize(
            assessment=make_assessment(
                alice, index_procedure_date=date(2026, 6, 1), assessment_date=date(2026, 6, 18)
            ),
            user=alice,
        )
        text = document_text(pdf.assessment_pdf(final))
    assert "on 30 Jun 2026, 14:05 BST" in text
