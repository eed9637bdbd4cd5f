"""The admin changelist with 10,000 assessments, and CSV export throughput.

Runs on a throwaway test database (django.test.utils: in-memory SQLite by
default) filled with bulk_create: 10,000 assessments from random valid cases,
most of them finalized with their frozen guidance, spread over 20 clinicians.
"""

import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from cases import random_cases
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    override_settings,
    setup_databases,
    teardown_databases,
)
from django.urls import reverse

from assessments.admin import AssessmentAdmin
from assessments.models import Assessment
from assessments.reports import export
from assessments.roles import REVIEWERS, ensure_roles
from vertebro_rules.inputs import INPUT_FIELD_NAMES
from vertebro_rules.rules import evaluate
from vertebro_rules.validation import validate_case

ROWS = 10_000
CLINICIANS = 20
RUNS = 15
EXPORT_RUNS = 3
TODAY = datetime(2026, 11, 25, tzinfo=UTC).date()
FINALIZED_AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TARGETS = {"changelist_ms": 150, "csv_rows_per_second": 20_000}


def _fill() -> object:
    User = get_user_model()
    clinicians = User.objects.bulk_create(
        User(username=f"clinician{n:02d}", first_name="Clinician", last_name=f"{n:02d}")
        for n in range(CLINICIANS)
    )
    assessments = []
    for number, case in enumerate(random_cases(ROWS, today=TODAY)):
        inputs = validate_case(case, today=TODAY)
        values = {name: getattr(inputs, name) for name in INPUT_FIELD_NAMES}
        values["contraindications"] = list(values["contraindications"])
        owner = clinicians[number % CLINICIANS]
        assessment = Assessment(owner=owner, **values)
        if number % 5:  # four in five are final
            result = evaluate(inputs)
            assessment.status = Assessment.Status.FINAL
            assessment.guidance = result.to_dict()
            assessment.rules_version = result.rules_version
            assessment.scenario = result.scenario
            assessment.recommendation = result.recommendation
            assessment.deciding_rule = result.reasons[0].rule
            assessment.finalized_at = FINALIZED_AT
            assessment.finalized_by = owner
        assessments.append(assessment)
    Assessment.objects.bulk_create(assessments, batch_size=1000)
    ensure_roles()
    reviewer = User.objects.create_user(username="bench-reviewer", is_staff=True)
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))
    return reviewer


def _time_get(client: Client, url: str, params: dict) -> dict:
    """Median and worst time of a GET through the whole middleware stack.

    The CPU time of this process is reported too: on a busy machine it is
    the steadier figure (the database is in the same process).
    """
    client.get(url, params)  # warm-up
    wall, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, params)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    return {
        "median_ms": round(statistics.median(wall), 1),
        "max_ms": round(max(wall), 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
    }


def _with_page_size(per_page: int, measure):
    saved = AssessmentAdmin.list_per_page
    AssessmentAdmin.list_per_page = per_page
    try:
        return measure()
    finally:
        AssessmentAdmin.list_per_page = saved


def _queries(client: Client, url: str, per_page: int) -> int:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    return _with_page_size(per_page, count)


def _export(path: Path) -> tuple[float, float, int]:
    start, start_cpu = time.perf_counter(), time.process_time()
    with open(path, "w", newline="", encoding="utf-8") as stream:
        count = export.write_csv(Assessment.objects.all(), stream)
    return time.perf_counter() - start, time.process_time() - start_cpu, count


def _measure(reviewer) -> dict:
    client = Client(HTTP_HOST="localhost")
    client.force_login(reviewer)
    url = reverse("admin:assessments_assessment_changelist")
    changelist = {
        "assessments": Assessment.objects.count(),
        "page_size": AssessmentAdmin.list_per_page,
        "unfiltered": _time_get(client, url, {}),
        "filtered_repeat_indicated_one_month": _time_get(
            client,
            url,
            {
                "recommendation": "repeat_indicated",
                "assessment_date__year": 2026,
                "assessment_date__month": 11,
            },
        ),
        "search_patient_ref": _time_get(client, url, {"q": "MRN-0001"}),
        "unfiltered_100_rows": _with_page_size(100, lambda: _time_get(client, url, {})),
        "queries_by_page_size": {size: _queries(client, url, size) for size in (10, 50, 100)},
    }
    counts = set(changelist["queries_by_page_size"].values())
    changelist["query_count_constant"] = len(counts) == 1

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export.csv"
        runs = [_export(target) for _ in range(EXPORT_RUNS)]
        seconds = statistics.median(elapsed for elapsed, _, _ in runs)
        cpu_seconds = statistics.median(cpu for _, cpu, _ in runs)
        rows = runs[0][2]
        tracemalloc.start()
        _export(target)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        size = target.stat().st_size
    csv_figures = {
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds),
        "rows_per_cpu_second": round(rows / cpu_seconds),
        "file_mb": round(size / 1e6, 2),
        "peak_python_memory_mb": round(peak / 1e6, 2),
        "chunk_size": export.CHUNK_SIZE,
    }
    return {
        "changelist": changelist,
        "csv_export": csv_figures,
        "targets": TARGETS,
        "meets_targets": {
            "changelist_ms": changelist["unfiltered"]["median_ms"] <= TARGETS["changelist_ms"],
            "csv_rows_per_second": csv_figures["rows_per_second"] >= TARGETS["csv_rows_per_second"],
            "query_count_constant": changelist["query_count_constant"],
        },
        "database": connection.vendor,
    }


# Not setup_test_environment(): its template instrumentation (for test assertions) would
# make every render slower than in production. DEBUG off as in production.
@override_settings(DEBUG=False)
def run() -> dict:
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        start = time.perf_counter()
        reviewer = _fill()
        fill_seconds = time.perf_counter() - start
        figures = _measure(reviewer)
        figures["fill_seconds"] = round(fill_seconds, 1)
        return figures
    finally:
        teardown_databases(old_config, verbosity=0)
