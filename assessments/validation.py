"""The one definition of input validation (guidance-rules.md §1).

The web forms (through the model's field validators and `Assessment.clean`),
the `evaluate` command and finalization all validate with this module, so a
value refused in one place is refused everywhere with the same message.

It is plain Python. The only outside fact it needs, today's date (for "not
in the future"), is passed in by the caller.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from . import choices
from .guidance import Inputs

EARLIEST_INDEX_DATE = date(1985, 1, 1)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

REQUIRED = "This field is required."


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One input field of §1: its type, range and whether it is required."""

    name: str
    step: int
    kind: str  # text, integer, decimal, date, boolean, choice, choices
    label: str
    required: bool = False
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    max_length: int | None = None
    decimal_places: int | None = None
    choices: type | None = None  # a TextChoices class
    # The choice codes as a set: `TextChoices.values` builds a new list on every access.
    allowed: frozenset = field(init=False, default=frozenset(), compare=False, repr=False)

    def __post_init__(self):
        if self.choices is not None:
            object.__setattr__(self, "allowed", frozenset(self.choices.values))

    def check(self, value, *, today: date) -> str | None:
        """Return the message for a typed, non-empty value outside the spec, or None."""
        if self.kind == "text":
            if not value.strip():
                return REQUIRED
            if len(value) > self.max_length:
                return f"Use at most {self.max_length} characters (this has {len(value)})."
            if not value.isprintable():
                return "Use printable characters only (no tabs, line breaks or control characters)."
        elif self.kind in ("integer", "decimal"):
            if self.kind == "decimal" and not value.is_finite():
                return "Enter a number."
            if not self.minimum <= value <= self.maximum:
                return f"Enter a value from {self.minimum} to {self.maximum}."
            if self.kind == "decimal" and value.as_tuple().exponent < -self.decimal_places:
                return f"Use at most {self.decimal_places} decimal place."
        elif self.kind == "date":
            if value > today:
                return f"The date cannot be in the future (today is {today.isoformat()})."
            if self.name == "index_procedure_date" and value < EARLIEST_INDEX_DATE:
                return f"The date cannot be before {EARLIEST_INDEX_DATE.isoformat()}."
        elif self.kind == "choice":
            if value not in self.allowed:
                return f"Choose one of: {', '.join(self.choices.values)}."
        elif self.kind == "choices":
            if not isinstance(value, (list, tuple)) or not all(
                isinstance(item, str) for item in value
            ):
                return "Expected a list of strings."
            unknown = [item for item in value if item not in self.allowed]
            if unknown:
                return (
                    f"Unknown value {unknown[0]!r}; choose from: {', '.join(self.choices.values)}."
                )
            if len(set(value)) != len(value):
                return "Each value may be listed once."
        return None

    def from_json(self, raw):
        """Convert a JSON value to this field's Python type; raise ValueError with the message."""
        kind = self.kind
        if kind == "text":
            if not isinstance(raw, str):
                raise ValueError("Expected a string.")
            return raw.strip()
        if kind == "integer":
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError("Expected a whole number.")
            return raw
        if kind == "decimal":
            if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
                raise ValueError("Expected a number.")
            try:
                return Decimal(str(raw))
            except InvalidOperation:
                raise ValueError("Expected a number.") from None
        if kind == "date":
            if not isinstance(raw, str) or not ISO_DATE.fullmatch(raw):
                raise ValueError("Expected a date as YYYY-MM-DD.")
            try:
                return date.fromisoformat(raw)
            except ValueError:
                raise ValueError("Expected a valid calendar date as YYYY-MM-DD.") from None
        if kind == "boolean":
            if not isinstance(raw, bool):
                raise ValueError("Expected true or false.")
            return raw
        if kind == "choice":
            if not isinstance(raw, str):
                raise ValueError("Expected a string.")
            return raw
        # choices: a list of strings
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ValueError("Expected a list of strings.")
        return raw


