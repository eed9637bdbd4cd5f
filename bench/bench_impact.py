"""`rules_impact` over 100,000 finalized assessments: time and peak memory.

Runs on a throwaway test database (in-memory SQLite by default, PostgreSQL
with DATABASE_URL) filled with bulk_create: 100,000 final assessments with
varied valid inputs and the guidance frozen for them. One in ten carries a
2026.1-style frozen outcome the current rules decide differently, one in a
hundred answers that the current rules refuse, so the report has rows of
every kind to write. The command writes its CSV to a temporary file; peak
memory is what Python allocated during the run (tracemalloc, a second run).
"""

import random
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from cases import TODAY, random_case
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings, setup_databases, teardown_databases

from assessments.models import Assessment
from vertebro_rules import versions
from vertebro_rules.inputs import FIELDS
from vertebro_rules.rules import evaluate
from vertebro_rules.validation import validate_case

ASSESSMENTS = 100_000
CLINICIAN_COUNT = 20
FINALIZED_AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
TARGETS = {"seconds": 30, "peak_memory_mb": 150}


def _model_values(case: dict) -> dict:
    values = {}
    for spec in FIELDS:
        raw = case.get(spec.name)
        if raw is None:
            values[spec.name] = [] if spec.name == "contraindications" else None
        elif spec.name.endswith("_date"):
            values[spec.name] = date.fromisoformat(raw)
        elif isinstance(raw, float):
            values[spec.name] = Decimal(str(raw))
        else:
            values[spec.name] = raw
    if values["fluid_at_cement_interface"] is None:
        values["fluid_at_cement_interface"] = False
    return values


def _fill() -> dict:
    rng = random.Random(20262)
    User = get_user_model()
    clinicians = User.objects.bulk_create(
        User(username=f"clinician{n:02d}", first_name="Clinician", last_name=f"{n:02d}")
        for n in range(CLINICIAN_COUNT)
    )
    kinds = {"unchanged": 0, "changed": 0, "refused": 0}
    batch = []
    for number in range(ASSESSMENTS):
        case = random_case(rng, TODAY)
        guidance = evaluate(validate_case(case, today=TODAY)).to_dict()
        values = _model_values(case)
        if number % 100 == 0 and values["mri_performed"]:
            # Answers the current rules refuse (ongoing relief, active fracture at the level).
            values.update(initial_response="ongoing_relief", recurrence_date=None)
            values.update(active_fracture_location="treated_level", marrow_edema="present")
            kinds["refused"] += 1
        elif number % 10 == 0:
            # A frozen outcome of an earlier version that the current rules change.
            guidance = {
                **guidance,
                "rules_version": "2026.1",
                "recommendation": "repeat_indicated",
                "reasons": [{"rule": "R10", "text": "Frozen.", "refs": [1, 3]}],
            }
            kinds["changed"] += 1
        else:
            kinds["unchanged"] += 1
        owner = clinicians[number % CLINICIAN_COUNT]
        batch.append(
            Assessment(
                owner=owner,
                **values,
                status=Assessment.Status.FINAL,
                recommendation=guidance["recommendation"],
                deciding_rule=guidance["reasons"][0]["rule"],
                scenario=guidance["scenario"],
                rules_version=guidance["rules_version"],
                guidance=guidance,
                finalized_at=FINALIZED_AT,
                finalized_by=owner,
            )
        )
        if len(batch) == 2000:
            Assessment.objects.bulk_create(batch)
            batch = []
    Assessment.objects.bulk_create(batch)
    return kinds


def _run_report(path: Path, *candidate: str) -> float:
    start = time.perf_counter()
    with open(Path(tempfile.gettempdir()) / "rules-impact-summary.txt", "w") as summary:
        call_command("rules_impact", *candidate, "--csv", str(path), stdout=summary)
    return time.perf_counter() - start


@override_settings(DEBUG=False)
def run() -> dict:
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        start = time.perf_counter()
        filled = _fill()
        fill_seconds = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "impact.csv"
            seconds = _run_report(path)
            rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
            newest = versions.VERSIONS[-1]
            candidate_seconds = _run_report(path, "--candidate", newest)
            candidate_rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
            tracemalloc.start()
            _run_report(path)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        peak_mb = round(peak / 1024 / 1024, 1)
        return {
            "database": connection.vendor,
            "assessments": Assessment.objects.filter(status=Assessment.Status.FINAL).count(),
            "filled": filled,
            "fill_seconds": round(fill_seconds, 1),
            "csv_rows": rows,
            "seconds": round(seconds, 2),
            "candidate": {
                "version": newest,
                "seconds": round(candidate_seconds, 2),
                "csv_rows": candidate_rows,
            },
            "assessments_per_second": round(ASSESSMENTS / seconds),
            "peak_memory_mb": peak_mb,
            "targets": TARGETS,
            "meets_targets": {
                "seconds": seconds <= TARGETS["seconds"],
                "candidate_seconds": candidate_seconds <= TARGETS["seconds"],
                "peak_memory_mb": peak_mb <= TARGETS["peak_memory_mb"],
            },
        }
    finally:
        teardown_databases(old_config, verbosity=0)
