"""The help under the questions of rules 2026.3 gives the spec's words where §1 gives them
(the fracture etiologies, why the VAS before the index procedure is recommended, the
neurological examination today); a decimal with too many places is refused in the
clinician's words; the guidance so far names the scenario as the result does."""

import html as html_lib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.questionnaire import presenters
from assessments.services import assessment_finalize
from tests.factories import make_assessment
from tests.step_posts import relative_inputs, step_post, step_url


@pytest.fixture(autouse=True)
def rules_2026_3(settings):
    settings.VERTEBRO_RULES_VERSION = "2026.3"


def _page(client, url) -> str:
    return html_lib.unescape(client.get(url).content.decode())


def test_step_1_defines_each_fracture_etiology(signed_in):
    page = _page(signed_in, reverse("assessments:new"))
    for definition in (
        "Osteoporotic: a fragility fracture (no trauma, or a fall from standing height or less).",
        "Traumatic: a fracture from higher-energy trauma.",
        "Neoplastic: a fracture through a tumour (metastasis, myeloma, haemangioma or other).",
        "Other: any other cause (name it in the chart).",
    ):
        assert definition in page, definition


def test_step_2_says_why_the_vas_before_the_index_procedure_is_recommended(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    page = _page(signed_in, step_url(assessment, 2))
    assert "Recommended: without it, worsening since the procedure cannot be detected." in page


def test_step_4_asks_the_examination_now_not_a_baseline_one(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    page = _page(signed_in, step_url(assessment, 4))
    assert "Baseline neurological examination" not in page
    assert "it excludes a new deficit and serves as the baseline" in page


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("index_cement_volume_ml", "4.25", "Enter one decimal at most, e.g. 4.2."),
        ("bmd_t_score", "-2.85", "Enter one decimal at most, e.g. -2.8."),
    ],
)
def test_a_decimal_with_two_places_is_refused_in_words(signed_in, alice, name, typed, message):
    assessment = make_assessment(alice, **relative_inputs())
    post = {**step_post(1, version=assessment.version), name: typed}
    response = signed_in.post(step_url(assessment, 1), post)
    assert response.status_code == 400
    page = html_lib.unescape(response.content.decode())
    assert message in page
    assert "Ensure that there are no more than" not in page
    assert getattr(type(assessment).objects.get(pk=assessment.pk), name) != Decimal(typed)


@pytest.mark.parametrize(
    ("answers", "label"),
    [
        ({}, "Failure of the index procedure (days 4–32)"),
        (
            {
                "initial_response": "ongoing_relief",
                "mri_performed": True,
                "active_fracture_location": "none_identified",
                "marrow_edema": "absent",
                "cleft_sign": "absent",
            },
            "Treated level still relieved",
        ),
    ],
)
def test_the_guidance_so_far_names_the_scenario_as_the_result_does(alice, answers, label):
    draft = make_assessment(alice, **relative_inputs(**answers))
    so_far = presenters.guidance_so_far(draft, today=timezone.localdate())
    warnings = [warning.id for warning in draft.evaluate().warnings]
    final = assessment_finalize(assessment=draft, user=alice, acknowledged=warnings)
    assert so_far.scenario == label
    assert final.display_record["scenario"] == label
