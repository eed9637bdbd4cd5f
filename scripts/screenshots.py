"""`make screenshots`: docs/screenshots/ — each page of Vertebro at 1280, 768 and 390 px.

Runs a throwaway server with the demo data (scripts/demo_server.py), signs in as the demo
clinician and the demo reviewer in Debian's Chromium and saves one full-page PNG per page
and width, named <page>-<width>.png.
"""

import re
import sys
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


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        clinician = browser.new_context()
        sign_in(clinician, url, "demo")
        clinician_pages = _pages(clinician.new_page(), url)
        reviewer = browser.new_context()
        sign_in(reviewer, url, "reviewer")
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
