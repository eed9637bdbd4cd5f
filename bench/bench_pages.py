"""The clinician's pages: each step's GET and POST, review, result and My assessments.

Django test client, warm (each URL requested once before timing), signed in,
on a throwaway test database (in-memory SQLite by default). A bare
login-required Django view through the same middleware stack is the
machine's yardstick: what a page costs beyond it is the page's own work.
Each page's figure is also given as a ratio to the yardstick (`ratio`, on the
CPU-time medians, steadier on a busy machine), printed as a table on standard
error with its target: at most 3× for every step GET and POST, the review and
the result, 5× for My assessments with 20 rows. The pages are measured in
interleaved rounds (every page once a round), so a burst of load elsewhere
falls on all of them alike.
"""

import functools
import os
import statistics
import sys
import time
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import override_settings, setup_databases, teardown_databases
from django.urls import include, path, reverse
from django.utils import timezone

from assessments import services
from assessments.models import Assessment
from assessments.roles import CLINICIANS, clinician_required

RUNS = 30
LIST_ROWS = 20
TARGETS = {"get_ms": 20, "post_ms": 30}
# The most each page may cost, as a multiple of the bare login-required view.
RATIO_TARGET = 3.0
RATIO_TARGETS = {"my_assessments_20_rows_get": 5.0}
FORM_ENCODED = "application/x-www-form-urlencoded"


@login_required
def bare_view(request):
    return HttpResponse("ok")


# The page frame alone (base.html with nothing in it, behind the clinicians' gate): what
# every clinician's page costs before its own content. Printed, not held to a target.
EMPTY_PAGE = '{% extends "base.html" %}{% block content %}{% endblock %}'


@functools.cache
def _empty_page():
    return engines["django"].from_string(EMPTY_PAGE)


@clinician_required
def empty_frame_view(request):
    return HttpResponse(_empty_page().render({}, request))


# This module is the URL configuration while the benchmark runs: the project's URLs
# plus the bare view and the empty frame.
urlpatterns = [
    path("bench/bare/", bare_view, name="bench-bare"),
    path("bench/frame/", empty_frame_view, name="bench-frame"),
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
        # Yes/no questions asked with neither answer chosen: answered "No".
        "infection_signs": False,
        "complication_assessed": False,
        "contraindications": [],
    }


def _post_body(step: int, values: dict, version: int, assessment: Assessment) -> dict:
    body = {"version": str(version)}
    # The fields this step asks under the assessment's rules version.
    for name in assessment.rules().fields_of_step(step):
        value = values.get(name)
        if value is None or value == []:
            continue
        body[name] = value if isinstance(value, list) else str(value)
        if isinstance(value, bool):
            body[name] = "True" if value else "False"
        elif hasattr(value, "isoformat"):
            body[name] = value.isoformat()
    return body


def _summary(timings: list[float], cpu: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(timings), 2),
        "max_ms": round(max(timings), 2),
        # CPU time of this process (server and SQLite run in it): steadier on a busy machine.
        "cpu_median_ms": round(statistics.median(cpu), 2),
    }


def _getter(client: Client, url: str):
    def request() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return request


def _poster(client: Client, url: str, step: int, assessment: Assessment, values: dict):
    def request() -> None:
        version = Assessment.objects.values_list("version", flat=True).get(pk=assessment.pk)
        # Encoded as the step form sends it (no enctype: urlencoded), not as the test
        # client's default multipart, which no browser sends here.
        body = urlencode(_post_body(step, values, version, assessment), doseq=True)
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.post(url, body, content_type=FORM_ENCODED)
        request.elapsed = (time.perf_counter() - start, time.process_time() - start_cpu)
        assert response.status_code == 302, (url, response.status_code)

    return request


def _time(pages: dict) -> dict:
    """Every page RUNS times, in rounds of one request each, after one warm-up request each."""
    timings = {name: ([], []) for name in pages}
    for request in pages.values():
        request()  # warm-up
    for _ in range(RUNS):
        for name, request in pages.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            request()
            elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            # A POST times the request alone, not the read of the version it sends.
            elapsed, elapsed_cpu = getattr(request, "elapsed", (elapsed, elapsed_cpu))
            timings[name][0].append(elapsed * 1000)
            timings[name][1].append(elapsed_cpu * 1000)
    return {name: _summary(*timings[name]) for name in pages}


