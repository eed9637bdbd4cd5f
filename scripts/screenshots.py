"""`make screenshots`: docs/screenshots/ — each page of Vertebro at 1280, 768 and 390 px.

Runs a throwaway server with the demo data (scripts/demo_server.py), signs in as the demo
clinician and the demo reviewer in Debian's Chromium and saves one full-page PNG per page
and width, named <page>-<width>.png; then the outcomes audit's sections at the width each is
shown at (audit-<section>-<width>.png) and pages of its PDF (audit-pdf-<page>.png, drawn by
Poppler's pdftoppm at 70 dpi).
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_server import CHROMIUM, CHROMIUM_ARGS, demo_server, sign_in

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
WIDTHS = (1280, 768, 390)


def _pages(page, url):
    """(name, address) of every page to show, found by following the demo data's links."""

    def link(patient_ref: str) -> str:
        page.goto(f"{url}?q={patient_ref}")
        return page.get_by_role("link", name=patient_ref, exact=True).get_attribute("href")

    draft, partial, final = link("MRN-DEMO-004"), link("MRN-DEMO-012"), link("MRN-DEMO-003")
    page.goto(url.rstrip("/") + draft)
    review = page.url  # a complete draft opens on its review
    step = re.sub(r"review/$", "step/{}/", review)
    page.goto(url.rstrip("/") + final)
    result = page.url
    page.goto(url.rstrip("/") + partial)
    return [
        ("my-assessments", url),
        ("new-assessment", url + "assessments/new/"),
        ("step-1", step.format(1)),
        ("step-2", step.format(2)),
        ("step-3", step.format(3)),
        ("step-4", step.format(4)),
        ("step-3-of-a-partial-draft", page.url),
        ("review", review),
        ("finalize", review.replace("review/", "finalize/")),
        ("result", result),
        ("print-preview", result.replace("result/", "report/")),
        ("outcomes", result.replace("result/", "outcomes/")),
        ("password-change", url + "accounts/password_change/"),
    ]


def _reviewer_pages(url):
    return [
        ("reviewer-home", url),
        ("admin-list", url + "admin/assessments/assessment/"),
        ("admin-access-log", url + "admin/assessments/accesslogentry/"),
        ("outcomes-audit", url + "audit/outcomes/"),
    ]


def _shoot(context, pages):
    page = context.new_page()
    for name, address in pages:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(address)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / f"{name}-{width}.png", full_page=True)
            print(f"{name}-{width}.png")


# (picture, width, who looks, the section's heading id; None: the top of the page)
AUDIT_SECTIONS = (
    ("audit-top", 1280, "reviewer", None),
    ("audit-funnel-plots", 768, "reviewer", "funnels-title"),
    ("audit-run-chart", 390, "reviewer", "trend-title"),
    ("audit-completeness", 390, "reviewer", "completeness-title"),
    ("audit-fair-comparisons", 1280, "reviewer", "repeat-title"),
    ("audit-cases-for-the-meeting", 1280, "reviewer", "cases-title"),
    # A clinician sees the department with the others unnamed and their own row marked.
    ("audit-department-view", 1280, "clinician", "completeness-title"),
)
# (picture, a phrase found only on that page of the PDF; None: its first page)
AUDIT_PDF_PAGES = (
    ("audit-pdf-page-1", None),
    ("audit-pdf-funnel", "Clinicians against the department"),
    ("audit-pdf-comparisons", "Beside the published series"),
    ("audit-pdf-cases", "Cases for the meeting"),
)


def _shoot_audit(contexts, url):
    address = url + "audit/outcomes/"
    pages = {who: context.new_page() for who, context in contexts.items()}
    for name, width, who, heading in AUDIT_SECTIONS:
        page = pages[who]
        page.set_viewport_size({"width": width, "height": 1000})
        page.goto(address)
        page.wait_for_load_state("networkidle")
        path = OUT / f"{name}-{width}.png"
        if heading is None:
            page.screenshot(path=path)
        else:
            page.locator(f'section[aria-labelledby="{heading}"]').screenshot(path=path)
        print(path.name)
    response = pages["reviewer"].request.get(url + "audit/outcomes.pdf")
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "audit.pdf"
        pdf.write_bytes(response.body())
        text = subprocess.run(
            ["pdftotext", "-layout", pdf, "-"], check=True, capture_output=True, text=True
        ).stdout
        # pdftotext ends each page with a form feed.
        page_texts = text.split("\f")
        for name, phrase in AUDIT_PDF_PAGES:
            # The first page after the first holding the phrase (page 1 may name it too).
            number = 1
            if phrase is not None:
                number = next(i for i, page in enumerate(page_texts, 1) if i > 1 and phrase in page)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "70",
                    "-singlefile",
                    "-f",
                    str(number),
                    "-l",
                    str(number),
                    pdf,
                    OUT / name,
                ],
                check=True,
            )
            print(f"{name}.png (page {number})")


def main():
    """Every picture; with --audit, the outcomes audit's only."""
    audit_only = "--audit" in sys.argv[1:]
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        clinician = browser.new_context()
        sign_in(clinician, url, "demo")
        reviewer = browser.new_context()
        sign_in(reviewer, url, "reviewer")
        for old in OUT.glob("audit-*.png"):
            old.unlink()
        _shoot_audit({"clinician": clinician, "reviewer": reviewer}, url)
        if audit_only:
            browser.close()
            return
        clinician_pages = _pages(clinician.new_page(), url)
        # Only this script's own pictures are replaced (the audit's views and PDF pages in the
        # same folder are made apart).
        names = {name for name, _ in [*clinician_pages, *_reviewer_pages(url)]}
        for old in OUT.glob("*.png"):
            if old.stem.rsplit("-", 1)[-1] in {str(w) for w in WIDTHS} and (
                old.stem.rsplit("-", 1)[0] in names
            ):
                old.unlink()
        _shoot(clinician, clinician_pages)
        _shoot(reviewer, _reviewer_pages(url))
        browser.close()


if __name__ == "__main__":
    main()
