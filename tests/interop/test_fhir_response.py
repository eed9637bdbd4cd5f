"""QuestionnaireResponse export and import: statuses, validation like the forms, round trip."""

import copy
import json

import pytest

from assessments.models import Assessment
from assessments.services import assessment_amend, assessment_finalize
from interop.fhir.common import questionnaire_url
from interop.fhir.response import ResponseRefused, export_response, import_response
from tests.factories import NO_MRI, make_assessment
from vertebro_rules.rules import RULES_VERSION

from .fhir_invariants import RESPONSE, broken_invariants
from .validators import assert_valid_fhir

pytestmark = [pytest.mark.usefixtures("rules_2026_2"), pytest.mark.django_db]


def answer(resource, link_id):
    for group in resource["item"]:
        for item in group["item"]:
            if item["linkId"] == link_id:
                return item["answer"]
    return None


def set_answer(resource, link_id, answers):
    for group in resource["item"]:
        for item in group["item"]:
            if item["linkId"] == link_id:
                item["answer"] = answers
                return
    raise KeyError(link_id)


def test_a_draft_is_in_progress_with_only_its_answers(alice):
    draft = Assessment.objects.create(owner=alice, patient_ref="MRN-7", treated_level="T12")
    resource = export_response(draft)
    assert_valid_fhir(resource)
    assert broken_invariants(resource, RESPONSE) == []
    assert resource["status"] == "in-progress"
    assert resource["questionnaire"] == f"{questionnaire_url()}|{RULES_VERSION}"
    assert [item["linkId"] for item in resource["item"][0]["item"]] == [
        "patient_ref",
        "treated_level",
    ]
    assert resource["subject"]["identifier"]["value"] == "MRN-7"


def test_final_is_completed_and_its_amendment_is_amended(alice):
    final = assessment_finalize(assessment=make_assessment(alice), user=alice)
    resource = export_response(final)
    assert_valid_fhir(resource)
    assert resource["status"] == "completed"
    assert resource["questionnaire"].endswith(f"|{final.rules_version}")
    assert answer(resource, "patient_age") == [{"valueInteger": 70}]
    assert answer(resource, "index_cement_volume_ml") == [{"valueDecimal": 4.2}]
    assert answer(resource, "mri_performed") == [{"valueBoolean": True}]
    assert answer(resource, "sex")[0]["valueCoding"]["code"] == "female"
    amendment = assessment_amend(assessment=final, user=alice)
    assert export_response(amendment)["status"] == "in-progress"
    amendment = assessment_finalize(assessment=amendment, user=alice)
    final.refresh_from_db()
    # FHIR: "amended" is a response changed after it was completed, i.e. the amendment; the
    # superseded original keeps the answers given on the day, and says what replaced it.
    assert export_response(final)["status"] == "completed"
    assert export_response(amendment)["status"] == "amended"


def test_contraindications_are_one_answer_each(alice):
    resource = export_response(
        make_assessment(alice, contraindications=["active_infection", "cement_allergy"])
    )
    assert_valid_fhir(resource)
    assert [a["valueCoding"]["code"] for a in answer(resource, "contraindications")] == [
        "active_infection",
        "cement_allergy",
    ]


@pytest.mark.parametrize("overrides", [{}, NO_MRI], ids=["mri", "no-mri"])
def test_round_trip_gives_the_same_inputs_and_guidance(alice, bob, overrides):
    final = assessment_finalize(assessment=make_assessment(alice, **overrides), user=alice)
    exported = json.loads(json.dumps(export_response(final)))  # as it travels
    draft = import_response(exported, user=bob)
    assert draft.owner == bob and draft.status == Assessment.Status.DRAFT
    # The same inputs to the rules (a finding not looked for, fluid at the interface without
    # an MRI, is not in the response); every yes/no question asked travels with its answer,
    # an explicit "No" included, so the draft asks none of them again.
    edition = draft.rules()
    assert edition.to_inputs(draft.input_values()) == edition.to_inputs(final.input_values())
    assert draft.missing_inputs() == []
    assert draft.evaluate().to_dict() == final.guidance


def test_a_bad_answer_is_refused_by_its_link_id_and_nothing_is_saved(alice, bob):
    resource = export_response(make_assessment(alice))
    set_answer(resource, "patient_age", [{"valueInteger": 12}])
    set_answer(
        resource,
        "sex",
        [{"valueCoding": {"system": "http://hl7.org/fhir/administrative-gender", "code": "x"}}],
    )
    set_answer(resource, "vas_current", [{"valueString": "8"}])
    set_answer(
        resource,
        "treated_level",
        [{"valueCoding": {"system": "http://example.org/levels", "code": "L1"}}],
    )
    resource["item"][0]["item"].append(
        {"linkId": "favourite_colour", "answer": [{"valueString": "blue"}]}
    )
    before = Assessment.objects.count()
    with pytest.raises(ResponseRefused) as refused:
        import_response(resource, user=bob)
    errors = refused.value.errors
    assert set(errors) == {"patient_age", "sex", "vas_current", "treated_level", "favourite_colour"}
    assert "18 to 120" in errors["patient_age"][0]
    assert "valueInteger" in errors["vas_current"][0]
    assert "Unknown question" in errors["favourite_colour"][0]
    assert Assessment.objects.count() == before


def test_cross_field_rules_are_checked_as_in_the_forms(alice, bob):
    resource = export_response(make_assessment(alice))
    set_answer(resource, "assessment_date", [{"valueDate": "2026-09-01"}])
    with pytest.raises(ResponseRefused) as refused:
        import_response(resource, user=bob)
    assert "before the index procedure" in refused.value.errors["assessment_date"][0]
    assert not Assessment.objects.filter(owner=bob).exists()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda r: r.update(resourceType="Patient"), "resourceType"),
        (
            lambda r: r.update(questionnaire="http://example.org/Questionnaire/other"),
            "questionnaire",
        ),
        (
            lambda r: set_answer(r, "patient_age", [{"valueInteger": 70}, {"valueInteger": 71}]),
            "patient_age",
        ),
        (
            lambda r: set_answer(r, "index_procedure_date", [{"valueDate": "2026-02-30"}]),
            "index_procedure_date",
        ),
        (
            lambda r: set_answer(r, "index_cement_volume_ml", [{"valueDecimal": 4.25}]),
            "index_cement_volume_ml",
        ),
        (lambda r: set_answer(r, "patient_ref", [{"valueString": "x" * 65}]), "patient_ref"),
    ],
    ids=[
        "not-a-response",
        "other-questionnaire",
        "two-answers",
        "bad-date",
        "two-decimals",
        "too-long",
    ],
)
def test_each_kind_of_bad_response_is_named(alice, bob, change, named):
    resource = copy.deepcopy(export_response(make_assessment(alice)))
    change(resource)
    with pytest.raises(ResponseRefused) as refused:
        import_response(resource, user=bob)
    assert named in refused.value.errors
    assert not Assessment.objects.filter(owner=bob).exists()


def test_an_in_progress_response_becomes_an_incomplete_draft(alice, bob):
    draft = Assessment.objects.create(owner=alice, patient_ref="MRN-7", treated_level="T12")
    imported = import_response(export_response(draft), user=bob)
    assert (imported.patient_ref, imported.treated_level) == ("MRN-7", "T12")
    assert "patient_age" in imported.missing_inputs()
