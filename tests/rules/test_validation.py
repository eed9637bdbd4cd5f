"""Input validation (docs/specification.md §1): every rule, each message naming the field."""

from datetime import date
from decimal import Decimal

import pytest

from tests.rules.cases import NO_MRI, TODAY, json_case, valid_inputs
from vertebro_rules.inputs import FIELDS, fields_of_step
from vertebro_rules.validation import (
    InvalidInput,
    cross_field_errors,
    missing_inputs,
    validate_case,
    validate_values,
)

REQUIRED_FIELDS = [
    "patient_ref",
    "patient_age",
    "treated_level",
    "index_procedure_date",
    "fracture_etiology",
    "prior_vertebral_fractures",
    "assessment_date",
    "initial_response",
    "vas_current",
    "conservative_therapy_weeks",
    "mri_performed",
    "cement_fill",
    "point_tenderness",
    "neuro_exam",
]


def errors_for(case) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as refused:
        validate_case(case, today=TODAY)
    return refused.value.errors


def refused_fields(**overrides) -> dict[str, list[str]]:
    return errors_for(json_case(**overrides))


def accepts(**overrides):
    return validate_case(json_case(**overrides), today=TODAY)


def test_the_factory_case_is_valid():
    inputs = accepts()
    assert inputs.patient_ref == "MRN-0001"
    assert inputs.index_cement_volume_ml == Decimal("4.2")


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("patient_age", [18, 120], [17, 121, 0, -1]),
        ("prior_vertebral_fractures", [0, 25], [-1, 26]),
        ("vas_before_index", [0, 10], [-1, 11]),
        ("vas_current", [0, 10], [-1, 11]),
        ("conservative_therapy_weeks", [0, 520], [-1, 521]),
        ("index_cement_volume_ml", [0.5, 20.0, 20], [0.4, 20.1, 0, -1.0]),
        ("bmd_t_score", [-7.0, 4.0, 0], [-7.1, 4.1, -10]),
    ],
)
def test_numbers_are_accepted_at_their_bounds_and_refused_beyond(field, good, bad):
    for value in good:
        accepts(**{field: value})
    for value in bad:
        errors = refused_fields(**{field: value})
        assert list(errors) == [field], value
        assert "Enter a value from" in errors[field][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("index_cement_volume_ml", 4.25), ("index_cement_volume_ml", 0.55), ("bmd_t_score", -2.55)],
)
def test_decimals_with_two_places_are_refused(field, value):
    errors = refused_fields(**{field: value})
    assert errors == {field: ["Use at most 1 decimal place."]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("patient_age", "70", "Expected a whole number."),
        ("patient_age", 70.0, "Expected a whole number."),
        ("patient_age", 70.5, "Expected a whole number."),
        ("patient_age", True, "Expected a whole number."),
        ("vas_current", [8], "Expected a whole number."),
        ("index_cement_volume_ml", "4.2", "Expected a number."),
        ("index_cement_volume_ml", True, "Expected a number."),
        ("bmd_t_score", {"value": -2}, "Expected a number."),
        ("mri_performed", "true", "Expected true or false."),
        ("mri_performed", 1, "Expected true or false."),
        ("fluid_at_cement_interface", 0, "Expected true or false."),
        ("treated_level", 1, "Expected a string."),
        ("patient_ref", 12345, "Expected a string."),
        ("contraindications", "cement_allergy", "Expected a list of strings."),
        ("contraindications", [1], "Expected a list of strings."),
        ("assessment_date", 20261018, "Expected a date as YYYY-MM-DD."),
    ],
)
def test_values_of_the_wrong_type_are_refused(field, value, message):
    assert refused_fields(**{field: value}) == {field: [message]}


def test_not_a_number_and_infinity_are_refused():
    assert refused_fields(bmd_t_score=float("nan")) == {"bmd_t_score": ["Enter a number."]}
    assert "index_cement_volume_ml" in refused_fields(index_cement_volume_ml=float("inf"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sex", "f"),
        ("sex", "FEMALE"),
        ("treated_level", "L6"),
        ("treated_level", "C7"),
        ("treated_level", "l1"),
        ("fracture_etiology", "pathological"),
        ("initial_response", "relief"),
        ("mobility", "walking"),
        ("analgesics", "nsaid"),
        ("active_fracture_location", "treated"),
        ("cleft_sign", "yes"),
        ("marrow_edema", "maybe"),
        ("cement_fill", "good"),
        ("point_tenderness", "yes"),
        ("neuro_exam", "abnormal"),
    ],
)
def test_values_outside_a_choice_list_are_refused_with_the_choices(field, value):
    errors = refused_fields(**{field: value})
    assert list(errors) == [field]
    assert errors[field][0].startswith("Choose one of: ")


def test_unknown_contraindications_are_refused_by_name():
    errors = refused_fields(contraindications=["cement_allergy", "pregnancy"])
    assert list(errors) == ["contraindications"]
    assert "'pregnancy'" in errors["contraindications"][0]


