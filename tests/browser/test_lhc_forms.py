"""Vertebro's Questionnaire in LHC-Forms, the US National Library of Medicine's FHIR form
renderer (npm `lforms`, pinned in package.json, served from node_modules), in Chromium.

What LHC-Forms 40.1.3 enforces of the Questionnaire, as its own `sdc-support.md` and
`r4-support.md` list it and as this test sees it: `required`, `maxLength`, `enableWhen`, and
`minValue` / `maxValue` on integers and decimals. What it ignores: `questionnaire-constraint`
(the cross-field rules and the earliest index date; "constraint" is under "Not yet
supported"), and `minValue` / `maxValue` on dates (a date `minValue` it compares as a number,
refusing every date: the reason the earliest index date is a constraint). Its date picker
takes no impossible calendar date (30 Feb): the question keeps the answer it had. So a date
LHC-Forms lets through out of range (before 1985) is refused by Vertebro's import, which
checks every answer as the web forms do, naming the question.
"""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment
from interop.fhir.questionnaire import build_questionnaire, earliest_date_key
from interop.fhir.response import ResponseRefused, import_response
from tests.browser.conftest import watch_console
from tests.interop.fhir_invariants import constraint_results

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LFORMS = (
    Path(__file__).resolve().parents[2] / "node_modules" / "lforms" / "dist" / "lforms"
).resolve()
MOUNT = "/lhc-forms/"
# The files LHC-Forms' README lists, in its order (the web component's modules, then the R4
# support library, deferred so that it runs after them).
HOST_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LHC-Forms</title>
<link rel="stylesheet" href="{MOUNT}webcomponent/styles.css">
<script src="{MOUNT}webcomponent/assets/lib/zone.min.js"></script>
<script src="{MOUNT}webcomponent/runtime.js" type="module"></script>
<script src="{MOUNT}webcomponent/polyfills.js" type="module"></script>
<script src="{MOUNT}webcomponent/main.js" type="module"></script>
<script src="{MOUNT}fhir/R4/lformsFHIR.min.js" defer></script>
</head><body><h1>LHC-Forms</h1><div id="form"></div></body></html>"""
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


def serve_lforms(route):
    """LHC-Forms' files from node_modules, under the live server's origin."""
    path = route.request.url.split(MOUNT, 1)[1].split("?", 1)[0]
    if not path:
        route.fulfill(body=HOST_PAGE, content_type="text/html")
        return
    file = (LFORMS / path).resolve()
    if not file.is_relative_to(LFORMS) or not file.is_file():
        route.fulfill(status=404, body="not in lforms")
        return
    route.fulfill(path=file, content_type=CONTENT_TYPES.get(file.suffix))


@pytest.fixture
def lhc_form(page, live_server):
    """A page with Vertebro's Questionnaire, fetched from its URL on the live server, rendered
    by LHC-Forms; console errors are collected in `page.errors`."""
    assert (LFORMS / "webcomponent" / "main.js").is_file(), "npm ci installs lforms"
    page.errors = watch_console(page)
    page.route(f"{live_server.url}{MOUNT}**", serve_lforms)
    page.goto(live_server.url + MOUNT)
    page.wait_for_function("() => !!(window.LForms && LForms.Util && LForms.FHIR)")
    page.evaluate(
        """async () => {
            const response = await fetch('/fhir/Questionnaire/vertebro-assessment');
            await LForms.Util.addFormToPage(await response.json(), 'form', {fhirVersion: 'R4'});
        }"""
    )
    expect(page.locator("[id='patient_ref/1/1']")).to_be_visible()
    return page


def question(page, link_id):
    return page.locator(f"[id='{link_id}/1/1']")


def type_text(page, link_id, text):
    field = question(page, link_id)
    field.fill(text)
    field.press("Tab")


def type_date(page, link_id, us_date):
    """A date as LHC-Forms' picker reads it (MM/DD/YYYY), confirmed with Enter."""
    field = question(page, link_id).locator("input")
    field.click()
    field.fill(us_date)
    field.press("Enter")
    field.press("Tab")


def choose(page, link_id, label):
    """An answer option picked from LHC-Forms' autocomplete list."""
    field = question(page, link_id)
    field.click()
    field.press_sequentially(label)
    page.locator("#completionOptions li", has_text=label).first.click()
    expect(field).to_have_value(re.compile(rf"^{re.escape(label)}"))


