"""FHIR under rules 2026.3: the Questionnaire asks the active version's questions, a record's
QuestionnaireResponse carries the answers of its own version (the five 2026.3 added
included, an explicit "no" too), and an imported response is read and validated as the
questions of the version its new draft runs under."""

import copy
import json

import pytest

from assessments.models import Assessment
from interop.fhir.common import field_kind
from interop.fhir.questionnaire import RETIRED_IN_2026_3, build_questionnaire
from interop.fhir.response import ResponseRefused, export_response, import_response
from tests.outcomes.factories import final_assessment
from vertebro_rules import versions

from .fhir_invariants import QUESTIONNAIRE, RESPONSE, broken_invariants
from .validators import assert_valid_fhir

pytestmark = pytest.mark.django_db

RULES = versions.get("2026.3")
ADDED_IN_2026_3 = {
    "vertebral_infection",
    "mri_not_possible",
    "infection_signs",
    "complication_assessed",
    "opioid_failure",
}
# A 2026.3 case answering the added questions: on opioids that fail, no sign of infection,
# the index procedure assessed for a complication; no weeks of therapy (not a recurrence).
ANSWERS_2026_3 = {
    "analgesics": "opioid",
    "opioid_failure": True,
    "infection_signs": False,
    "complication_assessed": True,
    "conservative_therapy_weeks": None,
}


def questions(resource) -> dict:
    return {item["linkId"]: item for group in resource["item"] for item in group["item"]}


def answer(resource, link_id):
    return questions(resource).get(link_id, {}).get("answer")


def set_answer(resource, link_id, answers):
    for group in resource["item"]:
        for item in group["item"]:
            if item["linkId"] == link_id:
                item["answer"] = answers
                return
    raise KeyError(link_id)


def test_the_questionnaire_asks_the_questions_of_the_active_version():
    questionnaire = build_questionnaire()
    assert questionnaire["version"] == "2026.3"
    assert_valid_fhir(questionnaire)
    assert broken_invariants(questionnaire, QUESTIONNAIRE) == []
    for group in questionnaire["item"]:
        number = int(group["linkId"].removeprefix("step-"))
        assert [item["linkId"] for item in group["item"]] == list(RULES.fields_of_step(number))
    items = questions(questionnaire)
    assert set(items) >= ADDED_IN_2026_3
    # Each question 2026.3 asks only after another answer is shown only then.
    conditional = {name for name, item in items.items() if "enableWhen" in item}
    assert conditional == {spec.name for spec in RULES.FIELDS if spec.applies_when is not None}
    opioid = next(
        option["valueCoding"]
        for option in items["analgesics"]["answerOption"]
        if option["valueCoding"]["code"] == "opioid"
    )
    assert opioid["display"] == RULES.vocabulary.Analgesics("opioid").label
    assert items["opioid_failure"]["enableWhen"] == [
        {"question": "analgesics", "operator": "=", "answerCoding": opioid}
    ]
    assert items["treated_level"]["type"] == "choice"  # 2026.3's level kind is a choice
    assert items["patient_age"]["type"] == "integer"
    for spec in RULES.FIELDS:
        assert items[spec.name]["text"] == spec.label
        assert items[spec.name].get("repeats", False) == (field_kind(spec) == "choices")


def test_the_questionnaire_of_2026_3_refuses_no_clinical_contradiction():
    keys = {
        next(e["valueId"] for e in constraint["extension"] if e["url"] == "key")
        for constraint in build_questionnaire("2026.3")["extension"]
    }
    assert keys.isdisjoint(RETIRED_IN_2026_3)
    assert {"assessment-after-index", "therapy-since-recurrence", "no-mri-no-findings"} <= keys
    keys_2026_2 = {
        next(e["valueId"] for e in constraint["extension"] if e["url"] == "key")
        for constraint in build_questionnaire("2026.2")["extension"]
    }
    assert keys_2026_2 >= RETIRED_IN_2026_3


def test_a_2026_3_record_exports_its_added_answers_and_imports_the_same(alice, bob):
    final = final_assessment(alice, **ANSWERS_2026_3)
    assert final.rules_version == "2026.3"
    resource = export_response(final)
    assert_valid_fhir(resource)
    assert broken_invariants(resource, RESPONSE) == []
    assert resource["questionnaire"].endswith("|2026.3")
    assert answer(resource, "opioid_failure") == [{"valueBoolean": True}]
    # An explicit "no" travels: the importing side need not ask it again.
    assert answer(resource, "infection_signs") == [{"valueBoolean": False}]
    assert answer(resource, "complication_assessed") == [{"valueBoolean": True}]
    draft = import_response(json.loads(json.dumps(resource)), user=bob)
    assert draft.rules_version == "2026.3"
    assert draft.input_values() == final.input_values()
    assert (
        draft.evaluate().to_dict()
        == RULES.evaluate(RULES.to_inputs(final.input_values())).to_dict()
    )


def test_an_import_is_validated_as_the_questions_of_2026_3(alice, bob):
    resource = export_response(final_assessment(alice, **ANSWERS_2026_3))
    refused = copy.deepcopy(resource)
    set_answer(
        refused,
        "analgesics",
        [
            {
                "valueCoding": {
                    **answer(resource, "analgesics")[0]["valueCoding"],
                    "code": "non_opioid",
                }
            }
        ],
    )
    with pytest.raises(ResponseRefused) as raised:
        import_response(refused, user=bob)
    # Failing opioids applies only to a patient on opioids (2026.3 §1).
    assert "opioid_failure" in raised.value.errors
    assert not Assessment.objects.filter(owner=bob).exists()
    # 2026.2 refused relief with an active fracture at the treated level; 2026.3 warns instead.
    relieved = copy.deepcopy(resource)
    set_answer(
        relieved,
        "initial_response",
        [
            {
                "valueCoding": {
                    **answer(resource, "initial_response")[0]["valueCoding"],
                    "code": "ongoing_relief",
                }
            }
        ],
    )
    assert answer(relieved, "active_fracture_location")[0]["valueCoding"]["code"] == (
        "treated_level"
    )
    draft = import_response(relieved, user=bob)
    assert draft.initial_response == "ongoing_relief"
    assert draft.evaluate().warnings


def test_under_an_active_2026_2_the_added_questions_are_unknown(alice, bob, settings):
    resource = export_response(final_assessment(alice, **ANSWERS_2026_3))
    settings.VERTEBRO_RULES_VERSION = "2026.2"
    with pytest.raises(ResponseRefused) as raised:
        import_response(resource, user=bob)
    assert raised.value.errors["opioid_failure"] == ["Unknown question (linkId)."]
    assert raised.value.errors["infection_signs"] == ["Unknown question (linkId)."]
