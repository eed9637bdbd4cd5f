"""The Questionnaire: generated from the input definition, valid FHIR R4, and its
questionnaire-constraint expressions enforce the cross-field rules on responses."""

import copy
from datetime import date, timedelta

import pytest

from assessments.questionnaire.steps import STEPS_BY_NUMBER
from interop.fhir.common import ADMINISTRATIVE_GENDER, field_kind, questionnaire_url
from interop.fhir.questionnaire import build_questionnaire, earliest_date_key
from interop.fhir.response import answers_items
from tests.factories import NO_MRI, valid_inputs
from vertebro_rules import inputs, validation
from vertebro_rules.rules import RULES_VERSION

from .fhir_invariants import QUESTIONNAIRE, RESPONSE, broken_invariants, constraint_results
from .validators import assert_valid_fhir


@pytest.fixture
def questionnaire(settings):
    """The Questionnaire of rules 2026.2, whose constraints these tests hold against the 2026.2
    core (`vertebro_rules.inputs`, `validation`); 2026.3's is tested in test_fhir_2026_3.py."""
    settings.VERTEBRO_FHIR_CANONICAL_BASE = "https://vertebro.example.org/fhir"
    return build_questionnaire("2026.2")


def questions(questionnaire) -> dict:
    return {item["linkId"]: item for group in questionnaire["item"] for item in group["item"]}


def extension(item, name):
    found = [e for e in item.get("extension", []) if e["url"].endswith(f"/{name}")]
    return next(v for k, v in found[0].items() if k.startswith("value")) if found else None


def constraint(questionnaire, key) -> dict:
    """The parts (key, severity, expression, human, location) of one questionnaire-constraint."""
    for found in questionnaire["extension"]:
        parts = {
            part["url"]: next(v for k, v in part.items() if k.startswith("value"))
            for part in found["extension"]
        }
        if parts["key"] == key:
            return parts
    raise AssertionError(f"no questionnaire-constraint {key}")


def test_it_is_valid_fhir_r4_and_keeps_the_r4_invariants(questionnaire):
    assert_valid_fhir(questionnaire)
    assert broken_invariants(questionnaire, QUESTIONNAIRE) == []


def test_the_invariant_checks_can_fail(questionnaire):
    broken = copy.deepcopy(questionnaire)
    broken["item"][1]["item"][0]["linkId"] = "patient_ref"  # a duplicate linkId
    broken["item"][0]["item"][0]["maxLength"] = 64
    broken["item"][0]["item"][1]["type"] = "boolean"
    broken["item"][0]["item"][1]["answerValueSet"] = "http://example.org/vs"
    broken["item"].append({"linkId": "empty", "type": "group"})
    assert {"que-1", "que-2", "que-5"} <= set(broken_invariants(broken, QUESTIONNAIRE))


def test_url_and_version_are_the_rules_version(questionnaire):
    assert (
        questionnaire["url"]
        == "https://vertebro.example.org/fhir/Questionnaire/vertebro-assessment"
    )
    assert questionnaire["url"] == questionnaire_url()
    assert questionnaire["version"] == RULES_VERSION


def test_one_group_per_step_and_one_question_per_input(questionnaire):
    steps = sorted({spec.step for spec in inputs.FIELDS})
    assert [group["linkId"] for group in questionnaire["item"]] == [f"step-{n}" for n in steps]
    assert all(group["type"] == "group" for group in questionnaire["item"])
    for group, number in zip(questionnaire["item"], steps, strict=True):
        assert [item["linkId"] for item in group["item"]] == [
            spec.name for spec in inputs.FIELDS if spec.step == number
        ]
        assert STEPS_BY_NUMBER[number].title in group["text"]


