"""The outcomes audit dashboard and its PDF with 100,000 assessments and 20,000 procedures.

Runs on a throwaway test database (in-memory SQLite by default, PostgreSQL
with DATABASE_URL) filled with bulk_create: 100,000 final assessments over
20 clinicians and five levels, 20,000 of them with a recorded procedure
(most performed) and their 1-, 3- and 12-month follow-ups, then the audit's facts rebuilt
from them (`facts_rebuild_seconds`), as after any bulk load. The dashboard
computes every figure with a fixed number of aggregate queries, and keeps them in the cache
until a record changes: `dashboard` times the views as a meeting makes them (the figures of a
filter computed on its first view, read from the cache after), `dashboard_computed` the
views that compute (the first after a change).
"""

import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    override_settings,
    setup_databases,
    teardown_databases,
)
from django.urls import reverse

from assessments.models import Assessment
from assessments.roles import CLINICIANS, REVIEWERS, ensure_roles
from outcomes import facts
from outcomes.demo import COMMON
from outcomes.models import FollowUp, Procedure
from tests.factories import valid_inputs

ASSESSMENTS = 100_000
PROCEDURES = 20_000
CLINICIAN_COUNT = 20
LEVELS = ("T10", "T11", "T12", "L1", "L2", "L3")
RUNS = 9
PDF_RUNS = 5
FINALIZED_AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
TARGETS = {"dashboard_ms": 300, "pdf_ms": 1500}
# What the fill itself measured (the facts' rebuild after the bulk load).
_fill_figures: dict = {}
# (recommendation, deciding rule), weighted roughly as a department would see them.
DECISIONS = (
    ("repeat_indicated", "R10", 4),
    ("repeat_indicated", "R12", 3),
    ("repeat_may_be_considered", "R11", 2),
    ("repeat_may_be_considered", "R13", 2),
    ("continue_conservative", "R9", 3),
    ("not_indicated", "R7", 2),
    ("not_indicated", "R8", 1),
    ("complete_workup", "R6", 2),
    ("evaluate_new_level", "R5", 1),
    ("urgent_referral", "R1", 1),
)


def _guidance() -> dict:
    """A frozen guidance of realistic size (about 2 KB of JSON), as every final row carries."""
    case = Assessment(**valid_inputs(cleft_sign="present", cleft_new_since_index=True))
    return case.evaluate().to_dict()


def _fill():
    rng = random.Random(2026)
    guidance = _guidance()
    User = get_user_model()
    ensure_roles()
    clinicians = User.objects.bulk_create(
        User(username=f"clinician{n:02d}", first_name="Clinician", last_name=f"{n:02d}")
        for n in range(CLINICIAN_COUNT)
    )
    Group.objects.get(name=CLINICIANS).user_set.add(*clinicians)
    weighted = [(rec, rule) for rec, rule, weight in DECISIONS for _ in range(weight)]
    assessments = []
    for number in range(ASSESSMENTS):
        assessed = date(2024, 1, 1) + timedelta(days=number % 700)
        recommendation, rule = rng.choice(weighted)
        owner = clinicians[number % CLINICIAN_COUNT]
        assessments.append(
            Assessment(
                owner=owner,
                patient_ref=f"MRN-{number:06d}",
                **COMMON,
                treated_level=LEVELS[number % len(LEVELS)],
                assessment_date=assessed,
                index_procedure_date=assessed - timedelta(days=17),
                index_cement_volume_ml=Decimal(rng.randint(30, 50)) / 10,
                vas_current=rng.randint(4, 10),
                status=Assessment.Status.FINAL,
                recommendation=recommendation,
                deciding_rule=rule,
                scenario="immediate_failure",
                rules_version=guidance["rules_version"],
                guidance=guidance,
                finalized_at=FINALIZED_AT,
                finalized_by=owner,
            )
        )
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    procedures, follow_ups = [], []
    for assessment in rng.sample(assessments, PROCEDURES):
        repeat = assessment.recommendation.startswith("repeat")
        performed = rng.random() < (0.85 if repeat else 0.1)
        if performed:
            base = assessment.assessment_date + timedelta(days=rng.randint(1, 10))
            procedures.append(
                Procedure(
                    assessment=assessment,
                    performed="yes",
                    performed_on=base,
                    cement_volume_ml=Decimal(rng.randint(40, 90)) / 10,
                    leakage=rng.choice(("none", "none", "none", "none", "asymptomatic")),
                    cleft_filled=rng.choice(("yes", "no", "no_cleft")),
                    complications=rng.choice(("none",) * 30 + ("minor",)),
                    operator="Dr Bench",
                    recorded_by=assessment.owner,
                )
            )
        else:
            base = assessment.assessment_date
            procedures.append(
                Procedure(
                    assessment=assessment,
                    performed=rng.choice(("no", "declined", "not_offered")),
                    recorded_by=assessment.owner,
                )
            )
        vas = max(0, assessment.vas_current - rng.randint(0, 8))
        for interval, days in (("1m", 30), ("3m", 91), ("12m", 365)):
            fracture = rng.random() < 0.03
            follow_ups.append(
                FollowUp(
                    assessment=assessment,
                    interval=interval,
                    seen_on=base + timedelta(days=days),
                    vas=vas,
                    mobility="independent",
                    analgesics="non_opioid",
                    cleft_on_imaging=rng.choice(("gone", "persists", "not_imaged")),
                    new_fracture=rng.choice(("adjacent", "non_adjacent")) if fracture else "none",
                    new_fracture_date=base + timedelta(days=rng.randint(20, days))
                    if fracture
                    else None,
                    recorded_by=assessment.owner,
                )
            )
    Procedure.objects.bulk_create(procedures, batch_size=2000)
    FollowUp.objects.bulk_create(follow_ups, batch_size=2000)
    # A bulk load bypasses the models: the audit's facts are rebuilt after it, as after any.
    start = time.perf_counter()
    facts.rebuild()
    _fill_figures["facts_rebuild_seconds"] = round(time.perf_counter() - start, 1)
    reviewer = User.objects.create_user(username="bench-reviewer", is_staff=True)
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))
    return reviewer, clinicians[3]


