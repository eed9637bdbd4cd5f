"""The one definition of input validation of rules version 2026.3 (docs/specification.md §1).

The web forms, the `evaluate` command, finalization, FHIR and CDS all validate
with this module, so a value refused in one place is refused everywhere with
the same message.

2026.3 refuses only the impossible (§1 "What is still refused"): values outside
their type or range (with the scope messages for children and for cervical and
sacral levels), impossible dates, fields that cannot apply, missing required
answers, more weeks of therapy than the recurrence allows, more than one
decimal place, a contraindication listed twice and unknown keys. Clinical
contradictions are accepted and raise warnings (§5a). No refusal relates a
Step 4 answer to another field.

A refused case still says what its valid answers raise as red flags (§8):
`InvalidInput.red_flags`, in the spec's order. An answer that is itself refused
is not read.

Plain Python; today's date (for "not in the future") is passed in by the caller.
"""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from ...dates import in_words
from ...errors import InvalidInput as InvalidInput
from ...errors import error_lines as error_lines
from . import flags
from . import vocabulary as v
from .inputs import (
    CONDITIONAL_FIELDS,
    FIELDS,
    FIELDS_BY_NAME,
    INPUT_FIELD_NAMES,
    PAIN_RETURNED,
    REQUIRED,
    REQUIRED_FIELDS,
    Condition,
    InputField,
    Inputs,
    MultipleChoiceInput,
    is_blank,
)

Errors = dict[str, list[str]]


def cross_field_errors(values: Mapping[str, Any], *, today: date) -> Errors:
    """The rules of §1 that relate two or more fields.

    Works on partial drafts: a rule is checked only once the fields it relates
    are known, and each message is attached to the field the clinician must
    change.
    """
    errors: Errors = {}

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
    for spec in CONDITIONAL_FIELDS:
        condition = spec.applies_when
        if condition is None:  # pragma: no cover - CONDITIONAL_FIELDS have one
            continue
        value = values.get(spec.name)
        if condition.holds(values):
            if spec.required and spec.is_empty(value):
                add(spec.name, f"Required when {condition.reason}.")
        elif not spec.is_empty(value):
            refusing = _condition_known_false(condition, values)
            if refusing is not None:
                add(spec.name, f"{spec.leave_empty} {refusing.otherwise}.")

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
    return errors


def _condition_known_false(condition: Condition, values: Mapping[str, Any]) -> Condition | None:
    """The condition that refuses an answer given although it cannot apply, or None.

    A condition on a field that itself applies only after another answer (the
    cleft's novelty, under the cleft sign, under the MRI) is known false also
    when that other answer is known not to hold: with no MRI, the cleft's
    novelty is refused as an MRI field.
    """
    controlling = FIELDS_BY_NAME[condition.field].applies_when
    if controlling is not None:
        outer = _condition_known_false(controlling, values)
        if outer is not None:
            return outer if condition.refuse_otherwise else None
    if condition.refuse_otherwise and condition.known_false(values):
        return condition
    return None


def conservative_weeks_limit(days_since_recurrence: int) -> int:
    """§1: the most weeks of conservative therapy a recurrence this old allows (rounded up)."""
    return (days_since_recurrence + 6) // 7


def _weeks_since_recurrence_errors(
    values: Mapping[str, Any], add: Callable[[str, str], None]
) -> None:
    """§1: for a recurrence, weeks of therapy since the pain returned, at most."""
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


def missing_inputs(values: Mapping[str, Any]) -> list[str]:
    """Required inputs (including those required by another answer) that are still empty."""
    return [
        spec.name
        for spec in REQUIRED_FIELDS
        if is_blank(values.get(spec.name)) and spec.is_required(values)
    ]


def field_errors(values: Mapping[str, Any], *, today: date) -> Errors:
    """Every refusal of typed values, by field in §1 order: each field's own check first,
    then the rules that relate fields (a field refused on its own is not checked again)."""
    errors: Errors = {name: [_required(FIELDS_BY_NAME[name])] for name in missing_inputs(values)}
    for name, value in values.items():
        if is_blank(value) or name in errors:
            continue
        message = FIELDS_BY_NAME[name].check(value, today=today)
        if message:
            errors[name] = [message]
    valid = (
        {name: value for name, value in values.items() if name not in errors} if errors else values
    )
    for name, messages in cross_field_errors(valid, today=today).items():
        if name not in errors:
            errors[name] = messages
    return _ordered(errors) if errors else errors


def _required(spec: InputField) -> str:
    """ "This field is required.", or for a field another answer makes required, which."""
    condition = spec.applies_when
    return REQUIRED if condition is None else f"Required when {condition.reason}."


def validate_values(values: Mapping[str, Any], *, today: date) -> None:
    """Check complete, typed values against every rule of §1; raise InvalidInput."""
    errors = field_errors(values, today=today)
    if errors:
        raise InvalidInput(errors, red_flags=_red_flags(values, errors))


def red_flag_lines(values: Mapping[str, Any], *, today: date) -> list[str]:
    """§8: the red-flag lines that the valid answers among `values` raise (refused answers
    are not read), for a refused case or a draft."""
    return _red_flags(values, field_errors(values, today=today))


def _red_flags(values: Mapping[str, Any], errors: Mapping[str, list[str]]) -> list[str]:
    return flags.lines(
        {
            name: value
            for name, value in values.items()
            if name not in errors and not is_blank(value)
        }
    )


def _ordered(errors: Errors) -> Errors:
    return dict(sorted(errors.items(), key=lambda item: _order(item[0])))


def _order(name: str) -> int:
    return INPUT_FIELD_NAMES.index(name) if name in FIELDS_BY_NAME else -1


# (name, meaning when absent, the multiple-choice field that orders it or None), per input.
_CONVERSIONS: tuple[tuple[str, object, MultipleChoiceInput | None], ...] = tuple(
    (spec.name, spec.absent, spec if isinstance(spec, MultipleChoiceInput) else None)
    for spec in FIELDS
)


def to_inputs(values: Mapping[str, Any]) -> Inputs:
    """Build the rules' inputs from validated values.

    An empty answer takes its field's meaning when absent; a list of codes is
    put in its vocabulary's order.
    """
    data: dict[str, Any] = {}
    get = values.get
    for name, absent, multiple in _CONVERSIONS:
        value = get(name)
        if is_blank(value):
            value = absent
        elif multiple is not None:
            value = multiple.in_order(value)
        data[name] = value
    return Inputs(**data)


def validate_case(data: object, *, today: date) -> Inputs:
    """Validate one JSON case of the `evaluate` command and return the rules' inputs.

    Unknown keys, wrong types, missing required fields, out-of-range values and
    impossible combinations are all refused, every bad field named at once; the
    refusal carries the red-flag lines of §8 that the valid answers raise.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput({"(case)": ["Expected a JSON object of input fields."]})
    errors: Errors = {}
    for name in data:
        if name not in FIELDS_BY_NAME:
            errors[str(name)] = ["Unknown field."]
    values: dict[str, Any] = {}
    spec: InputField
    for spec in FIELDS:
        raw = data.get(spec.name)
        if raw is None:
            continue
        try:
            values[spec.name] = spec.from_json(raw)
        except ValueError as error:
            errors[spec.name] = [str(error)]
    for name, messages in field_errors(values, today=today).items():
        errors.setdefault(name, messages)
    if errors:
        raise InvalidInput(_ordered(errors), red_flags=_red_flags(values, errors))
    return to_inputs(values)