def test_each_question_follows_its_field(questionnaire):
    items = questions(questionnaire)
    types = {
        "text": "string",
        "integer": "integer",
        "decimal": "decimal",
        "date": "date",
        "boolean": "boolean",
        "choice": "choice",
        "choices": "choice",
    }
    for spec in inputs.FIELDS:
        item = items[spec.name]
        kind = field_kind(spec)
        assert item["text"] == spec.label
        assert item["type"] == types[kind]
        assert item.get("repeats", False) == (kind == "choices")
        if spec.required:
            assert item["required"] is True
        if kind in ("choice", "choices"):
            codings = [option["valueCoding"] for option in item["answerOption"]]
            assert [c["code"] for c in codings] == list(spec.vocabulary.values)
            assert [c["display"] for c in codings] == [
                str(label) for label in spec.vocabulary.labels
            ]
            assert len({c["system"] for c in codings}) == 1
        if kind in ("integer", "decimal"):
            assert extension(item, "minValue") == spec.minimum
            assert extension(item, "maxValue") == spec.maximum
        if kind == "decimal":
            assert extension(item, "maxDecimalPlaces") == spec.decimal_places
        if kind == "date":
            # The earliest date is a constraint on the response, never a date minValue.
            assert extension(item, "minValue") is None
            if spec.earliest is not None:
                assert_earliest_date_is_a_constraint(questionnaire, spec)
    assert items["patient_ref"]["maxLength"] == 64
    assert {o["valueCoding"]["system"] for o in items["sex"]["answerOption"]} == {
        ADMINISTRATIVE_GENDER
    }
    assert items["initial_response"]["answerOption"][1]["valueCoding"]["system"] == (
        "https://vertebro.example.org/fhir/CodeSystem/initial-response"
    )
    assert constraint(questionnaire, "index-procedure-date-not-before-earliest")["human"] == (
        "The date cannot be before 1 Jan 1985."
    )


def assert_earliest_date_is_a_constraint(questionnaire, spec):
    """The field's earliest date as an error on that question: the earliest day holds, the day
    before fails with the core's own message, an unanswered question holds."""
    parts = constraint(questionnaire, earliest_date_key(spec.name))
    assert parts["severity"] == "error"
    assert parts["location"] == f"QuestionnaireResponse.item.item.where(linkId='{spec.name}')"
    day_before = spec.earliest - timedelta(days=1)
    assert parts["human"] == spec.check(day_before, today=date(2026, 11, 25))
    assert spec.check(spec.earliest, today=date(2026, 11, 25)) is None
    key = earliest_date_key(spec.name)
    on_time = response(valid_inputs(**{spec.name: spec.earliest}))
    too_early = response(valid_inputs(**{spec.name: day_before}))
    unanswered = response(valid_inputs(**{spec.name: None}))
    assert constraint_results(questionnaire, on_time)[key] is True
    assert constraint_results(questionnaire, too_early)[key] is False
    assert constraint_results(questionnaire, unanswered)[key] is True


def test_conditional_questions(questionnaire):
    items = questions(questionnaire)
    assert items["recurrence_date"]["enableWhen"] == [
        {
            "question": "initial_response",
            "operator": "=",
            "answerCoding": {
                "system": "https://vertebro.example.org/fhir/CodeSystem/initial-response",
                "code": "relief_then_recurrence",
                "display": "Relief, then recurrence of pain",
            },
        }
    ]
    mri_findings = (
        "active_fracture_location",
        "cleft_sign",
        "marrow_edema",
        "cleft_new_since_index",
        "fluid_at_cement_interface",
    )
    for name in mri_findings:
        assert items[name]["enableWhen"] == [
            {"question": "mri_performed", "operator": "=", "answerBoolean": True}
        ]
    # Required when shown: the spec's "required when an MRI was performed" / "when relief then recurrence".
    for name in ("recurrence_date", "active_fracture_location", "cleft_sign", "marrow_edema"):
        assert items[name]["required"] is True
    assert "required" not in items["cleft_new_since_index"]
    assert "required" not in items["fluid_at_cement_interface"]
    # Exactly the fields the input definition declares conditional.
    conditional = {name for name, item in items.items() if "enableWhen" in item}
    assert conditional == {"recurrence_date", *mri_findings}


def response(values: dict) -> dict:
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire_url(),
        "status": "completed",
        "item": answers_items(values, version="2026.2", only_enabled=False),
    }


VALID = {
    "immediate-failure": {},
    "no-mri": NO_MRI,
    "recurrence": {
        "initial_response": "relief_then_recurrence",
        "recurrence_date": date(2026, 10, 5),
        "assessment_date": date(2026, 11, 20),
        "conservative_therapy_weeks": 7,
        "cleft_sign": "present",
    },
    "treated-level-indeterminate": {"marrow_edema": "indeterminate", "cleft_sign": "absent"},
}

