"""The one definition of the inputs (docs/specification.md §1).

Each input is an instance of its kind (`TextInput`, `IntegerInput`…). A kind
converts a JSON value to its Python type (`from_json`, like Django's
`Field.to_python`) and checks a typed value against the spec (`check`, like
`Field.validate`). A field that applies only when another answer has a given
value declares it once (`applies_when`); validation, the forms and the
result pages all read that declaration.

The `Inputs` value the rules receive is built from the same table.
"""

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from ...dates import in_words
from . import vocabulary as v
from .vocabulary import Vocabulary

REQUIRED = "This field is required."
EARLIEST_INDEX_DATE = date(1985, 1, 1)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Condition:
    """An answer that makes other fields apply: `field` has `value`.

    `reason` completes "Required when …"; `otherwise` completes "Leave empty …"
    for an answer given although the condition is known not to hold.
    """

    field: str
    value: object
    reason: str
    otherwise: str

    def holds(self, values) -> bool:
        return values.get(self.field) == self.value

    def known_false(self, values) -> bool:
        """The controlling answer is given and is not `value`."""
        answer = values.get(self.field)
        return not is_blank(answer) and answer != self.value


PAIN_RETURNED = Condition(
    "initial_response",
    v.InitialResponse.RELIEF_THEN_RECURRENCE,
    reason="the pain returned after relief",
    otherwise="unless the pain returned after relief",
)
MRI_DONE = Condition(
    "mri_performed",
    True,
    reason="an MRI was performed",
    otherwise="when no MRI was performed",
)