def _time_get(client: Client, url: str, params: dict, runs: int = RUNS, cold: bool = False) -> dict:
    """Median time of `runs` views; `cold`: the audit's cache emptied before each one, so
    every view computes its figures (what the first view after a change costs)."""
    client.get(url, params)  # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        if cold:
            cache.clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, params)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    return {
        "median_ms": round(statistics.median(wall), 1),
        "max_ms": round(max(wall), 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
        "queries": len(captured),
    }


def _measure(reviewer, clinician) -> dict:
    client = Client(HTTP_HOST="localhost")
    client.force_login(reviewer)
    url = reverse("outcomes:dashboard")
    dashboard = {
        "unfiltered": _time_get(client, url, {}),
        "one_clinician": _time_get(client, url, {"clinician": clinician.pk}),
        "one_level": _time_get(client, url, {"treated_level": "L1"}),
        "one_year": _time_get(client, url, {"date_from": "2024-01-01", "date_to": "2024-12-31"}),
        "procedure_year": _time_get(
            client,
            url,
            {"date_basis": "procedure", "date_from": "2024-01-01", "date_to": "2024-12-31"},
        ),
    }
    # The same views with the figures computed each time (the first view after a change).
    computed = {
        "unfiltered": _time_get(client, url, {}, cold=True),
        "one_clinician": _time_get(client, url, {"clinician": clinician.pk}, cold=True),
        "one_year": _time_get(
            client, url, {"date_from": "2024-01-01", "date_to": "2024-12-31"}, cold=True
        ),
    }
    colleague = Client(HTTP_HOST="localhost")
    colleague.force_login(clinician)
    dashboard["clinician_view"] = _time_get(colleague, url, {})
    pdf = _time_get(client, reverse("outcomes:dashboard_pdf"), {}, runs=PDF_RUNS)
    queries = {variant["queries"] for variant in dashboard.values()}
    return {
        "assessments": Assessment.objects.count(),
        "procedures": Procedure.objects.count(),
        "performed": Procedure.objects.filter(performed="yes").count(),
        "follow_ups": FollowUp.objects.count(),
        "dashboard": dashboard,
        "dashboard_computed": computed,
        "pdf": pdf,
        "query_count_constant": len(queries) == 1,
        "targets": TARGETS,
        "meets_targets": {
            "dashboard_ms": max(v["median_ms"] for v in dashboard.values())
            <= TARGETS["dashboard_ms"],
            "pdf_ms": pdf["median_ms"] <= TARGETS["pdf_ms"],
            "query_count_constant": len(queries) == 1,
            "dashboard_computed_ms": max(v["median_ms"] for v in computed.values())
            <= TARGETS["dashboard_ms"],
        },
        "database": connection.vendor,
    }


@override_settings(DEBUG=False)
def run() -> dict:
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        start = time.perf_counter()
        reviewer, clinician = _fill()
        fill_seconds = time.perf_counter() - start
        figures = _measure(reviewer, clinician)
        figures["fill_seconds"] = round(fill_seconds, 1)
        figures.update(_fill_figures)
        return figures
    finally:
        teardown_databases(old_config, verbosity=0)