def _field(name, step, kind, label, **options) -> FieldSpec:
    return FieldSpec(name=name, step=step, kind=kind, label=label, **options)


FIELDS: tuple[FieldSpec, ...] = (
    # Step 1 — Patient and index procedure
    _field("patient_ref", 1, "text", "Patient reference (MRN)", required=True, max_length=64),
    _field("patient_age", 1, "integer", "Age (years)", required=True, minimum=18, maximum=120),
    _field("sex", 1, "choice", "Sex", choices=choices.Sex),
    _field(
        "treated_level", 1, "choice", "Treated level", required=True, choices=choices.VertebralLevel
    ),
    _field("index_procedure_date", 1, "date", "Date of the index vertebroplasty", required=True),
    _field(
        "index_cement_volume_ml",
        1,
        "decimal",
        "Index cement volume (mL)",
        minimum=Decimal("0.5"),
        maximum=Decimal("20.0"),
        decimal_places=1,
    ),
    _field(
        "fracture_etiology",
        1,
        "choice",
        "Fracture etiology",
        required=True,
        choices=choices.FractureEtiology,
    ),
    _field(
        "bmd_t_score",
        1,
        "decimal",
        "Lowest DXA T-score",
        minimum=Decimal("-7.0"),
        maximum=Decimal("4.0"),
        decimal_places=1,
    ),
    _field(
        "prior_vertebral_fractures",
        1,
        "integer",
        "Prior vertebral fractures",
        required=True,
        minimum=0,
        maximum=25,
    ),
    # Step 2 — Pain timeline
    _field("assessment_date", 2, "date", "Assessment date", required=True),
    _field(
        "initial_response",
        2,
        "choice",
        "Course of pain after the index procedure",
        required=True,
        choices=choices.InitialResponse,
    ),
    _field("recurrence_date", 2, "date", "Date the pain returned"),
    _field(
        "vas_before_index", 2, "integer", "VAS before the index procedure", minimum=0, maximum=10
    ),
    _field("vas_current", 2, "integer", "Current VAS", required=True, minimum=0, maximum=10),
    _field(
        "conservative_therapy_weeks",
        2,
        "integer",
        "Weeks of conservative therapy",
        required=True,
        minimum=0,
        maximum=520,
    ),
    _field("mobility", 2, "choice", "Mobility", choices=choices.Mobility),
    _field("analgesics", 2, "choice", "Analgesics", choices=choices.Analgesics),
    # Step 3 — Imaging
    _field("mri_performed", 3, "boolean", "MRI performed", required=True),
    _field(
        "active_fracture_location",
        3,
        "choice",
        "Location of the active fracture on MRI",
        choices=choices.FractureLocation,
    ),
    _field("cleft_sign", 3, "choice", "Intravertebral cleft", choices=choices.Finding),
    _field("cleft_new_since_index", 3, "boolean", "Cleft new since the index procedure"),
    _field("marrow_edema", 3, "choice", "Marrow edema", choices=choices.Finding),
    _field("fluid_at_cement_interface", 3, "boolean", "Fluid at the bone–cement interface"),
    _field(
        "cement_fill", 3, "choice", "Index cement fill", required=True, choices=choices.CementFill
    ),
    _field("prior_cement_leakage", 3, "boolean", "Cement leakage at the index procedure"),
    # Step 4 — Examination
    _field(
        "point_tenderness",
        4,
        "choice",
        "Point tenderness",
        required=True,
        choices=choices.Tenderness,
    ),
    _field(
        "neuro_exam",
        4,
        "choice",
        "Neurological examination",
        required=True,
        choices=choices.NeuroExam,
    ),
    _field(
        "contraindications", 4, "choices", "Contraindications", choices=choices.Contraindication
    ),
)

FIELDS_BY_NAME = {spec.name: spec for spec in FIELDS}
INPUT_FIELD_NAMES = tuple(FIELDS_BY_NAME)
MRI_FIELDS = ("active_fracture_location", "cleft_sign", "marrow_edema")
MRI_ONLY_FIELDS = (*MRI_FIELDS, "cleft_new_since_index")
CONTRAINDICATION_ORDER = tuple(choices.Contraindication.values)


