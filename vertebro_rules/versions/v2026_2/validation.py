"""The one definition of input validation (docs/specification.md §1).

The web forms (through the model's field validators and `Assessment.clean`),
the `evaluate` command and finalization all validate with this module, so a
value refused in one place is refused everywhere with the same message.

It is plain Python. The only outside fact it needs, today's date (for "not
in the future"), is passed in by the caller.
"""

from collections.abc import Mapping
from datetime import date

from ...dates import in_words
from ...errors import InvalidInput as InvalidInput
from ...errors import error_lines as error_lines
from . import vocabulary as v
from .inputs import (
    FIELDS,
    FIELDS_BY_NAME,
    INPUT_FIELD_NAMES,
    PAIN_RETURNED,
    REQUIRED,
    Inputs,
    MultipleChoiceInput,
    is_blank,
)


def cross_field_errors(values: Mapping, *, today: date) -> dict[str, list[str]]:
    """The rules of §1 that relate two or more fields.

    Works on partial drafts: a rule is checked only once the fields it relates
    are known, and each message is attached to the field the clinician must
    change.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    index_date = values.get("index_procedure_date")
    assessment_date = values.get("assessment_date")
    recurrence_date = values.get("recurrence_date")

    if index_date and assessment_date and assessment_date < index_date:
        add(
            "assessment_date",
            f"The assessment date cannot be before the index procedure ({in_words(index_date)}).",
        )

    # A field that applies only after another answer: required once it applies,
    # empty once it is known not to apply.
    for spec in FIELDS:
        condition = spec.applies_when
        if condition is None:
            continue
        value = values.get(spec.name)
        if condition.holds(values):
            if spec.required and spec.is_empty(value):
                add(spec.name, f"Required when {condition.reason}.")
        elif condition.known_false(values) and not spec.is_empty(value):
            add(spec.name, f"{spec.leave_empty} {condition.otherwise}.")

    if recurrence_date is not None and PAIN_RETURNED.holds(values):
        if index_date and recurrence_date <= index_date:
            add(
                "recurrence_date",
                f"The pain cannot have returned on or before the index procedure "
                f"({in_words(index_date)}).",
            )
        if assessment_date and recurrence_date > assessment_date:
            add(
                "recurrence_date",
                f"The pain cannot have returned after the assessment date "
                f"({in_words(assessment_date)}).",
            )

    _weeks_since_recurrence_errors(values, add)
    _mri_contradiction_errors(values, add)
    return errors


def conservative_weeks_limit(days_since_recurrence: int) -> int:
    """§1: the most weeks of conservative therapy a recurrence this old allows (rounded up)."""
    return (days_since_recurrence + 6) // 7


def _weeks_since_recurrence_errors(values: Mapping, add) -> None:
    """§1 (2026.2): for a recurrence, weeks of therapy since the pain returned, at most."""
    weeks = values.get("conservative_therapy_weeks")
    recurrence_date = values.get("recurrence_date")
    assessment_date = values.get("assessment_date")
    if (
        values.get("initial_response") != v.InitialResponse.RELIEF_THEN_RECURRENCE
        or weeks is None
        or recurrence_date is None
        or assessment_date is None
        or recurrence_date > assessment_date
    ):
        return
    days = (assessment_date - recurrence_date).days
    limit = conservative_weeks_limit(days)
    if weeks > limit:
        add(
            "conservative_therapy_weeks",
            f"The pain returned on {in_words(recurrence_date)}, "
            f"{days} day{'s' if days != 1 else ''} before the assessment: at most "
            f"{limit} week{'s' if limit != 1 else ''} of conservative therapy since then "
            f"(this says {weeks}).",
        )


def _label(choice_class, value) -> str:
    return f"“{choice_class(value).label}”"


def _mri_contradiction_errors(values: Mapping, add) -> None:
    """§1: MRI answers that contradict each other, or the course of pain; each message names
    both answers and stands on the field the spec names."""
    location = values.get("active_fracture_location")
    edema = values.get("marrow_edema")
    cleft = values.get("cleft_sign")
    fluid = values.get("fluid_at_cement_interface")
    location_words = "the active fracture location"
    if location == v.FractureLocation.NONE_IDENTIFIED:
        none_identified = _label(v.FractureLocation, location)
        positive = {
            "marrow_edema": (edema == v.Finding.PRESENT, "Marrow edema present"),
            "cleft_sign": (cleft == v.Finding.PRESENT, "An intravertebral cleft present"),
            "fluid_at_cement_interface": (bool(fluid), "Fluid at the bone–cement interface"),
        }
        for name, (is_positive, words) in positive.items():
            if is_positive:
                add(
                    name,
                    f"{words} at the treated level contradicts {none_identified} as "
                    f"{location_words}; correct one of the two.",
                )
    if (
        location == v.FractureLocation.TREATED_LEVEL
        and edema == v.Finding.ABSENT
        and cleft == v.Finding.ABSENT
        and not fluid
    ):
        add(
            "active_fracture_location",
            f"{_label(v.FractureLocation, location)} contradicts the findings there: no "
            "sign of activity is positive (marrow edema absent, cleft absent, no fluid at the "
            "bone–cement interface), and an active fracture shows at least one. Choose "
            f"{_label(v.Finding, v.Finding.INDETERMINATE)} for a sign the images "
            "do not allow reading.",
        )
    if (
        values.get("initial_response") == v.InitialResponse.ONGOING_RELIEF
        and location == v.FractureLocation.TREATED_LEVEL
    ):
        add(
            "initial_response",
            f"{_label(v.InitialResponse, v.InitialResponse.ONGOING_RELIEF)} "
            "contradicts an active fracture at the treated level on MRI: if the pain at the "
            "treated level came back, choose "
            f"{_label(v.InitialResponse, v.InitialResponse.RELIEF_THEN_RECURRENCE)}; "
            "if it never improved, choose "
            f"{_label(v.InitialResponse, v.InitialResponse.NO_RELIEF)}.",
        )


def missing_inputs(values: Mapping) -> list[str]:
    """Required inputs (including those required by another answer) that are still empty."""
    return [
        spec.name for spec in FIELDS if spec.is_required(values) and is_blank(values.get(spec.name))
    ]


def validate_values(values: Mapping, *, today: date) -> None:
    """Check complete, typed values against every rule of §1; raise InvalidInput."""
    errors: dict[str, list[str]] = {name: [REQUIRED] for name in missing_inputs(values)}
    for name, value in values.items():
        if name in errors or is_blank(value):
            continue
        message = FIELDS_BY_NAME[name].check(value, today=today)
        if message:
            errors[name] = [message]
    for name, messages in cross_field_errors(values, today=today).items():
        if name not in errors:
            errors[name] = messages
    if errors:
        raise InvalidInput(dict(sorted(errors.items(), key=lambda item: _order(item[0]))))


def _order(name: str) -> int:
    return INPUT_FIELD_NAMES.index(name) if name in FIELDS_BY_NAME else -1


def to_inputs(values: Mapping) -> Inputs:
    """Build the rules' inputs from validated values.

    An empty answer takes its field's meaning when absent; a list of codes is
    put in its vocabulary's order.
    """
    data = {}
    for spec in FIELDS:
        value = values.get(spec.name)
        if is_blank(value):
            value = spec.absent
        elif isinstance(spec, MultipleChoiceInput):
            value = spec.in_order(value)
        data[spec.name] = value
    return Inputs(**data)


def validate_case(data, *, today: date) -> Inputs:
    """Validate one JSON case of the `evaluate` command and return the rules' inputs.

    Unknown keys, wrong types, missing required fields, out-of-range values and
    cross-field contradictions are all refused, every bad field named at once.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput({"(case)": ["Expected a JSON object of input fields."]})
    errors: dict[str, list[str]] = {}
    for name in data:
        if name not in FIELDS_BY_NAME:
            errors[str(name)] = ["Unknown field."]
    values = {}
    for spec in FIELDS:
        raw = data.get(spec.name)
        if raw is None:
            continue
        try:
            values[spec.name] = spec.from_json(raw)
        except ValueError as error:
            errors[spec.name] = [str(error)]
    try:
        validate_values(values, today=today)
    except InvalidInput as invalid:
        for name, messages in invalid.errors.items():
            errors.setdefault(name, messages)
    if errors:
        raise InvalidInput(dict(sorted(errors.items(), key=lambda item: _order(item[0]))))
    return to_inputs(values)