# case -> (overrides, the constraint that must fail, the field the core names)
INVALID = {
    "assessment-before-index": (
        {"assessment_date": date(2026, 9, 1)},
        "assessment-after-index",
        "assessment_date",
    ),
    "recurrence-on-index-day": (
        {"initial_response": "relief_then_recurrence", "recurrence_date": date(2026, 10, 1)},
        "recurrence-after-index",
        "recurrence_date",
    ),
    "recurrence-after-assessment": (
        {
            "initial_response": "relief_then_recurrence",
            "recurrence_date": date(2026, 10, 20),
            "conservative_therapy_weeks": 0,
        },
        "recurrence-before-assessment",
        "recurrence_date",
    ),
    "recurrence-without-relief": (
        {"recurrence_date": date(2026, 10, 5)},
        "recurrence-only-after-relief",
        "recurrence_date",
    ),
    "mri-findings-without-mri": (
        {"mri_performed": False},
        "no-mri-no-findings",
        "active_fracture_location",
    ),
    "edema-with-none-identified": (
        {"active_fracture_location": "none_identified"},
        "none-identified-edema",
        "marrow_edema",
    ),
    "future-assessment": (
        {"assessment_date": date(2099, 1, 1)},
        "dates-not-in-the-future",
        "assessment_date",
    ),
}
# Rules added by 2026.2: the core enforces them from that version on.
INVALID_2026_2 = {
    "weeks-beyond-recurrence": (
        {**VALID["recurrence"], "conservative_therapy_weeks": 8},
        "therapy-since-recurrence",
        "conservative_therapy_weeks",
    ),
    "cleft-with-none-identified": (
        {
            "active_fracture_location": "none_identified",
            "marrow_edema": "absent",
            "cleft_sign": "present",
        },
        "none-identified-cleft",
        "cleft_sign",
    ),
    "fluid-with-none-identified": (
        {
            "active_fracture_location": "none_identified",
            "marrow_edema": "absent",
            "fluid_at_cement_interface": True,
        },
        "none-identified-fluid",
        "fluid_at_cement_interface",
    ),
    "treated-level-without-a-sign": (
        {"marrow_edema": "absent", "cleft_sign": "absent"},
        "treated-level-shows-a-sign",
        "active_fracture_location",
    ),
    "relieved-but-active-at-the-level": (
        {"initial_response": "ongoing_relief"},
        "relieved-level-not-active",
        "initial_response",
    ),
}


@pytest.mark.parametrize("case", sorted(VALID))
def test_every_constraint_holds_on_a_valid_response(questionnaire, case):
    qr = response(valid_inputs(**VALID[case]))
    assert all(constraint_results(questionnaire, qr).values()), constraint_results(
        questionnaire, qr
    )
    assert broken_invariants(qr, RESPONSE) == []


@pytest.mark.parametrize("case", sorted(INVALID) + sorted(INVALID_2026_2))
def test_the_constraint_of_each_rule_fails_on_a_response_breaking_it(questionnaire, case):
    overrides, key, _ = {**INVALID, **INVALID_2026_2}[case]
    results = constraint_results(questionnaire, response(valid_inputs(**overrides)))
    assert [name for name, ok in results.items() if not ok] == [key]


@pytest.mark.parametrize("case", sorted(INVALID))
def test_the_core_refuses_the_same_answers(case):
    overrides, _, field = INVALID[case]
    assert field in validation.cross_field_errors(
        valid_inputs(**overrides), today=date(2026, 11, 25)
    ) or (field == "assessment_date" and overrides["assessment_date"] > date(2026, 11, 25))


@pytest.mark.skipif(RULES_VERSION < "2026.2", reason="the core enforces these from 2026.2")
@pytest.mark.parametrize("case", sorted(INVALID_2026_2))
def test_the_core_refuses_the_2026_2_contradictions_too(case):
    overrides, _, field = INVALID_2026_2[case]
    assert field in validation.cross_field_errors(
        valid_inputs(**overrides), today=date(2026, 11, 25)
    )


def test_the_questionnaire_is_served_at_its_canonical_url(client, questionnaire, db, settings):
    """The one served is the active rules version's."""
    response = client.get("/fhir/Questionnaire/vertebro-assessment")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json() == build_questionnaire("2026.3")
    assert response.json()["version"] == "2026.3"
    settings.VERTEBRO_RULES_VERSION = "2026.2"
    assert client.get("/fhir/Questionnaire/vertebro-assessment").json() == questionnaire
