"""The pages write every date as "25 Nov 2026" and every time as "14:05", error messages
included; ISO dates stay in what machines read (`<time datetime>`, date inputs' values)."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assessments.services import assessment_finalize
from tests.factories import RECURRENCE, make_assessment
from tests.step_posts import step_post
from vertebro_rules.dates import in_words

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FULL_MONTH = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December)\b"
)
FINALIZED_AT = timezone.make_aware(timezone.datetime(2026, 11, 25, 14, 5))


def visible_text(page: str) -> str:
    """What a reader sees: the page without scripts, tags and their attributes."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.fixture
def final(alice):
    """A recurrence finalized at 14:05 on 25 Nov 2026, 41 days after the pain returned: R9."""
    with time_machine.travel(FINALIZED_AT, tick=False):
        assessment = make_assessment(
            alice,
            **{
                **RECURRENCE,
                "recurrence_date": date(2026, 10, 10),
                "conservative_therapy_weeks": 6,
            },
        )
        return assessment_finalize(assessment=assessment, user=alice)


def test_the_result_page_writes_dates_and_times_in_words(signed_in, final):
    assert final.deciding_rule == "R9"
    page = signed_in.get(reverse("assessments:result", args=[final.pk])).content.decode()
    text = visible_text(page)
    assert "Finalized 25 Nov 2026, 14:05" in text
    assert "(on 10 Oct 2026)" in text  # the R9 reason
    assert "20 Nov 2026" in text  # the assessment date among the answers
    assert not ISO_DATE.search(text), ISO_DATE.findall(text)
    assert not FULL_MONTH.search(text)


@pytest.mark.parametrize("page_name", ["list", "review"])
def test_the_list_and_the_review_show_no_iso_date(signed_in, alice, page_name):
    draft = make_assessment(alice, **{**RECURRENCE, "recurrence_date": date(2026, 9, 1)})
    args = [draft.pk] if page_name == "review" else []
    page = signed_in.get(reverse(f"assessments:{page_name}", args=args)).content.decode()
    text = visible_text(page)
    assert "20 Nov 2026" in text
    assert not ISO_DATE.search(text), ISO_DATE.findall(text)
    assert not FULL_MONTH.search(text)


def test_the_list_keeps_the_machine_readable_time_of_the_last_change(signed_in, alice):
    draft = make_assessment(alice)
    page = signed_in.get(reverse("assessments:list")).content.decode()
    updated = timezone.localtime(draft.updated)
    # ISO 8601 to the second with the offset (the HTML checker takes no microseconds).
    assert f'<time datetime="{updated.strftime("%Y-%m-%dT%H:%M:%S%z")}">' in page
    assert f"{in_words(updated.date())}<br>" in page
    assert updated.strftime("%H:%M") in visible_text(page)


def test_a_future_date_on_a_step_is_refused_naming_today_in_words(signed_in, alice):
    draft = make_assessment(alice)
    today = timezone.localdate()
    post = step_post(1, version=draft.version, index_procedure_date=today + timedelta(days=1))
    response = signed_in.post(reverse("assessments:step", args=[draft.pk, 1]), post)
    assert response.status_code == 400
    messages = response.context["form"].errors["index_procedure_date"]
    assert f"The date cannot be in the future (today is {in_words(today)})." in messages
    text = visible_text(response.content.decode())
    assert f"today is {in_words(today)}" in text
    assert not ISO_DATE.search(text), ISO_DATE.findall(text)
