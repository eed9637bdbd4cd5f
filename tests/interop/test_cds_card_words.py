"""The guidance card speaks to a clinician in the record: words only, never the rules' codes
(R12, S22, P8, N1) nor reference numbers the card cannot resolve; and a finalized
assessment's card uses the words frozen at its finalization."""

import re
from datetime import date, timedelta

import pytest

from assessments.models import Assessment
from assessments.reports.display import GuidanceDisplay
from assessments.services import assessment_finalize
from interop.cds import service
from tests.factories import make_assessment
from tests.rules.random_cases_2026_3 import random_valid_cases
from vertebro_rules import versions

from .conftest import call, hook_request
from .validators import cds_errors

CODE = re.compile(r"\b[RSPN]\d{1,2}\b")
REF = re.compile(r"\brefs? \d")
TODAY = date.today()


def card_of(guidance: dict) -> dict:
    return service.guidance_card(
        guidance=GuidanceDisplay.from_json(guidance),
        result_url="https://vertebro.example.org/assessments/x/result/",
        canonical_base="https://vertebro.example.org/fhir",
        finalized="4 Dec 2026",
    )


@pytest.fixture(scope="module")
def guidances() -> list[dict]:
    cases = random_valid_cases(600, 20261204, TODAY - timedelta(days=2))
    return [versions.evaluate_case(case, today=TODAY, version="2026.3").to_dict() for case in cases]


def test_no_card_shows_a_rule_warning_note_or_step_code_or_a_reference_number(guidances):
    for guidance in guidances:
        card = card_of(guidance)
        for field in ("summary", "detail"):
            assert not CODE.search(card[field]), (field, card[field])
            assert not REF.search(card[field]), (field, card[field])
        assert len(card["detail"]) <= service.DETAIL_MAX_LENGTH
        assert cds_errors("response", {"cards": [card]}) == []


def test_the_card_carries_the_warning_and_the_deciding_rules_own_next_step(guidances):
    # A red flag's card shows the deciding rule's own action as its next step, even when a
    # contraindication or pregnancy step comes before it in the guidance's id order.
    shown = before = 0
    for guidance in guidances:
        detail = card_of(guidance)["detail"]
        if guidance["warnings"]:
            first_words = " ".join(guidance["warnings"][0]["text"].split()[:4])
            assert f"**Check these answers.** {first_words}" in detail
        if guidance["recommendation"] not in service.CRITICAL:
            continue
        rule = guidance["reasons"][0]["rule"]
        ids = [step["id"] for step in guidance["next_steps"]]
        own = [step for step in guidance["next_steps"] if step["id"] in service.RULE_STEPS[rule]]
        assert own, (rule, ids)
        step = service.without_ref_numbers(own[0]["text"])
        assert f"**Next step.** {' '.join(step.split()[:6])}" in detail, detail
        shown += 1
        if ids[0] != own[0]["id"]:
            before += 1
            other = service.without_ref_numbers(guidance["next_steps"][0]["text"])
            assert f"**Next step.** {' '.join(other.split()[:6])}" not in detail, detail
    assert shown > 20
    assert before > 5


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Relief was reported (ref 2).", "Relief was reported."),
        ("As two series show (refs 1, 2), it recurs.", "As two series show, it recurs."),
        (
            "Prevention (bisphosphonates, vitamin D; ref 7) helps.",
            "Prevention (bisphosphonates, vitamin D) helps.",
        ),
        ("The mean (VAS 2.8 at 3 months, ref 2).", "The mean (VAS 2.8 at 3 months)."),
        ("Edema at L4 (see note N11). Evaluate it.", "Edema at L4. Evaluate it."),
        ("Confirm the course of pain at T2 (see warning P1).", "Confirm the course of pain at T2."),
        ("The reference list is on the result page.", "The reference list is on the result page."),
    ],
)
def test_reference_numbers_are_dropped_and_the_words_kept(text, words):
    assert service.without_ref_numbers(text) == words


@pytest.mark.django_db
def test_a_final_assessments_card_uses_the_words_frozen_at_finalization(
    client, cds_settings, alice
):
    final = assessment_finalize(assessment=make_assessment(alice), user=alice)
    record = dict(final.display_record)
    # As if the code's label had changed since: the card keeps the words of the day.
    record["recommendation"] = "Repeat vertebroplasty indicated (as worded at finalization)"
    Assessment.objects.filter(pk=final.pk).update(display_record=record)
    response = call(client, hook_request())
    assert response.status_code == 200, response.content
    [card] = response.json()["cards"]
    assert card["detail"].startswith(
        "**Repeat vertebroplasty indicated (as worded at finalization)** (Vertebro rules "
    )
    assert not CODE.search(card["detail"])
