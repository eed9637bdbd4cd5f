"""`seed_demo` gives the dashboard a cohort with outcomes; a second run changes nothing."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from outcomes.audit import AuditFilter, audit
from outcomes.models import FollowUp, Procedure
from outcomes.selectors import follow_ups_due


def _snapshot():
    return (
        sorted((str(p.assessment_id), p.performed, p.updated) for p in Procedure.objects.all()),
        sorted((str(f.assessment_id), f.interval, f.updated) for f in FollowUp.objects.all()),
        Procedure.history.count(),
        FollowUp.history.count(),
    )


@pytest.mark.usefixtures("rules_2026_2")  # expects the outcomes of 2026.2
def test_seed_demo_records_outcomes_for_a_few_dozen_patients_once(db):
    call_command("seed_demo", stdout=StringIO())
    first = _snapshot()
    assert Procedure.objects.count() >= 30
    assert FollowUp.objects.count() >= 80
    call_command("seed_demo", stdout=StringIO())
    assert _snapshot() == first

    figures = audit(AuditFilter(), today=date(2026, 11, 25))
    # Enough patients that the dashboard compares its main figures with the published ones.
    assert figures.performed >= 20
    assert not figures.vas_1_month.too_small
    assert figures.overrides.n > 0
    assert figures.new_fracture_year.n >= 10
    assert figures.adjacent_share.n > 0
    assert figures.cleft_gone.n > 0


def test_the_demo_clinician_has_a_follow_up_due(db):
    call_command("seed_demo", stdout=StringIO())
    demo = get_user_model().objects.get(username="demo")
    due = follow_ups_due(user=demo, today=date(2026, 11, 25))
    assert [(d.assessment.patient_ref, d.interval, d.overdue) for d in due] == [
        ("MRN-DEMO-001", "1m", True)
    ]
