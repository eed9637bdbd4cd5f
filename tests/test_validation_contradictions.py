"""The contradictions §1 refuses (docs/specification.md, rules 2026.2), alike on the web steps, at
finalization and in `evaluate`, each message on the field the spec names and naming both
answers."""

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import assessment_finalize
from tests.factories import RECURRENCE, TODAY, json_case, make_assessment
from tests.step_posts import relative_inputs, step_post, step_url
from vertebro_rules.dates import in_words
from vertebro_rules.validation import InvalidInput, validate_case

# Tests of rules 2026.2 behaviour through the web (2026.3 changes it on purpose).
pytestmark = pytest.mark.usefixtures("rules_2026_2")

# overrides of the factory case, the field refused, words its message must carry
CONTRADICTIONS = [
    (
        "edema beside no active fracture",
        {"active_fracture_location": "none_identified", "marrow_edema": "present"},
        "marrow_edema",
        ["marrow edema", "no active fracture identified"],
    ),
    (
        "cleft beside no active fracture",
        {
            "active_fracture_location": "none_identified",
            "marrow_edema": "absent",
            "cleft_sign": "present",
        },
        "cleft_sign",
        ["cleft", "no active fracture identified"],
    ),
    (
        "fluid beside no active fracture",
        {
            "active_fracture_location": "none_identified",
            "marrow_edema": "absent",
            "fluid_at_cement_interface": True,
        },
        "fluid_at_cement_interface",
        ["fluid at the bone–cement interface", "no active fracture identified"],
    ),
    (
        "active fracture at the treated level without any sign",
        {"marrow_edema": "absent", "cleft_sign": "absent", "fluid_at_cement_interface": False},
        "active_fracture_location",
        ["at the treated level", "no sign", "indeterminate"],
    ),
    (
        "ongoing relief beside an active fracture at the treated level",
        {"initial_response": "ongoing_relief"},
        "initial_response",
        ["ongoing relief", "relief, then recurrence", "no relief"],
    ),
    (
        "8 weeks of therapy for pain back 10 days ago",
        {
            **RECURRENCE,
            "recurrence_date": date(2026, 11, 10),
            "conservative_therapy_weeks": 8,
        },
        "conservative_therapy_weeks",
        ["10 Nov 2026", "10 days", "at most 2 weeks"],
    ),
]
IDS = [name for name, *_ in CONTRADICTIONS]


def refusal(case) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as refused:
        validate_case(case, today=TODAY)
    return refused.value.errors


@pytest.mark.parametrize(("name", "overrides", "field", "words"), CONTRADICTIONS, ids=IDS)
def test_each_contradiction_is_refused_on_its_field_naming_both_answers(
    name, overrides, field, words
):
    errors = refusal(json_case(**overrides))
    assert list(errors) == [field], name
    message = " ".join(errors[field]).lower()
    for expected in words:
        assert expected.lower() in message, (expected, message)


@pytest.mark.parametrize(
    ("fluid", "cleft", "edema"),
    [(True, "present", "present"), (True, "absent", "indeterminate")],
)
def test_every_positive_sign_beside_no_active_fracture_gets_its_own_message(fluid, cleft, edema):
    errors = refusal(
        json_case(
            active_fracture_location="none_identified",
            marrow_edema=edema,
            cleft_sign=cleft,
            fluid_at_cement_interface=fluid,
        )
    )
    expected = {"fluid_at_cement_interface"}
    expected |= {"cleft_sign"} if cleft == "present" else set()
    expected |= {"marrow_edema"} if edema == "present" else set()
    assert set(errors) == expected


@pytest.mark.parametrize(
    "overrides",
    [
        # one sign that is not negative is enough for an active fracture at the treated level
        {"marrow_edema": "indeterminate", "cleft_sign": "absent"},
        {"marrow_edema": "absent", "cleft_sign": "indeterminate"},
        {"marrow_edema": "absent", "cleft_sign": "absent", "fluid_at_cement_interface": True},
        # no active fracture identified with every sign negative or unclear
        {"active_fracture_location": "none_identified", "marrow_edema": "absent"},
        {
            "active_fracture_location": "none_identified",
            "marrow_edema": "indeterminate",
            "cleft_sign": "indeterminate",
        },
        # ongoing relief with the active fracture elsewhere, or none
        {
            "initial_response": "ongoing_relief",
            "active_fracture_location": "adjacent_level",
        },
        {
            "initial_response": "ongoing_relief",
            "active_fracture_location": "none_identified",
            "marrow_edema": "absent",
        },
    ],
)
def test_answers_that_agree_are_accepted(overrides):
    validate_case(json_case(**overrides), today=TODAY)