def fields_of_step(step: int) -> tuple[str, ...]:
    return tuple(spec.name for spec in FIELDS if spec.step == step)


class InvalidInput(ValueError):
    """Input refused; `errors` maps each bad field to its messages."""

    def __init__(self, errors: Mapping[str, list[str]]):
        self.errors = dict(errors)
        super().__init__(
            "; ".join(f"{name}: {' '.join(messages)}" for name, messages in self.errors.items())
        )


def _blank(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


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
    initial_response = values.get("initial_response")

    if index_date and assessment_date and assessment_date < index_date:
        add(
            "assessment_date",
            f"The assessment date cannot be before the index procedure ({index_date.isoformat()}).",
        )

    if initial_response == choices.InitialResponse.RELIEF_THEN_RECURRENCE:
        if recurrence_date is None:
            add("recurrence_date", "Required when the pain returned after relief.")
        else:
            if index_date and recurrence_date <= index_date:
                add(
                    "recurrence_date",
                    f"The pain cannot have returned on or before the index procedure "
                    f"({index_date.isoformat()}).",
                )
            if assessment_date and recurrence_date > assessment_date:
                add(
                    "recurrence_date",
                    f"The pain cannot have returned after the assessment date "
                    f"({assessment_date.isoformat()}).",
                )
    elif initial_response and recurrence_date is not None:
        add("recurrence_date", "Leave empty unless the pain returned after relief.")

    mri_performed = values.get("mri_performed")
    if mri_performed is True:
        for name in MRI_FIELDS:
            if _blank(values.get(name)):
                add(name, "Required when an MRI was performed.")
    elif mri_performed is False:
        for name in MRI_ONLY_FIELDS:
            if not _blank(values.get(name)):
                add(name, "Leave empty when no MRI was performed.")
        if values.get("fluid_at_cement_interface"):
            add("fluid_at_cement_interface", "Leave unticked when no MRI was performed.")

    if (
        values.get("active_fracture_location") == choices.FractureLocation.NONE_IDENTIFIED
        and values.get("marrow_edema") == choices.Finding.PRESENT
    ):
        add(
            "marrow_edema",
            "Marrow edema at the treated level contradicts 'no active fracture identified'; "
            "correct one of the two.",
        )
    return errors


def missing_inputs(values: Mapping) -> list[str]:
    """Required inputs (including those required by another answer) that are still empty."""
    missing = [spec.name for spec in FIELDS if spec.required and _blank(values.get(spec.name))]
    if (
        values.get("initial_response") == choices.InitialResponse.RELIEF_THEN_RECURRENCE
        and values.get("recurrence_date") is None
    ):
        missing.append("recurrence_date")
    if values.get("mri_performed") is True:
        missing.extend(name for name in MRI_FIELDS if _blank(values.get(name)))
    return sorted(missing, key=INPUT_FIELD_NAMES.index)


def validate_values(values: Mapping, *, today: date) -> None:
    """Check complete, typed values against every rule of §1; raise InvalidInput."""
    errors: dict[str, list[str]] = {name: [REQUIRED] for name in missing_inputs(values)}
    for name, value in values.items():
        if name in errors or _blank(value):
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
    """Build the rules' inputs from validated values (contraindications in the spec's order)."""
    data = {name: values.get(name) for name in INPUT_FIELD_NAMES}
    data["fluid_at_cement_interface"] = bool(data["fluid_at_cement_interface"])
    chosen = set(data["contraindications"] or ())
    data["contraindications"] = tuple(c for c in CONTRAINDICATION_ORDER if c in chosen)
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


def error_lines(errors: Mapping[str, Iterable[str]], prefix: str = "") -> list[str]:
    """One line per bad field, `field: message`, for command-line output."""
    return [f"{prefix}{name}: {' '.join(messages)}" for name, messages in errors.items()]
