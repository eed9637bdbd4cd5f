"""Final assessments with procedures and follow-ups, for the outcomes tests."""

from datetime import date
from decimal import Decimal

from assessments.services import assessment_finalize
from outcomes.models import FollowUp, Procedure
from tests.factories import make_assessment

PERFORMED = {
    "performed": "yes",
    "performed_on": date(2026, 10, 20),
    "cement_volume_ml": Decimal("6.5"),
    "leakage": "none",
    "cleft_filled": "no_cleft",
    "complications": "none",
    "complication_description": "",
    "operator": "Dr Operator",
}

FOLLOW_UP = {
    "seen_on": date(2026, 11, 19),
    "vas": 2,
    "mobility": "independent",
    "analgesics": "non_opioid",
    "cleft_on_imaging": "not_imaged",
    "new_fracture": "none",
    "new_fracture_date": None,
}


def final_assessment(owner, **overrides):
    """A finalized assessment; its owner ticks each warning of the guidance as read, as the
    finalize page asks."""
    draft = make_assessment(owner, **overrides)
    warnings = draft.evaluate().to_dict().get("warnings", [])
    return assessment_finalize(
        assessment=draft, user=owner, acknowledged=[warning["id"] for warning in warnings]
    )


def make_procedure(assessment, **overrides) -> Procedure:
    values = {**PERFORMED, **overrides}
    return Procedure.objects.create(assessment=assessment, recorded_by=assessment.owner, **values)


def make_follow_up(assessment, interval="1m", **overrides) -> FollowUp:
    values = {**FOLLOW_UP, **overrides}
    return FollowUp.objects.create(
        assessment=assessment, interval=interval, recorded_by=assessment.owner, **values
    )


def form_data(values: dict) -> dict:
    """The POST body of a form: dates in ISO, None as empty."""
    return {
        name: ("" if value is None else value.isoformat() if isinstance(value, date) else value)
        for name, value in values.items()
    }
