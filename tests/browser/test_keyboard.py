"""A clinician walks a whole case with the keyboard alone: sign in, four steps, review,
finalize. No mouse click, no `fill`: Tab, arrows, Space, typing and Enter."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from tests.conftest import PASSWORD

# The questionnaire of rules 2026.2 (weeks of therapy asked for every course of pain).
pytestmark = [
    pytest.mark.usefixtures("rules_2026_2"),
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

MAX_TABS = 60
MAX_KEY_PRESSES = 80


class CountingKeyboard:
    """page.keyboard, counting every key pressed (a typed text counts one per character)."""

    def __init__(self, keyboard):
        self._keyboard = keyboard
        self.presses = 0

    def press(self, key: str) -> None:
        self.presses += 1
        self._keyboard.press(key)

    def type(self, text: str) -> None:
        self.presses += len(text)
        self._keyboard.type(text)


class CountingPage:
    """The page with a counting keyboard; everything else is the page's own."""

    def __init__(self, page):
        self._page = page
        self.keyboard = CountingKeyboard(page.keyboard)

    def __getattr__(self, name):
        return getattr(self._page, name)


def _active(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const label = el && el.labels && el.labels.length ? el.labels[0].innerText : "";
            return {id: el ? el.id : "", text: el ? (el.innerText || "").trim() : "", label};
        }"""
    )


def tab_to(page, *, field_id: str | None = None, text: str | None = None) -> None:
    """Press Tab until the focus is on the element with this id (or this visible text)."""
    for _ in range(MAX_TABS):
        active = _active(page)
        if (field_id and active["id"].startswith(field_id)) or (text and active["text"] == text):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {field_id or text!r}; last: {_active(page)}")


def type_into(page, field_id: str, text: str) -> None:
    tab_to(page, field_id=field_id)
    page.keyboard.type(text)


def choose(page, field_id: str, label: str) -> None:
    """Tab into a radio group, then arrow to the option labelled `label` (arrows select).

    The arrows stop at the group's ends (no wrap round): up when the option is above, Home
    or End when it is the first or the last and more than one step away."""
    tab_to(page, field_id=field_id)
    # Where the option is, seen on the screen: above or below the focused one.
    key = page.evaluate(
        """label => {
            const active = document.activeElement;
            const group = [...active.form.querySelectorAll('input[type=radio]')]
                .filter(r => r.name === active.name);
            const target = group.findIndex(r => r.labels[0].innerText.trim() === label);
            const here = group.indexOf(active);
            if (Math.abs(target - here) > 1 && target === 0) return "Home";
            if (Math.abs(target - here) > 1 && target === group.length - 1) return "End";
            return target < here ? "ArrowUp" : "ArrowDown";
        }""",
        label,
    )
    for _ in range(12):
        if _active(page)["label"].strip() == label:
            if not page.evaluate("document.activeElement.checked"):
                page.keyboard.press("Space")
            return
        page.keyboard.press(key)
    raise AssertionError(f"no option {label!r} in {field_id}")


def test_a_case_walked_by_keyboard_alone(page, live_server, alice, console_errors):
    # On a desktop, where review shows the answers beside the guidance and Finalize at the top.
    page.set_viewport_size({"width": 1280, "height": 900})
    page = CountingPage(page)
    index_date = date.today() - timedelta(days=17)
    page.goto(live_server.url + "/")
    # The sign-in form puts the focus in the user name.
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My assessments")).to_be_visible()
    # The case is counted from My assessments: signing in (a long password) is not the case.
    page.keyboard.presses = 0

    tab_to(page, text="New assessment")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Patient and index procedure")).to_be_visible()
    # The focus starts in the first field.
    page.keyboard.type("MRN-KEYBOARD")
    type_into(page, "id_patient_age", "70")
    choose(page, "id_sex", "Female")
    tab_to(page, field_id="id_treated_level")
    page.keyboard.type("L1")
    # The date: day, Tab, the month's first letters (the list jumps to it), Tab, the year.
    type_into(page, "id_index_procedure_date_0", str(index_date.day))
    page.keyboard.press("Tab")
    page.keyboard.type(index_date.strftime("%b"))
    page.keyboard.press("Tab")
    page.keyboard.type(str(index_date.year))
    choose(page, "id_fracture_etiology", "Osteoporotic")
    type_into(page, "id_index_cement_volume_ml", "4.2")
    type_into(page, "id_prior_vertebral_fractures", "0")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Pain timeline")).to_be_visible()
    choose(page, "id_initial_response", "No relief after the index procedure")
    type_into(page, "id_vas_before_index", "8")
    type_into(page, "id_vas_current", "8")
    type_into(page, "id_conservative_therapy_weeks", "2")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Imaging", exact=True)).to_be_visible()
    choose(page, "id_mri_performed", "Yes")
    choose(page, "id_active_fracture_location", "At the treated level")
    choose(page, "id_cleft_sign", "Absent")
    choose(page, "id_marrow_edema", "Present")
    choose(page, "id_fluid_at_cement_interface", "No")
    choose(page, "id_cement_fill", "Inadequate (incomplete filling or cement missing the fracture)")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Examination")).to_be_visible()
    choose(page, "id_point_tenderness", "Present")
    choose(page, "id_neuro_exam", "Normal")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=re.compile("^Review MRN-KEYBOARD"))).to_be_visible()
    tab_to(page, text="Finalize…")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Finalize this assessment?")).to_be_visible()
    tab_to(page, text="Finalize the assessment")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=re.compile("^Result for MRN-KEYBOARD"))).to_be_visible()
    saved = Assessment.objects.get(patient_ref="MRN-KEYBOARD")
    assert saved.status == Assessment.Status.FINAL
    assert saved.index_procedure_date == index_date
    assert saved.recommendation
    # A whole case, from My assessments to the result, in at most 80 key presses.
    print(f"key presses for the whole case: {page.keyboard.presses}")
    assert page.keyboard.presses <= MAX_KEY_PRESSES
