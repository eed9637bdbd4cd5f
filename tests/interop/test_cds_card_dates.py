"""A card may be read up to 30 days after its assessment was finalized: it says the dates
(when the patient was assessed, finalized or amended, when the pain returned), never a time
counted from the assessment ("8 days ago") that is false on the day the order is placed."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments.reports.display import GuidanceDisplay
from assessments.services import assessment_amend, assessment_finalize
from interop.cds import service
from interop.wording import with_dates
from tests.factories import ANSWERED_NO, make_assessment
from tests.rules.cases import RECURRENCE, json_case
from vertebro_rules import versions
from vertebro_rules.dates import in_words

from .conftest import call, hook_request, procedure
from .validators import cds_errors

ASSESSED = date(2026, 11, 20)


def recurrence_card(**overrides) -> dict:
    """The card of a recurrence 8 days before the assessment (12 Nov 2026), 1 week of therapy."""
    values = {
        **ANSWERED_NO,
        **RECURRENCE,
        "recurrence_date": date(2026, 11, 12),
        "conservative_therapy_weeks": 1,
        **overrides,
    }
    guidance = versions.evaluate_case(json_case(**values), today=ASSESSED, version="2026.3")
    return service.guidance_card(
        guidance=GuidanceDisplay.from_json(guidance.to_dict()),
        result_url="https://v.example.org/r/",
        canonical_base="https://v.example.org/fhir",
        assessed=ASSESSED,
        finalized=date(2026, 11, 22),
    )


def test_a_continue_therapy_card_says_when_the_pain_returned_not_how_long_ago():
    card = recurrence_card()
    # The rules' own words on the day: "the pain returned only 8 days ago".
    assert card["summary"] == (
        "Continue conservative therapy before any repeat vertebroplasty at L1: the pain returned "
        "on 12 Nov 2026; reassess from 25 Dec 2026."
    )
    assert card["detail"].startswith(
        "**Continue conservative therapy** (Vertebro rules 2026.3; patient assessed 20 Nov 2026, "
        "finalized 22 Nov 2026)."
    )
    assert (
        "**Why.** Pain at L1 returned on 12 Nov 2026; 1 week of conservative therapy was "
        "recorded between then and the assessment. Selection for a repeat procedure requires "
        "pain refractory to at least 6 weeks of conservative therapy;"
    ) in card["detail"]
    assert " ago" not in card["summary"] + card["detail"]
    assert "since then" not in card["detail"]
    assert cds_errors("response", {"cards": [card]}) == []


def test_a_may_be_considered_card_says_the_weeks_were_short_at_the_assessment():
    card = recurrence_card(mobility="bed_bound")
    assert (
        "**Why.** Pain at L1 returned on 12 Nov 2026 and 1 week of conservative therapy was "
        "recorded by the assessment: the 6 weeks asked for by the practice parameter were not "
        "complete at the assessment (met on 25 Dec 2026)."
    ) in card["detail"]
    assert " ago" not in card["detail"]


@pytest.mark.parametrize(
    ("text", "dated"),
    [
        # 2026.3 R9, R23 and the R9 headline.
        (
            "Pain at T3 returned today (on 20 Nov 2026); 0 weeks",
            "Pain at T3 returned on 20 Nov 2026; 0 weeks",
        ),
        (
            "3 weeks of conservative therapy are recorded since then.",
            "3 weeks of conservative therapy were recorded between then and the assessment.",
        ),
        (
            "at T4: the pain returned today; reassess",
            "at T4: the pain returned on 20 Nov 2026; reassess",
        ),
        (
            "the pain returned only 1 day ago; reassess",
            "the pain returned on 19 Nov 2026; reassess",
        ),
        # 2026.2 R9, still read for an assessment finalized under it.
        (
            "2 weeks of conservative therapy since the pain returned 10 days ago (on 10 Nov 2026): selection",
            "2 weeks of conservative therapy since the pain returned on 10 Nov 2026: selection",
        ),
        ("only 2 weeks of therapy so far.", "only 2 weeks of therapy by 20 Nov 2026."),
        # Days counted from the index procedure stay: they do not change with the reading day.
        (
            "pain back on day 164 after the index procedure",
            "pain back on day 164 after the index procedure",
        ),
    ],
)
def test_times_counted_from_the_assessment_become_dates(text, dated):
    assert with_dates(text, assessed=ASSESSED) == dated


@pytest.mark.django_db
def test_an_amended_assessments_card_says_amended_and_when_the_patient_was_assessed(
    client, cds_settings, alice
):
    original = assessment_finalize(assessment=make_assessment(alice), user=alice)
    draft = assessment_amend(assessment=original, user=alice, reason="VAS entered as 1, was 6")
    amendment = assessment_finalize(assessment=draft, user=alice)
    response = call(client, hook_request())
    assert response.status_code == 200, response.content
    [card] = response.json()["cards"]
    assert card["links"][0]["url"].endswith(f"/assessments/{amendment.pk}/result/")
    amended_on = in_words(timezone.localdate(amendment.finalized_at))
    assert card["detail"].startswith(
        f"**Repeat vertebroplasty indicated** (Vertebro rules {amendment.rules_version}; patient "
        f"assessed {in_words(amendment.assessment_date)}, amended {amended_on})."
    )
    assert "finalized" not in card["detail"].split("\n\n")[0]


@pytest.mark.django_db
def test_guidance_whose_reassessment_date_has_come_gives_the_app_link_card(
    client, cds_settings, alice
):
    # Too early to judge (day 1): reassess from day 4, 21 Oct 2026, long past today.
    final = assessment_finalize(
        assessment=make_assessment(
            alice, index_procedure_date=date(2026, 10, 17), assessment_date=date(2026, 10, 18)
        ),
        user=alice,
    )
    assert final.guidance["reassess_from"] == "2026-10-21"
    body = hook_request(procedures=[procedure(performed="2026-10-17")])
    response = call(client, body)
    assert response.status_code == 200, response.content
    [card] = response.json()["cards"]
    assert card["summary"] == service.APP_LINK_SUMMARY
    assert card["indicator"] == "warning"
    assert card["detail"].startswith(
        "The last assessment (18 Oct 2026) asked for reassessment from 21 Oct 2026: reassess "
        "before ordering. The link opens a new draft"
    )
    assert card["links"][0]["label"] == "Complete the Vertebro assessment"


@pytest.mark.django_db
def test_guidance_whose_reassessment_date_is_ahead_is_served(client, cds_settings, alice):
    today = timezone.localdate()
    final = assessment_finalize(
        assessment=make_assessment(
            alice,
            index_procedure_date=today - timedelta(days=2),
            assessment_date=today - timedelta(days=1),
        ),
        user=alice,
    )
    assert final.guidance["reassess_from"] == (today + timedelta(days=2)).isoformat()
    body = hook_request(procedures=[procedure(performed=final.index_procedure_date.isoformat())])
    [card] = call(client, body).json()["cards"]
    assert card["links"][0]["label"] == "Open the Vertebro result"
    assert card["summary"].startswith("Too early to judge the vertebroplasty at L1")


def test_the_longest_so_far_headline_keeps_its_reassessment_date_in_the_summary():
    headline = (
        "Continue conservative therapy before any repeat vertebroplasty at T12: only 5 weeks of "
        "therapy so far; reassess from 23 Dec 2026."
    )
    summary = service.whole_clauses(
        with_dates(headline, assessed=date(2026, 11, 25)), service.SUMMARY_MAX_LENGTH
    )
    assert summary == (
        "Continue conservative therapy before any repeat vertebroplasty at T12: only 5 weeks of "
        "therapy by 25 Nov 2026; reassess from 23 Dec 2026."
    )