def test_a_contraindication_listed_twice_is_refused():
    errors = refused_fields(contraindications=["cement_allergy", "cement_allergy"])
    assert errors == {"contraindications": ["Each value may be listed once."]}


def test_contraindications_are_kept_in_the_spec_order():
    inputs = accepts(contraindications=["canal_compromise", "active_infection"])
    assert inputs.contraindications == ("active_infection", "canal_compromise")


@pytest.mark.parametrize("field", ["index_procedure_date", "assessment_date"])
def test_dates_in_the_future_are_refused(field):
    errors = refused_fields(
        index_procedure_date=date(2026, 11, 26) if field == "index_procedure_date" else None,
        assessment_date=date(2026, 11, 26),
    )
    assert "The date cannot be in the future (today is 25 Nov 2026)." in errors[field]


def test_today_is_not_in_the_future():
    inputs = accepts(index_procedure_date=TODAY, assessment_date=TODAY)
    assert inputs.assessment_date == TODAY


def test_the_index_date_cannot_be_before_1985():
    errors = refused_fields(index_procedure_date=date(1984, 12, 31))
    assert errors == {"index_procedure_date": ["The date cannot be before 1 Jan 1985."]}
    assert accepts(index_procedure_date=date(1985, 1, 1)).index_procedure_date == date(1985, 1, 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("20261018", "Expected a date as YYYY-MM-DD."),
        ("2026-10-18T10:00", "Expected a date as YYYY-MM-DD."),
        ("18/10/2026", "Expected a date as YYYY-MM-DD."),
        ("2026-1-8", "Expected a date as YYYY-MM-DD."),
        ("٢٠٢٦-10-18", "Expected a date as YYYY-MM-DD."),
        ("", "Expected a date as YYYY-MM-DD."),
        ("2026-02-30", "Expected a valid calendar date as YYYY-MM-DD."),
        ("2026-13-01", "Expected a valid calendar date as YYYY-MM-DD."),
    ],
)
def test_malformed_and_non_iso_dates_are_refused(value, message):
    assert refused_fields(assessment_date=value) == {"assessment_date": [message]}


def test_the_assessment_date_cannot_be_before_the_index_date():
    errors = refused_fields(assessment_date=date(2026, 9, 30))
    assert list(errors) == ["assessment_date"]
    assert "before the index procedure (1 Oct 2026)" in errors["assessment_date"][0]
    assert accepts(assessment_date=date(2026, 10, 1)).assessment_date == date(2026, 10, 1)


RECURRENCE = {
    "initial_response": "relief_then_recurrence",
    "assessment_date": date(2026, 11, 1),
    "conservative_therapy_weeks": 0,
}


def test_the_recurrence_date_is_required_after_relief_then_recurrence():
    errors = refused_fields(**RECURRENCE, recurrence_date=None)
    assert errors == {"recurrence_date": ["This field is required."]}


@pytest.mark.parametrize("response", ["no_relief", "ongoing_relief"])
def test_the_recurrence_date_must_be_empty_otherwise(response):
    # (with ongoing relief, MRI shows no active fracture at the treated level)
    errors = refused_fields(
        initial_response=response,
        recurrence_date=date(2026, 10, 10),
        active_fracture_location="none_identified",
        marrow_edema="absent",
    )
    assert errors == {"recurrence_date": ["Leave empty unless the pain returned after relief."]}


@pytest.mark.parametrize(
    ("recurrence", "valid"),
    [
        (date(2026, 9, 1), False),
        (date(2026, 10, 1), False),  # the index date itself
        (date(2026, 10, 2), True),
        (date(2026, 11, 1), True),  # the assessment date itself
        (date(2026, 11, 2), False),
    ],
)
def test_the_recurrence_date_lies_after_the_index_date_and_by_the_assessment_date(
    recurrence, valid
):
    if valid:
        assert accepts(**RECURRENCE, recurrence_date=recurrence).recurrence_date == recurrence
    else:
        errors = refused_fields(**RECURRENCE, recurrence_date=recurrence)
        assert list(errors) == ["recurrence_date"]
        assert "The pain cannot have returned" in errors["recurrence_date"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("active_fracture_location", "treated_level"),
        ("cleft_sign", "absent"),
        ("marrow_edema", "absent"),
        ("cleft_new_since_index", False),
        ("cleft_new_since_index", True),
    ],
)
def test_mri_fields_must_be_empty_without_an_mri(field, value):
    errors = refused_fields(**{**NO_MRI, field: value})
    assert errors == {field: ["Leave empty when no MRI was performed."]}


def test_fluid_at_the_interface_cannot_be_true_without_an_mri():
    errors = refused_fields(**NO_MRI, fluid_at_cement_interface=True)
    assert errors == {"fluid_at_cement_interface": ["Leave unticked when no MRI was performed."]}


@pytest.mark.parametrize("fluid", [False, None])
def test_no_mri_with_fluid_false_or_absent_is_valid(fluid):
    assert accepts(**NO_MRI, fluid_at_cement_interface=fluid).fluid_at_cement_interface is False


