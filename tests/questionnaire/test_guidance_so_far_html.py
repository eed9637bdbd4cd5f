"""The step pages write the guidance-so-far panel in Python
(assessments/questionnaire/guidance_so_far_html.py): the same HTML, byte for byte, as the
template it replaces (kept as the reference), for every state of the panel, every value
escaped."""

import itertools
import uuid

from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from assessments.questionnaire.guidance_so_far_html import guidance_so_far_html
from assessments.questionnaire.presenters import (
    GuidanceSoFar,
    GuidanceSoFarResult,
    RedFlagShown,
    guidance_so_far,
)
from tests.factories import AFTER_STEP_2, make_assessment

NASTY = "<b>\"R&D\"</b> 'x'"
ID = uuid.UUID("0b7c8d6e-1111-4a2b-9c3d-123456789abc")


def _reference(so_far, assessment_id) -> str:
    return get_template("assessments/partials/guidance_so_far.html").render(
        {"so_far": so_far, "assessment": {"pk": assessment_id}}
    )


def test_every_state_of_the_panel_is_written_as_the_template_wrote_it():
    result = GuidanceSoFarResult("repeat_indicated", f"Label {NASTY}", "success", f"H {NASTY}")
    flag = RedFlagShown("R1", "Urgent referral", f"Flag {NASTY}", "Refer")
    for scenario, caveat, guidance, invalid, still_needed, red_flag in itertools.product(
        ("", f"Scenario {NASTY}"),
        ("", f"Caveat {NASTY}"),
        (None, result),
        ("", f"Invalid {NASTY}"),
        ("", f"the MRI {NASTY}", "x"),
        (None, flag),
    ):
        so_far = GuidanceSoFar(
            summary=f"Summary {NASTY}",
            scenario=scenario,
            timeline=f"Timeline {NASTY}",
            caveat=caveat,
            still_needed=still_needed,
            guidance=guidance,
            invalid=invalid,
            rules_version="2026.3",
            red_flag=red_flag,
        )
        written = guidance_so_far_html(so_far, ID)
        assert written == _reference(so_far, ID)
        assert NASTY not in written


def test_the_panels_of_drafts_at_every_stage_are_written_as_the_template_wrote_them(alice):
    today = timezone.localdate()
    drafts = [
        make_assessment(alice, **AFTER_STEP_2),
        make_assessment(alice),
        make_assessment(alice, **{**AFTER_STEP_2, "neuro_exam": "new_deficit"}),
        make_assessment(alice, vas_current=None),
    ]
    for draft in drafts:
        so_far = guidance_so_far(draft, today=today)
        assert guidance_so_far_html(so_far, draft.pk) == _reference(so_far, draft.pk)
    complete = guidance_so_far(drafts[1], today=today)
    review = reverse("assessments:review", args=[drafts[1].pk])
    assert f'href="{review}">Review and finalize</a>' in guidance_so_far_html(
        complete, drafts[1].pk
    )