def yes_no(page, link_id, value: bool):
    page.locator(f"[id='{link_id}/1/1|{str(value).lower()}']").click()


def us(day) -> str:
    return day.strftime("%m/%d/%Y")


def validity_errors(page) -> list[str]:
    return page.evaluate("() => LForms.Util.checkValidity('#form')") or []


def response_of(page) -> dict:
    return page.evaluate(
        "() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', '#form')"
    )


def test_a_case_typed_in_lhc_forms_is_valid_there_and_imported_with_its_dates(lhc_form, alice):
    page = lhc_form
    today = timezone.localdate()
    index_date, assessment_date = today - timedelta(days=60), today - timedelta(days=3)

    # An impossible calendar date is not taken: the required question stays unanswered and
    # LHC-Forms says so beside it.
    type_date(page, "assessment_date", "02/30/2026")
    expect(question(page, "assessment_date").locator("input")).to_have_value("")
    assert "Assessment date requires a value" in validity_errors(page)
    expect(page.locator("#form .validation-error", has_text="Assessment date")).to_contain_text(
        "requires a value"
    )

    type_text(page, "patient_ref", "MRN-LHC-1")
    type_text(page, "patient_age", "70")
    choose(page, "sex", "Female")
    choose(page, "treated_level", "L1")
    type_date(page, "index_procedure_date", us(index_date))
    choose(page, "fracture_etiology", "Osteoporotic")
    type_text(page, "prior_vertebral_fractures", "0")
    type_date(page, "assessment_date", us(assessment_date))
    choose(page, "initial_response", "No relief after the index procedure")
    type_text(page, "vas_current", "8")
    yes_no(page, "mri_performed", True)
    choose(page, "active_fracture_location", "At the treated level")
    choose(page, "cleft_sign", "Absent")
    choose(page, "marrow_edema", "Present")
    yes_no(page, "fluid_at_cement_interface", False)
    choose(page, "cement_fill", "Inadequate")
    choose(page, "point_tenderness", "Present")
    choose(page, "neuro_exam", "Normal")
    page.get_by_role("heading", name="LHC-Forms").click()  # leave the last field

    # enableWhen: the recurrence date is asked only after relief, then recurrence.
    expect(question(page, "recurrence_date")).to_have_count(0)
    assert validity_errors(page) == []
    expect(page.locator("#form .validation-error")).to_have_count(0)

    typed = response_of(page)
    assert typed["questionnaire"].split("|") == [
        build_questionnaire()["url"],
        build_questionnaire()["version"],
    ]
    assert all(constraint_results(build_questionnaire(), typed).values())
    draft = import_response(typed, user=alice)
    draft = Assessment.objects.get(pk=draft.pk)
    assert draft.owner == alice
    assert (draft.index_procedure_date, draft.assessment_date) == (index_date, assessment_date)
    assert (draft.patient_ref, draft.patient_age, draft.sex) == ("MRN-LHC-1", 70, "female")
    assert (draft.treated_level, draft.initial_response, draft.vas_current) == (
        "L1",
        "no_relief",
        8,
    )
    assert (draft.mri_performed, draft.active_fracture_location, draft.marrow_edema) == (
        True,
        "treated_level",
        "present",
    )
    assert (draft.cement_fill, draft.neuro_exam) == ("inadequate", "normal")

    # A date before the earliest index date: LHC-Forms ignores the questionnaire-constraint
    # that says so and shows nothing; the constraint fails on its response, and the import
    # refuses the response, naming the question, with the core's message.
    type_date(page, "index_procedure_date", "12/31/1984")
    expect(question(page, "index_procedure_date").locator("input")).to_have_value("12/31/1984")
    assert validity_errors(page) == []
    too_early = response_of(page)
    results = constraint_results(build_questionnaire(), too_early)
    assert [key for key, ok in results.items() if not ok] == [
        earliest_date_key("index_procedure_date")
    ]
    with pytest.raises(ResponseRefused) as refused:
        import_response(too_early, user=alice)
    assert refused.value.errors == {
        "index_procedure_date": ["The date cannot be before 1 Jan 1985."]
    }
    assert Assessment.objects.filter(owner=alice).count() == 1
    assert page.errors == [], json.dumps(page.errors)