@pytest.mark.parametrize(
    ("days_since_recurrence", "limit"), [(0, 0), (1, 1), (7, 1), (8, 2), (10, 2), (41, 6), (42, 6)]
)
def test_weeks_of_therapy_may_not_exceed_the_weeks_since_the_pain_returned(
    days_since_recurrence, limit
):
    recurrence = date(2026, 11, 20) - timedelta(days=days_since_recurrence)
    case = {**RECURRENCE, "recurrence_date": recurrence}
    validate_case(json_case(**{**case, "conservative_therapy_weeks": limit}), today=TODAY)
    errors = refusal(json_case(**{**case, "conservative_therapy_weeks": limit + 1}))
    assert list(errors) == ["conservative_therapy_weeks"]
    assert f"at most {limit} week" in errors["conservative_therapy_weeks"][0]


@pytest.mark.parametrize("response", ["no_relief", "ongoing_relief"])
def test_weeks_of_therapy_are_not_limited_without_a_recurrence(response):
    location = "treated_level" if response == "no_relief" else "none_identified"
    validate_case(
        json_case(
            initial_response=response,
            conservative_therapy_weeks=520,
            active_fracture_location=location,
            marrow_edema="present" if response == "no_relief" else "absent",
        ),
        today=TODAY,
    )


# evaluate -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "overrides", "field", "words"), CONTRADICTIONS, ids=IDS)
def test_evaluate_refuses_each_contradiction_naming_the_field(
    name, overrides, field, words, tmp_path, capsys
):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(json_case(**overrides)))
    with time_machine.travel(TODAY, tick=False), pytest.raises(CommandError) as refused:
        call_command("evaluate", str(path), "--rules-version", "2026.2")
    assert refused.value.returncode != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{field}: " in captured.err


# finalization ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "overrides", "field", "words"), CONTRADICTIONS, ids=IDS)
@time_machine.travel(date(2026, 11, 25), tick=False)
def test_finalization_refuses_each_contradiction_and_changes_nothing(
    name, overrides, field, words, alice
):
    draft = make_assessment(alice, **overrides)
    with pytest.raises(InvalidInput) as refused:
        assessment_finalize(assessment=draft, user=alice)
    assert list(refused.value.errors) == [field]
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    assert draft.guidance is None


# web steps ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"active_fracture_location": "none_identified", "cleft_sign": "present"}, "cleft_sign"),
        (
            {"active_fracture_location": "none_identified", "fluid_at_cement_interface": True},
            "fluid_at_cement_interface",
        ),
        ({"marrow_edema": "absent", "cleft_sign": "absent"}, "active_fracture_location"),
    ],
)
def test_step_3_refuses_contradictory_mri_answers_on_their_field(
    signed_in, alice, overrides, field
):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(3, version=assessment.version, **overrides)
    response = signed_in.post(step_url(assessment, 3), post)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version


def test_step_3_refuses_an_active_fracture_at_the_treated_level_after_ongoing_relief(
    signed_in, alice
):
    # Step 2 said "ongoing relief" (with the active fracture elsewhere); step 3 now moves it.
    assessment = make_assessment(
        alice,
        **relative_inputs(
            initial_response="ongoing_relief", active_fracture_location="adjacent_level"
        ),
    )
    post = step_post(
        3, version=assessment.version, initial_response="ongoing_relief"
    )  # treated_level
    response = signed_in.post(step_url(assessment, 3), post)
    assert response.status_code == 400
    (message,) = response.context["form"].errors["active_fracture_location"]
    assert "ongoing relief" in message.lower()
    assert Assessment.objects.get(pk=assessment.pk).active_fracture_location == "adjacent_level"


def test_step_2_refuses_ongoing_relief_when_mri_shows_an_active_fracture_at_the_treated_level(
    signed_in, alice
):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(2, version=assessment.version, initial_response="ongoing_relief")
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 400
    (message,) = response.context["form"].errors["initial_response"]
    assert "relief, then recurrence" in message.lower()
    assert Assessment.objects.get(pk=assessment.pk).initial_response == "no_relief"


def test_step_2_refuses_more_weeks_of_therapy_than_weeks_since_the_pain_returned(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    recurrence = date.today() - timedelta(days=10)
    post = step_post(
        2,
        version=assessment.version,
        initial_response="relief_then_recurrence",
        recurrence_date=recurrence,
        conservative_therapy_weeks=8,
    )
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 400
    (message,) = response.context["form"].errors["conservative_therapy_weeks"]
    assert f"The pain returned on {in_words(recurrence)}, 10 days before" in message
    assert "at most 2 weeks" in message
    assert Assessment.objects.get(pk=assessment.pk).conservative_therapy_weeks == 2


def test_the_finalize_page_sends_a_contradictory_draft_back_to_review(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(initial_response="ongoing_relief"))
    response = signed_in.post(reverse("assessments:finalize", args=[assessment.pk]))
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT
    review = signed_in.get(reverse("assessments:review", args=[assessment.pk]))
    assert "relief, then recurrence" in review.content.decode().lower()
