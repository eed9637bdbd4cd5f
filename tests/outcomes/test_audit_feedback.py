"""The department audit shows what the clinicians did with the guidance cards in the
electronic record (CDS Hooks feedback), by recommendation in words, with the share
overridden and the reasons given, under the page's filter."""

import uuid
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from interop.models import CdsCard, CdsFeedback
from outcomes.stats import rate
from tests.outcomes.factories import final_assessment
from tests.outcomes.test_audit_wording import visible_text

URL = reverse("outcomes:dashboard")
WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _card(assessment, recommendation: str) -> CdsCard:
    return CdsCard.objects.create(
        uuid=uuid.uuid4(),
        client="https://ehr.example.org",
        service="vertebro-repeat-vertebroplasty",
        kind=CdsCard.Kind.GUIDANCE,
        recommendation=recommendation,
        deciding_rule="R10",
        rules_version="2026.3",
        assessment=assessment,
    )


def _feedback(card: CdsCard, outcome: str, reason: str = "", when: datetime = WHEN) -> None:
    CdsFeedback.objects.create(
        card=card,
        card_uuid=card.uuid,
        service_id=card.service,
        outcome=outcome,
        override_reason_code="code" if reason else "",
        override_reason_display=reason,
        outcome_timestamp=when,
        recommendation=card.recommendation,
        deciding_rule=card.deciding_rule,
        rules_version=card.rules_version,
        assessment=card.assessment,
    )


@pytest.fixture
def cards(alice, bob):
    repeat = _card(final_assessment(alice, patient_ref="MRN-CDS-1"), "repeat_indicated")
    infection = _card(final_assessment(bob, patient_ref="MRN-CDS-2"), "exclude_infection")
    _feedback(repeat, "accepted")
    _feedback(repeat, "accepted")
    _feedback(repeat, "overridden", "Patient prefers to wait")
    _feedback(infection, "overridden", "Infection already excluded")
    _feedback(infection, "overridden")
    # A year earlier: outside a period filter of 2026.
    _feedback(infection, "accepted", when=datetime(2025, 6, 1, 9, 0, tzinfo=UTC))
    return {"repeat": repeat, "infection": infection}


def _rate(k: int, n: int) -> str:
    figure = rate(k, n)
    return (
        f"{figure.percent:.0f}% ({k} of {n}; 95% CI "
        f"{figure.low_percent:.0f}% to {figure.high_percent:.0f}%)"
    )


def test_the_audit_counts_the_feedback_by_recommendation_in_words(client, reviewer, cards):
    client.force_login(reviewer)
    page = client.get(URL).content.decode()
    text = " ".join(visible_text(page).split())
    assert "Repeat recommended: 2 accepted, 1 overridden (why: Patient prefers to wait: 1)" in text
    assert (
        "Other recommendations: 1 accepted, 2 overridden "
        "(why: Infection already excluded: 1; no reason given: 1)" in text
    )
    assert (
        f"Repeat vertebroplasty indicated 2 1 {_rate(1, 3)} small n Patient prefers to wait: 1"
        in text
    )
    assert (
        f"Exclude infection of the treated vertebra 1 2 {_rate(2, 3)} small n "
        "Infection already excluded: 1; no reason given: 1" in text
    )
    assert "exclude_infection" not in text and "repeat_indicated" not in text


def test_the_feedback_follows_the_filter(client, reviewer, cards, alice):
    client.force_login(reviewer)
    text = " ".join(visible_text(client.get(URL, {"clinician": alice.pk}).content.decode()).split())
    assert "Repeat recommended: 2 accepted, 1 overridden" in text
    assert "Other recommendations" not in text
    assert "Exclude infection of the treated vertebra 1 2" not in text
    page = client.get(URL, {"date_from": "2026-01-01", "date_to": "2026-12-31"}).content.decode()
    text = " ".join(visible_text(page).split())
    assert "Other recommendations: 0 accepted, 2 overridden" in text


def test_no_feedback_says_so(client, reviewer, alice):
    final_assessment(alice)
    client.force_login(reviewer)
    page = client.get(URL).content.decode()
    assert "No feedback from the electronic record yet." in page
    assert "Guidance cards in the electronic record, by recommendation" not in page