def is_blank(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InputField:
    """One input of §1. `required` holds whenever `applies_when` holds (or always)."""

    name: str
    step: int
    label: str
    required: bool = False
    applies_when: Condition | None = None
    # What an empty answer means to the rules (None: not known).
    absent: object = None

    python_type = object
    leave_empty = "Leave empty"

    @property
    def required_always(self) -> bool:
        """Required whatever the other answers (a draft may still leave it empty)."""
        return self.required and self.applies_when is None

    def is_required(self, values) -> bool:
        """Required given the other answers."""
        return self.required and (self.applies_when is None or self.applies_when.holds(values))

    def is_empty(self, value) -> bool:
        return is_blank(value) or value == self.absent

    def from_json(self, raw):
        """Convert a JSON value to this field's Python type; raise ValueError with the message."""
        raise NotImplementedError

    def check(self, value, *, today: date) -> str | None:
        """Return the message for a typed, non-empty value outside the spec, or None."""
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class TextInput(InputField):
    max_length: int

    python_type = str

    def from_json(self, raw):
        if not isinstance(raw, str):
            raise ValueError("Expected a string.")
        return raw.strip()

    def check(self, value, *, today):
        if not value.strip():
            return REQUIRED
        if len(value) > self.max_length:
            return f"Use at most {self.max_length} characters (this has {len(value)})."
        if not value.isprintable():
            return "Use printable characters only (no tabs, line breaks or control characters)."
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class IntegerInput(InputField):
    minimum: int
    maximum: int

    python_type = int

    def from_json(self, raw):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError("Expected a whole number.")
        return raw

    def check(self, value, *, today):
        if not self.minimum <= value <= self.maximum:
            return f"Enter a value from {self.minimum} to {self.maximum}."
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class DecimalInput(InputField):
    minimum: Decimal
    maximum: Decimal
    decimal_places: int

    python_type = Decimal

    def from_json(self, raw):
        if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
            raise ValueError("Expected a number.")
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            raise ValueError("Expected a number.") from None

    def check(self, value, *, today):
        if not value.is_finite():
            return "Enter a number."
        if not self.minimum <= value <= self.maximum:
            return f"Enter a value from {self.minimum} to {self.maximum}."
        if value.as_tuple().exponent < -self.decimal_places:
            return f"Use at most {self.decimal_places} decimal place."
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class DateInput(InputField):
    """A date, never in the future (today is the caller's) and not before `earliest`."""

    earliest: date | None = None

    python_type = date

    def from_json(self, raw):
        if not isinstance(raw, str) or not ISO_DATE.fullmatch(raw):
            raise ValueError("Expected a date as YYYY-MM-DD.")
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError("Expected a valid calendar date as YYYY-MM-DD.") from None

    def check(self, value, *, today):
        if value > today:
            return f"The date cannot be in the future (today is {in_words(today)})."
        if self.earliest is not None and value < self.earliest:
            return f"The date cannot be before {in_words(self.earliest)}."
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class BooleanInput(InputField):
    python_type = bool

    @property
    def leave_empty(self) -> str:
        # A yes/no that means "no" when absent is ticked or not, never emptied.
        return "Leave unticked" if self.absent is False else "Leave empty"

    def from_json(self, raw):
        if not isinstance(raw, bool):
            raise ValueError("Expected true or false.")
        return raw


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceInput(InputField):
    """One code of a vocabulary."""

    vocabulary: type[Vocabulary]
    # The codes as a set, so a check is one lookup.
    allowed: frozenset = dataclasses.field(init=False, compare=False, repr=False)

    python_type = str

    def __post_init__(self):
        object.__setattr__(self, "allowed", frozenset(self.vocabulary.values))

    def from_json(self, raw):
        if not isinstance(raw, str):
            raise ValueError("Expected a string.")
        return raw

    def check(self, value, *, today):
        if value not in self.allowed:
            return f"Choose one of: {', '.join(self.vocabulary.values)}."
        return None

    def label_of(self, code: str) -> str:
        """The clinician's words for a code (the code itself if unknown)."""
        return self.vocabulary(code).label if code in self.allowed else str(code)


@dataclass(frozen=True, slots=True, kw_only=True)
class MultipleChoiceInput(ChoiceInput):
    """A list of distinct codes of a vocabulary; the rules receive them in its order."""

    python_type = tuple

    def from_json(self, raw):
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ValueError("Expected a list of strings.")
        return raw

    def check(self, value, *, today):
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
            return "Expected a list of strings."
        unknown = [item for item in value if item not in self.allowed]
        if unknown:
            return (
                f"Unknown value {unknown[0]!r}; choose from: {', '.join(self.vocabulary.values)}."
            )
        if len(set(value)) != len(value):
            return "Each value may be listed once."
        return None

    def in_order(self, codes) -> tuple[str, ...]:
        chosen = set(codes or ())
        return tuple(code for code in self.vocabulary.values if code in chosen)


FIELDS: tuple[InputField, ...] = (
    # Step 1 — Patient and index procedure
    TextInput(
        name="patient_ref",
        step=1,
        label="Patient reference (MRN)",
        required=True,
        max_length=64,
    ),
    IntegerInput(
        name="patient_age", step=1, label="Age (years)", required=True, minimum=18, maximum=120
    ),
    ChoiceInput(name="sex", step=1, label="Sex", vocabulary=v.Sex),
    ChoiceInput(
        name="treated_level",
        step=1,
        label="Treated level",
        required=True,
        vocabulary=v.VertebralLevel,
    ),
    DateInput(
        name="index_procedure_date",
        step=1,
        label="Date of the index vertebroplasty",
        required=True,
        earliest=EARLIEST_INDEX_DATE,
    ),
    DecimalInput(
        name="index_cement_volume_ml",
        step=1,
        label="Index cement volume (mL)",
        minimum=Decimal("0.5"),
        maximum=Decimal("20.0"),
        decimal_places=1,
    ),
    ChoiceInput(
        name="fracture_etiology",
        step=1,
        label="Fracture etiology",
        required=True,
        vocabulary=v.FractureEtiology,
    ),
    DecimalInput(
        name="bmd_t_score",
        step=1,
        label="Lowest DXA T-score",
        minimum=Decimal("-7.0"),
        maximum=Decimal("4.0"),
        decimal_places=1,
    ),
    IntegerInput(
        name="prior_vertebral_fractures",
        step=1,
        label="Prior vertebral fractures",
        required=True,
        minimum=0,
        maximum=25,
    ),
    # Step 2 — Pain timeline
    DateInput(name="assessment_date", step=2, label="Assessment date", required=True),
    ChoiceInput(
        name="initial_response",
        step=2,
        label="Course of pain after the index procedure",
        required=True,
        vocabulary=v.InitialResponse,
    ),
    DateInput(
        name="recurrence_date",
        step=2,
        label="Date the pain returned",
        required=True,
        applies_when=PAIN_RETURNED,
    ),
    IntegerInput(
        name="vas_before_index",
        step=2,
        label="VAS before the index procedure",
        minimum=0,
        maximum=10,
    ),
    IntegerInput(
        name="vas_current", step=2, label="Current VAS", required=True, minimum=0, maximum=10
    ),
    IntegerInput(
        name="conservative_therapy_weeks",
        step=2,
        label="Weeks of conservative therapy",
        required=True,
        minimum=0,
        maximum=520,
    ),
    ChoiceInput(name="mobility", step=2, label="Mobility", vocabulary=v.Mobility),
    ChoiceInput(name="analgesics", step=2, label="Analgesics", vocabulary=v.Analgesics),
    # Step 3 — Imaging
    BooleanInput(name="mri_performed", step=3, label="MRI performed", required=True),
    ChoiceInput(
        name="active_fracture_location",
        step=3,
        label="Location of the active fracture on MRI",
        required=True,
        applies_when=MRI_DONE,
        vocabulary=v.FractureLocation,
    ),
    ChoiceInput(
        name="cleft_sign",
        step=3,
        label="Intravertebral cleft",
        required=True,
        applies_when=MRI_DONE,
        vocabulary=v.Finding,
    ),
    BooleanInput(
        name="cleft_new_since_index",
        step=3,
        label="Cleft new since the index procedure",
        applies_when=MRI_DONE,
    ),
    ChoiceInput(
        name="marrow_edema",
        step=3,
        label="Marrow edema",
        required=True,
        applies_when=MRI_DONE,
        vocabulary=v.Finding,
    ),
    # §1: false when absent.
    BooleanInput(
        name="fluid_at_cement_interface",
        step=3,
        label="Fluid at the bone–cement interface",
        applies_when=MRI_DONE,
        absent=False,
    ),
    ChoiceInput(
        name="cement_fill",
        step=3,
        label="Index cement fill",
        required=True,
        vocabulary=v.CementFill,
    ),
    BooleanInput(
        name="prior_cement_leakage", step=3, label="Cement leakage at the index procedure"
    ),
    # Step 4 — Examination
    ChoiceInput(
        name="point_tenderness",
        step=4,
        label="Point tenderness",
        required=True,
        vocabulary=v.Tenderness,
    ),
    ChoiceInput(
        name="neuro_exam",
        step=4,
        label="Neurological examination",
        required=True,
        vocabulary=v.NeuroExam,
    ),
    MultipleChoiceInput(
        name="contraindications",
        step=4,
        label="Contraindications",
        vocabulary=v.Contraindication,
        absent=(),
    ),
)

FIELDS_BY_NAME: dict[str, InputField] = {spec.name: spec for spec in FIELDS}
INPUT_FIELD_NAMES: tuple[str, ...] = tuple(FIELDS_BY_NAME)
# Fields that apply only once an MRI was done, and those of them it makes required.
MRI_ONLY_FIELDS = tuple(spec.name for spec in FIELDS if spec.applies_when is MRI_DONE)
MRI_FIELDS = tuple(spec.name for spec in FIELDS if spec.applies_when is MRI_DONE and spec.required)


def fields_of_step(step: int) -> tuple[str, ...]:
    return tuple(spec.name for spec in FIELDS if spec.step == step)


# The rules' inputs: every field of §1, validated and typed. Fields required in
# every case come first and have no default; the others default to their
# meaning when absent.
Inputs = dataclasses.make_dataclass(
    "Inputs",
    [
        (spec.name, spec.python_type)
        if spec.required_always
        else (spec.name, spec.python_type | None, dataclasses.field(default=spec.absent))
        for spec in sorted(FIELDS, key=lambda spec: not spec.required_always)
    ],
    frozen=True,
    slots=True,
    kw_only=True,
)
Inputs.__module__ = __name__
Inputs.__doc__ = "The inputs of §1, validated and typed (see `validation.validate_case`)."