@pytest.mark.parametrize("field", ["active_fracture_location", "cleft_sign", "marrow_edema"])
def test_mri_findings_are_required_with_an_mri(field):
    assert refused_fields(**{field: None}) == {field: ["This field is required."]}


def test_no_fracture_identified_with_marrow_edema_present_is_refused():
    errors = refused_fields(active_fracture_location="none_identified", marrow_edema="present")
    assert list(errors) == ["marrow_edema"]
    assert "contradicts" in errors["marrow_edema"][0]
    accepts(active_fracture_location="none_identified", marrow_edema="absent")


@pytest.mark.parametrize(
    "value", ["A", "x" * 64, "Müller-0001", "MRN 0001", "  MRN-0001  ", "病歷-12"]
)
def test_printable_patient_references_of_1_to_64_characters_are_accepted(value):
    assert accepts(patient_ref=value).patient_ref == value.strip()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 65, "Use at most 64 characters (this has 65)."),
        ("MRN\t0001", "Use printable characters only"),
        ("MRN\n0001", "Use printable characters only"),
        ("MRN\x000001", "Use printable characters only"),
        ("MRN\u200b0001", "Use printable characters only"),
    ],
)
def test_empty_long_or_unprintable_patient_references_are_refused(value, message):
    errors = refused_fields(patient_ref=value)
    assert list(errors) == ["patient_ref"]
    assert errors["patient_ref"][0].startswith(message)


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_each_required_field_is_required(field):
    case = json_case()
    del case[field]
    assert errors_for(case) == {field: ["This field is required."]}
    assert refused_fields(**{field: None}) == {field: ["This field is required."]}


@pytest.mark.parametrize(
    "field",
    [
        "sex",
        "index_cement_volume_ml",
        "bmd_t_score",
        "vas_before_index",
        "mobility",
        "analgesics",
        "cleft_new_since_index",
        "prior_cement_leakage",
        "contraindications",
        "fluid_at_cement_interface",
    ],
)
def test_optional_fields_may_be_absent_or_null(field):
    case = json_case()
    del case[field]
    validate_case(case, today=TODAY)
    accepts(**{field: None})


def test_unknown_keys_are_refused_by_name():
    case = json_case()
    case["patient_name"] = "Jane Doe"
    case["Patient_Age"] = 70
    assert errors_for(case) == {
        "patient_name": ["Unknown field."],
        "Patient_Age": ["Unknown field."],
    }


@pytest.mark.parametrize("case", [[], "case", 5, None])
def test_a_case_that_is_not_an_object_is_refused(case):
    assert list(errors_for(case)) == ["(case)"]


def test_every_bad_field_is_named_at_once_in_the_spec_order():
    errors = refused_fields(
        neuro_exam="worse",
        patient_age=300,
        assessment_date="yesterday",
        sex=3,
        conservative_therapy_weeks=None,
    )
    assert list(errors) == [
        "patient_age",
        "sex",
        "assessment_date",
        "conservative_therapy_weeks",
        "neuro_exam",
    ]


def test_the_refusal_message_names_each_field_with_its_message():
    with pytest.raises(InvalidInput) as refused:
        validate_case(json_case(patient_age=12, cement_fill="good"), today=TODAY)
    message = str(refused.value)
    assert "patient_age: Enter a value from 18 to 120." in message
    assert "cement_fill: Choose one of: adequate, inadequate, not_assessed." in message


def test_validate_values_checks_typed_values_like_the_json_path():
    with pytest.raises(InvalidInput) as refused:
        validate_values(
            valid_inputs(patient_age=130, recurrence_date=date(2026, 10, 5)), today=TODAY
        )
    assert list(refused.value.errors) == ["patient_age", "recurrence_date"]
    validate_values(valid_inputs(), today=TODAY)


def test_cross_field_rules_wait_for_the_fields_they_relate():
    draft = {"index_procedure_date": date(2026, 10, 1), "initial_response": "no_relief"}
    assert cross_field_errors(draft, today=TODAY) == {}
    assert cross_field_errors({}, today=TODAY) == {}


def test_missing_inputs_of_an_empty_draft_are_the_required_fields_in_order():
    assert missing_inputs({}) == REQUIRED_FIELDS


def test_missing_inputs_include_what_another_answer_requires():
    values = valid_inputs(
        initial_response="relief_then_recurrence", marrow_edema=None, cleft_sign=None
    )
    assert missing_inputs(values) == ["recurrence_date", "cleft_sign", "marrow_edema"]
    assert missing_inputs(valid_inputs()) == []


def test_every_input_field_belongs_to_one_of_four_steps():
    names = [spec.name for spec in FIELDS]
    assert len(names) == 28
    by_step = [name for step in (1, 2, 3, 4) for name in fields_of_step(step)]
    assert sorted(names) == sorted(by_step)
    assert fields_of_step(1)[0] == "patient_ref"
    assert fields_of_step(4) == ("point_tenderness", "neuro_exam", "contraindications")