def _ratios(figures: dict) -> dict:
    """Each page's CPU median as a multiple of the bare view's, with its target."""
    bare = figures["yardstick_bare_view"]["cpu_median_ms"]
    return {
        name: {
            "ratio": round(value["cpu_median_ms"] / bare, 2),
            "target": RATIO_TARGETS.get(name, RATIO_TARGET),
            "within": value["cpu_median_ms"] / bare <= RATIO_TARGETS.get(name, RATIO_TARGET),
        }
        for name, value in figures.items()
        if name != "yardstick_bare_view"
    }


def _frame_ratio(figures: dict) -> float:
    """The empty frame's CPU median as a multiple of the bare view's."""
    bare = figures["yardstick_bare_view"]["cpu_median_ms"]
    return round(figures["yardstick_empty_frame"]["cpu_median_ms"] / bare, 2)


def _print_table(figures: dict, ratios: dict) -> None:
    bare = figures["yardstick_bare_view"]
    frame = figures["yardstick_empty_frame"]
    lines = [
        f"{'page':<30} {'median ms':>10} {'cpu ms':>8} {'× bare':>7} {'target':>7}",
        f"{'bare login-required view':<30} {bare['median_ms']:>10.2f} "
        f"{bare['cpu_median_ms']:>8.2f} {1:>7.2f}",
        f"{'empty page frame':<30} {frame['median_ms']:>10.2f} "
        f"{frame['cpu_median_ms']:>8.2f} {_frame_ratio(figures):>7.2f}",
    ]
    for name, ratio in ratios.items():
        value = figures[name]
        mark = "" if ratio["within"] else "  over"
        lines.append(
            f"{name:<30} {value['median_ms']:>10.2f} {value['cpu_median_ms']:>8.2f} "
            f"{ratio['ratio']:>7.2f} {ratio['target']:>6.0f}×{mark}"
        )
    print("\n".join(lines), file=sys.stderr)


def _measure() -> dict:
    User = get_user_model()
    clinician = User.objects.create_user(username="bench-clinician", first_name="Bench")
    clinician.groups.add(Group.objects.get(name=CLINICIANS))
    values = _case()
    draft = Assessment.objects.create(owner=clinician, **values)
    final = Assessment.objects.create(owner=clinician, **{**values, "patient_ref": "BENCH-F"})
    services.assessment_finalize(assessment=final, user=clinician)
    for number in range(LIST_ROWS - 2):
        Assessment.objects.create(owner=clinician, **{**values, "patient_ref": f"BENCH-{number}"})

    client = Client(HTTP_HOST="localhost")
    client.force_login(clinician)
    pages = {
        "yardstick_bare_view": _getter(client, reverse("bench-bare")),
        "yardstick_empty_frame": _getter(client, reverse("bench-frame")),
    }
    for step in (1, 2, 3, 4):
        url = reverse("assessments:step", args=[draft.pk, step])
        pages[f"step_{step}_get"] = _getter(client, url)
        pages[f"step_{step}_post"] = _poster(client, url, step, draft, values)
    pages["review_get"] = _getter(client, reverse("assessments:review", args=[draft.pk]))
    pages["result_draft_get"] = _getter(client, reverse("assessments:result", args=[draft.pk]))
    pages["result_final_get"] = _getter(client, reverse("assessments:result", args=[final.pk]))
    pages["my_assessments_20_rows_get"] = _getter(client, reverse("assessments:list"))
    figures = _time(pages)
    ratios = _ratios({k: v for k, v in figures.items() if k != "yardstick_empty_frame"})
    _print_table(figures, ratios)

    gets = [value["median_ms"] for key, value in figures.items() if key.endswith("_get")]
    posts = [value["median_ms"] for key, value in figures.items() if key.endswith("_post")]
    cpu_gets = [value["cpu_median_ms"] for key, value in figures.items() if key.endswith("_get")]
    cpu_posts = [value["cpu_median_ms"] for key, value in figures.items() if key.endswith("_post")]
    return {
        "pages": figures,
        "ratios": ratios,
        "empty_frame_ratio": _frame_ratio(figures),
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
            "ratios": all(ratio["within"] for ratio in ratios.values()),
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
