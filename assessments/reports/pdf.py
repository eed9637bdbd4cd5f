"""The PDF summary: Django renders the report HTML, WeasyPrint prints it.

No network in this path: the report's stylesheets are static files read from
disk by the fetcher of `static_file_fetcher`; any other URL is refused. No Bootstrap
either: the report has a print stylesheet of its own (static/pdf/).

WeasyPrint is imported on the first PDF, not with this module: the URLconf imports the
views that import this module, and every process (each server worker, test run and
management command) would otherwise pay for it at start-up.
"""

import re
from datetime import datetime
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.templatetags.static import static

from assessments.models import Assessment
from assessments.reports.report import build_report

TEMPLATE = "assessments/pdf/report.html"
# The report's URLs are resolved against this origin, which is never contacted:
# the fetcher serves its static paths from disk and refuses everything else.
BASE_URL = "https://vertebro.report.invalid/"
CONTENT_TYPES = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}


@cache
def _static_file_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFileFetcher(URLFetcher):
        """Serve static files from disk (collected or found by the finders); refuse the rest."""

        def __init__(self):
            super().__init__(allowed_protocols=())

        def fetch(self, url, headers=None):
            path = static_path_for(url)
            if path is None:
                raise ValueError(f"The report fetches nothing but its static files, not {url!r}.")
            return URLFetcherResponse(
                url,
                path.read_bytes(),
                headers={
                    "Content-Type": CONTENT_TYPES.get(path.suffix, "application/octet-stream")
                },
            )

    return StaticFileFetcher


def static_file_fetcher():
    """WeasyPrint's URL fetcher for the report: its static files from disk, nothing else."""
    return _static_file_fetcher_class()()


def static_path_for(url: str) -> Path | None:
    """The file on disk behind a static URL of the report, or None."""
    prefix = BASE_URL.rstrip("/") + static("")
    if not url.startswith(prefix):
        return None
    name = url[len(prefix) :].split("?")[0].split("#")[0]
    if not name or ".." in Path(name).parts:
        return None
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    found = finders.find(name)
    return Path(found) if found else None


def report_html(
    assessment: Assessment, *, generated_at: datetime | None = None, preview_links=None
) -> str:
    """The report as HTML: what WeasyPrint prints, and the browser preview."""
    return render_to_string(
        TEMPLATE,
        {
            "report": build_report(assessment, generated_at=generated_at),
            "preview_links": preview_links,
        },
    )


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=static_file_fetcher()).write_pdf()


def assessment_pdf(assessment: Assessment, *, generated_at: datetime | None = None) -> bytes:
    return html_to_pdf(report_html(assessment, generated_at=generated_at))


def pdf_filename(assessment: Assessment) -> str:
    """`vertebro-<patient ref>-<assessment date>.pdf`, in safe characters only."""
    patient = re.sub(r"[^A-Za-z0-9]+", "-", assessment.patient_ref or "").strip("-")[:40]
    day = assessment.assessment_date or assessment.created.date()
    parts = ["vertebro", patient or "assessment", day.isoformat()]
    if assessment.is_draft:
        parts.append("draft")
    return "-".join(parts) + ".pdf"
