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
from interop.wording import with_dates
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
        assessed=TODAY - timedelta(days=2),
        finalized=TODAY,
    )


@pytest.fixture(scope="module")
def guidances() -> list[dict]:
    cases = random_valid_cases(600, 20261204, TODAY - timedelta(days=2))
    return [versions.evaluate_case(case, today=TODAY, version="2026.3").to_dict() for case in cases]


def paragraph(detail: str, label: str) -> str | None:
    """The text of the detail's paragraph that starts with `label`, or None."""
    for part in detail.split("\n\n"):
        if part.startswith(label):
            return part[len(label) :]
    return None


def card_words(text: str) -> str:
    return with_dates(service.without_ref_numbers(text), assessed=TODAY - timedelta(days=2))


def test_no_card_shows_a_rule_warning_note_or_step_code_or_a_reference_number(guidances):
    for guidance in guidances:
        card = card_of(guidance)
        for field in ("summary", "detail"):
            assert not CODE.search(card[field]), (field, card[field])
            assert not REF.search(card[field]), (field, card[field])
        assert cds_errors("response", {"cards": [card]}) == []


def test_a_card_never_cuts_a_sentence_it_shows_whole_sentences_or_leaves_them_out(guidances):
    # On 600 cases of every recommendation: the next step and the reason shown are their
    # first whole sentences; the first warning is whole; a card that left anything out says
    # where the rest is; no "…" is added; only what must be read makes a card longer than
    # the limit (a red flag's own next step), never the reason.
    left_out = whole = over = 0
    for guidance in guidances:
        card = card_of(guidance)
        detail = card["detail"]
        assert "…" not in card["summary"]
        cut = False
        for label, source in (
            ("**Why.** ", guidance["reasons"][0]["text"]),
            ("**Next step.** ", shown_step_text(guidance)),
        ):
            shown = paragraph(detail, label)
            if source is None:
                assert shown is None
                continue
            full = card_words(source)
            if shown is None:
                cut = True
                continue
            assert full.startswith(shown), (shown, full)
            rest = full[len(shown) :]
            assert rest == "" or rest.startswith(" "), (shown, full)
            assert shown.endswith((".", ")", "”")), shown
            assert shown.count("…") == full[: len(shown)].count("…")
            cut = cut or rest != ""
        if guidance["warnings"]:
            first = card_words(guidance["warnings"][0]["text"])
            more = len(guidance["warnings"]) - 1
            expected = f"**Check these answers.** {first}"
            if more:
                expected += f" And {more} more answer{'s' if more > 1 else ''} to check on"
            assert expected in detail
        if cut:
            left_out += 1
            assert detail.endswith("\n\nMore on the Vertebro result page.")
        else:
            whole += 1
            assert detail.endswith("\n\n" + service.DETAIL_TAIL)
        if len(detail) > service.DETAIL_MAX_LENGTH:
            over += 1
            assert paragraph(detail, "**Why.** ") is None
            assert guidance["recommendation"] in service.CRITICAL
    assert left_out > 50 and whole > 50, (left_out, whole)


def shown_step_text(guidance: dict) -> str | None:
    display = GuidanceDisplay.from_json(guidance)
    step = service.first_next_step(display)
    return step.text if step is not None else None


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
        (
            "On CT (MRI is the imaging it asks for, ref 4; the rest is local policy).",
            "On CT (MRI is the imaging it asks for; the rest is local policy).",
        ),
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
