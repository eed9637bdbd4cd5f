"""The PDF summary: render time of a typical report and of the longest case.

Each figure is the median of several renders (template + WeasyPrint + PDF
bytes) after one warm-up, next to WeasyPrint's time for the same HTML with
no stylesheet, measured in the same run. No database: the assessments are
built in memory and finalized the way `assessment_finalize` does.
"""

import io
import multiprocessing
import os
import re
import statistics
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from pypdf import PdfReader
from weasyprint import HTML

from assessments.models import Assessment
from assessments.reports import pdf
from tests.factories import valid_inputs
from tests.pdf_helpers import LONG_CASE

RUNS = 9
FINALIZED_AT = datetime(2026, 10, 18, 14, 3, tzinfo=UTC)
STYLESHEET_LINK = re.compile(r"<link rel=\"stylesheet\"[^>]*>")
TARGETS = {
    "typical_ms": 250,
    "typical_vs_unstyled": 1.5,
    "longest_ms": 500,
    "peak_memory_mb": 200,
    "pdf_kb": 150,
}


def _final(**overrides) -> Assessment:
    clinician = get_user_model()(username="bench", first_name="Bench", last_name="Clinician")
    # The rules version given, not read from the database (there is none here).
    assessment = Assessment(
        owner=clinician, rules_version=settings.VERTEBRO_RULES_VERSION, **valid_inputs(**overrides)
    )
    assessment.guidance = assessment.evaluate().to_dict()
    assessment.rules_version = assessment.guidance["rules_version"]
    assessment.status = Assessment.Status.FINAL
    assessment.finalized_at = FINALIZED_AT
    assessment.finalized_by = clinician
    return assessment


def _median_ms(action, runs: int = RUNS) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds (CPU time is less disturbed by a busy machine)."""
    action()  # warm-up: fonts and caches
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return round(statistics.median(wall) * 1000, 1), round(statistics.median(cpu) * 1000, 1)


def _pages(document: bytes) -> int:
    return len(PdfReader(io.BytesIO(document)).pages)


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _pdf_worker_peak(queue) -> None:
    """In a fresh process: start as a server worker does (settings, URLconf), print both
    reports, and put the process's peak resident memory on `queue`."""
    import django

    django.setup()
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (a worker imports the URLconf at start-up)
    for overrides in ({}, LONG_CASE):
        pdf.assessment_pdf(_final(**overrides))
    queue.put(_vm_hwm_mb())


def _fresh_process_peak_mb() -> float:
    """The peak memory of a process that serves PDFs, measured in a process of its own: this
    benchmark's own peak also holds whatever the sections before it (the rules) left."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    worker = context.Process(target=_pdf_worker_peak, args=(queue,))
    worker.start()
    peak = queue.get(timeout=300)
    worker.join()
    return peak


def run() -> dict:
    typical, longest = _final(), _final(**LONG_CASE)
    typical_html = pdf.report_html(typical)
    unstyled_html = STYLESHEET_LINK.sub("", typical_html)

    typical_ms, typical_cpu_ms = _median_ms(lambda: pdf.assessment_pdf(typical))
    unstyled_ms, unstyled_cpu_ms = _median_ms(lambda: HTML(string=unstyled_html).write_pdf())
    longest_ms, longest_cpu_ms = _median_ms(lambda: pdf.assessment_pdf(longest))
    typical_pdf = pdf.assessment_pdf(typical)
    longest_pdf = pdf.assessment_pdf(longest)

    tracemalloc.start()
    pdf.assessment_pdf(longest)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    figures = {
        "typical_ms_median": typical_ms,
        "unstyled_same_html_ms_median": unstyled_ms,
        "typical_vs_unstyled": round(typical_ms / unstyled_ms, 2),
        "longest_ms_median": longest_ms,
        "cpu_ms_median": {
            "typical": typical_cpu_ms,
            "unstyled_same_html": unstyled_cpu_ms,
            "longest": longest_cpu_ms,
        },
        "load_average_1min": round(os.getloadavg()[0], 2),
        "typical_pdf_kb": round(len(typical_pdf) / 1024, 1),
        "longest_pdf_kb": round(len(longest_pdf) / 1024, 1),
        "typical_pages": _pages(typical_pdf),
        "unstyled_pages": _pages(HTML(string=unstyled_html).write_pdf()),
        "longest_pages": _pages(longest_pdf),
        "render_python_peak_mb": round(traced_peak / 1024 / 1024, 1),
        # The peak of a process that prints PDFs (started afresh); the target reads this one.
        "process_peak_rss_mb": _fresh_process_peak_mb(),
        # This benchmark process's own peak: every section run before this one is in it.
        "bench_process_peak_rss_mb": _vm_hwm_mb(),
        "runs": RUNS,
        "targets": TARGETS,
    }
    figures["within_targets"] = (
        typical_ms <= TARGETS["typical_ms"]
        and figures["typical_vs_unstyled"] <= TARGETS["typical_vs_unstyled"]
        and longest_ms <= TARGETS["longest_ms"]
        and figures["process_peak_rss_mb"] <= TARGETS["peak_memory_mb"]
        and max(figures["typical_pdf_kb"], figures["longest_pdf_kb"]) <= TARGETS["pdf_kb"]
    )
    return figures
