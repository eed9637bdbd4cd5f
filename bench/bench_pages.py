"""The clinician's pages: each step's GET and POST, review, result and My assessments.

Django test client, warm (each URL requested once before timing), signed in,
on a throwaway test database (in-memory SQLite by default). A bare
login-required Django view through the same middleware stack is the
machine's yardstick: what a page costs beyond it is the page's own work.
"""

import os
import statistics
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import override_settings, setup_databases, teardown_databases
from django.urls import include, path, reverse
from django.utils import timezone

from assessments import services
from assessments.models import Assessment
from vertebro_rules import inputs

RUNS = 30
LIST_ROWS = 20
TARGETS = {"get_ms": 20, "post_ms": 30}


@login_required
def bare_view(request):
    return HttpResponse("ok")


# This module is the URL configuration while the benchmark runs: the project's URLs
# plus the bare view.
urlpatterns = [
    path("bench/bare/", bare_view, name="bench-bare"),
    path("", include("vertebro_site.urls")),
]


def _case() -> dict:
    today = timezone.localdate()
    return {
        "patient_ref": "BENCH-0001",
        "patient_age": 70,
        "sex": "female",
        "treated_level": "L1",
        "index_procedure_date": today - timedelta(days=17),
        "fracture_etiology": "osteoporotic",
        "prior_vertebral_fractures": 0,
        "assessment_date": today,
        "initial_response": "no_relief",
        "vas_current": 8,
        "conservative_therapy_weeks": 2,
        "mri_performed": True,
        "active_fracture_location": "treated_level",
        "cleft_sign": "absent",
        "marrow_edema": "present",
        "fluid_at_cement_interface": False,
        "cement_fill": "inadequate",
        "point_tenderness": "present",
        "neuro_exam": "normal",
        "contraindications": [],
    }


def _post_body(step: int, values: dict, version: int) -> dict:
    body = {"version": str(version)}
    for name in inputs.fields_of_step(step):
        value = values.get(name)
        if value is None or value == []:
            continue
        body[name] = value if isinstance(value, list) else str(value)
        if isinstance(value, bool):
            body[name] = "True" if value else "False"
        elif hasattr(value, "isoformat"):
            body[name] = value.isoformat()
    return body


def _median(timings: list[float], cpu: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(timings), 2),
        "max_ms": round(max(timings), 2),
        # CPU time of this process (server and SQLite run in it): steadier on a busy machine.
        "cpu_median_ms": round(statistics.median(cpu), 2),
    }


def _time_get(client: Client, url: str) -> dict:
    client.get(url)  # warm-up
    timings, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return _median(timings, cpu)


def _time_post(client: Client, url: str, step: int, assessment: Assessment, values: dict) -> dict:
    timings, cpu = [], []
    for run in range(RUNS + 1):
        version = Assessment.objects.values_list("version", flat=True).get(pk=assessment.pk)
        body = _post_body(step, values, version)
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.post(url, body)
        elapsed = (time.perf_counter() - start) * 1000
        elapsed_cpu = (time.process_time() - start_cpu) * 1000
        assert response.status_code == 302, (url, response.status_code)
        if run:  # the first is the warm-up
            timings.append(elapsed)
            cpu.append(elapsed_cpu)
    return _median(timings, cpu)


def _measure() -> dict:
    User = get_user_model()
    clinician = User.objects.create_user(username="bench-clinician", first_name="Bench")
    values = _case()
    draft = Assessment.objects.create(owner=clinician, **values)
    final = Assessment.objects.create(owner=clinician, **{**values, "patient_ref": "BENCH-F"})
    services.assessment_finalize(assessment=final, user=clinician)
    for number in range(LIST_ROWS - 2):
        Assessment.objects.create(owner=clinician, **{**values, "patient_ref": f"BENCH-{number}"})

    client = Client(HTTP_HOST="localhost")
    client.force_login(clinician)
    figures = {"yardstick_bare_view": _time_get(client, reverse("bench-bare"))}
    for step in (1, 2, 3, 4):
        url = reverse("assessments:step", args=[draft.pk, step])
        figures[f"step_{step}_get"] = _time_get(client, url)
        figures[f"step_{step}_post"] = _time_post(client, url, step, draft, values)
    figures["review_get"] = _time_get(client, reverse("assessments:review", args=[draft.pk]))
    figures["result_draft_get"] = _time_get(client, reverse("assessments:result", args=[draft.pk]))
    figures["result_final_get"] = _time_get(client, reverse("assessments:result", args=[final.pk]))
    figures["my_assessments_20_rows_get"] = _time_get(client, reverse("assessments:list"))

    gets = [value["median_ms"] for key, value in figures.items() if key.endswith("_get")]
    posts = [value["median_ms"] for key, value in figures.items() if key.endswith("_post")]
    cpu_gets = [value["cpu_median_ms"] for key, value in figures.items() if key.endswith("_get")]
    cpu_posts = [value["cpu_median_ms"] for key, value in figures.items() if key.endswith("_post")]
    return {
        "pages": figures,
        "runs": RUNS,
        "targets": TARGETS,
        "slowest_get_ms": max(gets),
        "slowest_post_ms": max(posts),
        "slowest_get_cpu_ms": max(cpu_gets),
        "slowest_post_cpu_ms": max(cpu_posts),
        "meets_targets": {
            "get_ms": max(gets) <= TARGETS["get_ms"],
            "post_ms": max(posts) <= TARGETS["post_ms"],
            "get_cpu_ms": max(cpu_gets) <= TARGETS["get_ms"],
            "post_cpu_ms": max(cpu_posts) <= TARGETS["post_ms"],
        },
        "load_average_1min": round(os.getloadavg()[0], 2),
        "database": connection.vendor,
    }


# Not setup_test_environment(): its template instrumentation would make every render
# slower than in production. DEBUG off as in production.
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def run() -> dict:
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        return _measure()
    finally:
        teardown_databases(old_config, verbosity=0)
