"""The one definition of the inputs of rules version 2026.3 (docs/specification.md §1).

Each input is an instance of its kind (`TextInput`, `IntegerInput`…). A kind
converts a JSON value to its Python type (`from_json`, like Django's
`Field.to_python`) and checks a typed value against the spec (`check`, like
`Field.validate`). A field that applies only when another answer has a given
value declares it once (`applies_when`); validation, the forms and the
result pages all read that declaration. Each field carries the label and,
where the spec gives one, the help text a clinician reads.

The `Inputs` value the rules receive is built from the same table.

Readings of the spec (the safer one where it leaves a choice open):
- `cleft_new_since_index` applies when `cleft_sign` = `present`, which itself
  applies only after an MRI: with no MRI it is refused as an MRI field (§1),
  with another cleft reading it is refused as not applying (§1 item 3).
- `conservative_therapy_weeks` is asked and required only for a recurrence;
  given with another course of pain it is accepted and kept, never read (§1),
  so its condition does not refuse it there (`refuse_otherwise=False`).
"""

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from ...dates import in_words
from . import vocabulary as v
from .vocabulary import Vocabulary

REQUIRED = "This field is required."
EARLIEST_INDEX_DATE = date(1985, 1, 1)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# §1 scope refusals: the tool does not cover the patient (not a typing error).
ADULT_AGE = 18
AGE_SCOPE = (
    "Vertebro covers adults (18 years and over): the evidence it rests on comes from adults. "
    "For a younger patient, decide with a paediatric spine team."
)
CERVICAL_LEVELS = frozenset(f"C{n}" for n in range(1, 8))
SACRAL_LEVELS = frozenset(f"S{n}" for n in range(1, 6))
CERVICAL_SCOPE = "Vertebro covers T1 to L5: cervical vertebroplasty is outside its scope."
SACRAL_SCOPE = "Vertebro covers T1 to L5: sacroplasty is outside its scope."

Values = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Condition:
    """An answer that makes other fields apply: `field` has `value`.

    `reason` completes "Required when …"; `otherwise` completes "Leave empty …"
    for an answer given although the condition is known not to hold. A field
    whose answer is kept although it does not apply sets `refuse_otherwise`
    to False (§1: `conservative_therapy_weeks`).
    """

    field: str
    value: object
    reason: str
    otherwise: str
    refuse_otherwise: bool = True
    # The controlling answer left empty means the condition does not hold (an optional
    # answer such as the analgesics), rather than that it is not known yet.
    empty_is_false: bool = False

    def holds(self, values: Values) -> bool:
        return bool(values.get(self.field) == self.value)

    def known_false(self, values: Values) -> bool:
        """The controlling answer is given (or, with `empty_is_false`, left empty) and is not
        `value`."""
        answer = values.get(self.field)
        if is_blank(answer):
            return self.empty_is_false
        return bool(answer != self.value)


PAIN_RETURNED = Condition(
    "initial_response",
    v.InitialResponse.RELIEF_THEN_RECURRENCE,
    reason="the pain returned after relief",
    otherwise="unless the pain returned after relief",
)
# §1 (2026.3): the weeks are asked for a recurrence only; a value given with another course
# of pain (a 2026.2 record, the `evaluate` command) is accepted, kept and not read.
PAIN_RETURNED_ASKED = dataclasses.replace(PAIN_RETURNED, refuse_otherwise=False)
MRI_DONE = Condition(
    "mri_performed",
    True,
    reason="an MRI was performed",
    otherwise="when no MRI was performed",
)
NO_MRI = Condition(
    "mri_performed",
    False,
    reason="no MRI was performed",
    otherwise="when an MRI was performed",
)
CLEFT_PRESENT = Condition(
    "cleft_sign",
    v.Finding.PRESENT,
    reason="an intravertebral cleft is present",
    otherwise="unless an intravertebral cleft is present",
)
ON_OPIOIDS = Condition(
    "analgesics",
    v.Analgesics.OPIOID,
    reason="the patient takes opioids",
    otherwise="unless the patient takes opioids",
    empty_is_false=True,
)


def is_blank(value: object) -> bool:
    """None, an empty string, or an empty list: no answer."""
    if value is None:
        return True
    kind = value.__class__
    if kind is str or kind is list or kind is tuple:
        return not value
    return False


@dataclass(frozen=True, slots=True, kw_only=True)
class InputField:
    """One input of §1. `required` holds whenever `applies_when` holds (or always)."""

    name: str
    step: int
    label: str
    help_text: str = ""
    required: bool = False
    applies_when: Condition | None = None
    # What an empty answer means to the rules (None: not known).
    absent: object = None

    python_type: ClassVar[Any] = object

    @property
    def leave_empty(self) -> str:
        return "Leave empty"

    @property
    def required_always(self) -> bool:
        """Required whatever the other answers (a draft may still leave it empty)."""
        return self.required and self.applies_when is None

    def is_required(self, values: Values) -> bool:
        """Required given the other answers."""
        return self.required and (self.applies_when is None or self.applies_when.holds(values))

    def is_empty(self, value: object) -> bool:
        return is_blank(value) or value == self.absent

    def from_json(self, raw: object) -> Any:
        """Convert a JSON value to this field's Python type; raise ValueError with the message."""
        raise NotImplementedError

    def check(self, value: Any, *, today: date) -> str | None:
        """Return the message for a typed, non-empty value outside the spec, or None."""
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class TextInput(InputField):
    max_length: int

    python_type: ClassVar[Any] = str

    def from_json(self, raw: object) -> str:
        if not isinstance(raw, str):
            raise ValueError("Expected a string.")
        return raw.strip()

    def check(self, value: Any, *, today: date) -> str | None:
        if not isinstance(value, str) or not value.strip():
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

    python_type: ClassVar[Any] = int

    def from_json(self, raw: object) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError("Expected a whole number.")
        return raw

    def check(self, value: Any, *, today: date) -> str | None:
        if not self.minimum <= value <= self.maximum:
            return f"Enter a value from {self.minimum} to {self.maximum}."
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class AgeInput(IntegerInput):
    """§1 (2026.3): an age under 18 is out of scope, not mistyped; other values out of range."""

    def check(self, value: Any, *, today: date) -> str | None:
        if 0 <= value < ADULT_AGE:
            return AGE_SCOPE
        if not self.minimum <= value <= self.maximum:
            return f"Enter an age from {self.minimum} to {self.maximum}."
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class DecimalInput(InputField):
    minimum: Decimal
    maximum: Decimal
    decimal_places: int

    python_type: ClassVar[Any] = Decimal

    def from_json(self, raw: object) -> Decimal:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
            raise ValueError("Expected a number.")
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            raise ValueError("Expected a number.") from None

    def check(self, value: Any, *, today: date) -> str | None:
        if not value.is_finite():
            return "Enter a number."
        if not self.minimum <= value <= self.maximum:
            return f"Enter a value from {self.minimum} to {self.maximum}."
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -self.decimal_places:
            return f"Use at most {self.decimal_places} decimal place."
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class DateInput(InputField):
    """A date, never in the future (today is the caller's) and not before `earliest`."""

    earliest: date | None = None

    python_type: ClassVar[Any] = date

    def from_json(self, raw: object) -> date:
        if not isinstance(raw, str) or not ISO_DATE.fullmatch(raw):
            raise ValueError("Expected a date as YYYY-MM-DD.")
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError("Expected a valid calendar date as YYYY-MM-DD.") from None

    def check(self, value: Any, *, today: date) -> str | None:
        if value > today:
            return f"The date cannot be in the future (today is {in_words(today)})."
        if self.earliest is not None and value < self.earliest:
            return f"The date cannot be before {in_words(self.earliest)}."
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class BooleanInput(InputField):
    python_type: ClassVar[Any] = bool

    @property
    def leave_empty(self) -> str:
        # A yes/no that means "no" when absent is ticked or not, never emptied.
        return "Leave unticked" if self.absent is False else "Leave empty"

    def from_json(self, raw: object) -> bool:
        if not isinstance(raw, bool):
            raise ValueError("Expected true or false.")
        return raw


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceInput(InputField):
    """One code of a vocabulary."""

    vocabulary: type[Vocabulary]
    # The codes as a set, so a check is one lookup.
    allowed: frozenset[str] = dataclasses.field(init=False, compare=False, repr=False)

    python_type: ClassVar[Any] = str

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed", frozenset(self.vocabulary.values))

    def from_json(self, raw: object) -> Any:
        if not isinstance(raw, str):
            raise ValueError("Expected a string.")
        return raw

    def check(self, value: Any, *, today: date) -> str | None:
        if value not in self.allowed:
            return f"Choose one of: {', '.join(self.vocabulary.values)}."
        return None

    def label_of(self, code: str) -> str:
        """The clinician's words for a code (the code itself if unknown)."""
        return self.vocabulary(code).label if code in self.allowed else str(code)


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelInput(ChoiceInput):
    """§1 (2026.3): cervical and sacral levels are out of scope, not mistyped."""

    def check(self, value: Any, *, today: date) -> str | None:
        if value in self.allowed:
            return None
        if value in CERVICAL_LEVELS:
            return CERVICAL_SCOPE
        if value in SACRAL_LEVELS:
            return SACRAL_SCOPE
        return f"Choose one of: {', '.join(self.vocabulary.values)}."


@dataclass(frozen=True, slots=True, kw_only=True)
class MultipleChoiceInput(ChoiceInput):
    """A list of distinct codes of a vocabulary; the rules receive them in its order."""

    python_type: ClassVar[Any] = tuple

    def from_json(self, raw: object) -> list[str]:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ValueError("Expected a list of strings.")
        return raw

    def check(self, value: Any, *, today: date) -> str | None:
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

    def in_order(self, codes: Any) -> tuple[str, ...]:
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
    AgeInput(
        name="patient_age", step=1, label="Age (years)", required=True, minimum=18, maximum=120
    ),
    ChoiceInput(name="sex", step=1, label="Sex", vocabulary=v.Sex),
    LevelInput(
        name="treated_level",
        step=1,
        label="Treated level",
        help_text="The vertebra treated at the index procedure (T1 to L5).",
        required=True,
        vocabulary=v.VertebralLevel,
    ),
    DateInput(
        name="index_procedure_date",
        step=1,
        label="Date of the index vertebroplasty",
        help_text="The first vertebroplasty at this level.",
        required=True,
        earliest=EARLIEST_INDEX_DATE,
    ),
    DecimalInput(
        name="index_cement_volume_ml",
        step=1,
        label="Index cement volume (mL)",
        help_text="The cement injected into this vertebra at the index procedure.",
        minimum=Decimal("0.5"),
        maximum=Decimal("20.0"),
        decimal_places=1,
    ),
    ChoiceInput(
        name="fracture_etiology",
        step=1,
        label="Fracture etiology",
        help_text=(
            "Osteoporotic: a fragility fracture (no trauma, or a fall from standing height or "
            "less). Traumatic: a fracture from higher-energy trauma. Neoplastic: a fracture "
            "through a tumour (metastasis, myeloma, haemangioma or other). Other: any other "
            "cause (name it in the chart)."
        ),
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
        help_text="Pre-existing vertebral fractures, the index fracture excluded.",
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
        help_text="The pain at the treated level since the index procedure.",
        required=True,
        vocabulary=v.InitialResponse,
    ),
    DateInput(
        name="recurrence_date",
        step=2,
        label="Date the pain returned",
        help_text="The day the pain at the treated level returned.",
        required=True,
        applies_when=PAIN_RETURNED,
    ),
    IntegerInput(
        name="vas_before_index",
        step=2,
        label="VAS before the index procedure",
        help_text=(
            "Pain at the treated level before the index procedure. Recommended: without it, "
            "worsening since the procedure cannot be detected."
        ),
        minimum=0,
        maximum=10,
    ),
    IntegerInput(
        name="vas_current", step=2, label="Current VAS", required=True, minimum=0, maximum=10
    ),
    IntegerInput(
        name="conservative_therapy_weeks",
        step=2,
        label="Weeks of conservative therapy since the pain returned",
        help_text="Weeks of conservative medical therapy since the pain returned.",
        required=True,
        applies_when=PAIN_RETURNED_ASKED,
        minimum=0,
        maximum=520,
    ),
    ChoiceInput(
        name="mobility",
        step=2,
        label="Mobility",
        help_text="Mobility now, as limited by the back pain. Bed-bound: the pain keeps the "
        "patient in bed.",
        vocabulary=v.Mobility,
    ),
    ChoiceInput(
        name="analgesics",
        step=2,
        label="Analgesics",
        help_text="The strongest class taken now for the back pain.",
        vocabulary=v.Analgesics,
    ),
    BooleanInput(
        name="opioid_failure",
        step=2,
        label="Opioids cannot be reduced, or cause sedation, confusion or constipation",
        applies_when=ON_OPIOIDS,
        absent=False,
    ),
    # Step 3 — Imaging
    BooleanInput(
        name="mri_performed",
        step=3,
        label="MRI performed",
        help_text="MRI since the pain returned or persisted.",
        required=True,
    ),
    BooleanInput(
        name="mri_not_possible",
        step=3,
        label="MRI not possible (contraindicated or not tolerated)",
        applies_when=NO_MRI,
        absent=False,
    ),
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
        help_text="An intravertebral (fluid-filled) cleft at the treated level.",
        required=True,
        applies_when=MRI_DONE,
        vocabulary=v.Finding,
    ),
    BooleanInput(
        name="cleft_new_since_index",
        step=3,
        label="Cleft new since the index procedure",
        help_text=(
            "Yes: imaging before the index procedure showed no cleft. No: it showed the cleft. "
            "Leave empty when not known."
        ),
        applies_when=CLEFT_PRESENT,
    ),
    ChoiceInput(
        name="marrow_edema",
        step=3,
        label="Marrow edema",
        help_text="T1 hypointense and T2/STIR hyperintense marrow at the treated level.",
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
        help_text="On CT or radiographs of the index cement. Inadequate: incomplete filling or "
        "cement missing the fracture.",
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
        help_text="At the spinous process of the treated vertebra.",
        required=True,
        vocabulary=v.Tenderness,
    ),
    ChoiceInput(
        name="neuro_exam",
        step=4,
        label="Neurological examination",
        help_text="The examination now: it excludes a new deficit and serves as the baseline.",
        required=True,
        vocabulary=v.NeuroExam,
    ),
    BooleanInput(
        name="infection_signs",
        step=4,
        label=(
            "Signs of infection now or within the last 4 weeks: fever, CRP or ESR raised "
            "(beyond the first 3 days after the index procedure), or wound inflammation or "
            "discharge"
        ),
        absent=False,
    ),
    ChoiceInput(
        name="vertebral_infection",
        step=4,
        label="Infection of the treated vertebra",
        help_text=(
            "Excluded: excluded since the current pain began by CRP/ESR and MRI with contrast "
            "(or the imaging named when MRI is not possible), with biopsy where imaging "
            "suggested infection. Active: vertebral osteomyelitis, spondylodiscitis or epidural "
            "abscess at or next to the treated level, under treatment. Resolved: such an "
            "infection, treated and cured."
        ),
        vocabulary=v.VertebralInfection,
        absent=v.VertebralInfection.NOT_ASSESSED,
    ),
    BooleanInput(
        name="complication_assessed",
        step=4,
        label=(
            "The index procedure has been assessed for a complication since the current pain "
            "began (examination and CT): none found, or the complication found is recorded in "
            "this assessment (for example the new fracture level in Step 3)"
        ),
        absent=False,
    ),
    MultipleChoiceInput(
        name="contraindications",
        step=4,
        label="Contraindications",
        help_text="Local policy list, not from the cited evidence.",
        vocabulary=v.Contraindication,
        absent=(),
    ),
)

FIELDS_BY_NAME: dict[str, InputField] = {spec.name: spec for spec in FIELDS}
INPUT_FIELD_NAMES: tuple[str, ...] = tuple(FIELDS_BY_NAME)
# Fields that apply only once an MRI was done, and those of them it makes required; a field
# that applies under one of them (the cleft's novelty) counts as an MRI field too.
MRI_ONLY_FIELDS: tuple[str, ...] = tuple(
    spec.name
    for spec in FIELDS
    if spec.applies_when is MRI_DONE or spec.applies_when is CLEFT_PRESENT
)
MRI_FIELDS: tuple[str, ...] = tuple(
    spec.name for spec in FIELDS if spec.applies_when is MRI_DONE and spec.required
)


# The fields another answer makes apply, and the fields required (always or by another answer):
# the only ones the cross-field and "required" checks need to look at.
CONDITIONAL_FIELDS: tuple[InputField, ...] = tuple(
    spec for spec in FIELDS if spec.applies_when is not None
)
REQUIRED_FIELDS: tuple[InputField, ...] = tuple(spec for spec in FIELDS if spec.required)


def fields_of_step(step: int) -> tuple[str, ...]:
    return tuple(spec.name for spec in FIELDS if spec.step == step)


@dataclass(frozen=True, slots=True, kw_only=True)
class Inputs:
    """The inputs of §1, validated and typed (see `validation.validate_case`).

    An empty answer is None, or the meaning §1 gives its absence (false, an empty list,
    `not_assessed`).
    """

    patient_ref: str
    patient_age: int
    treated_level: str
    index_procedure_date: date
    fracture_etiology: str
    prior_vertebral_fractures: int
    assessment_date: date
    initial_response: str
    vas_current: int
    mri_performed: bool
    cement_fill: str
    point_tenderness: str
    neuro_exam: str
    sex: str | None = None
    index_cement_volume_ml: Decimal | None = None
    bmd_t_score: Decimal | None = None
    recurrence_date: date | None = None
    vas_before_index: int | None = None
    conservative_therapy_weeks: int | None = None
    mobility: str | None = None
    analgesics: str | None = None
    opioid_failure: bool = False
    mri_not_possible: bool = False
    active_fracture_location: str | None = None
    cleft_sign: str | None = None
    cleft_new_since_index: bool | None = None
    marrow_edema: str | None = None
    fluid_at_cement_interface: bool = False
    prior_cement_leakage: bool | None = None
    infection_signs: bool = False
    vertebral_infection: str = v.VertebralInfection.NOT_ASSESSED
    complication_assessed: bool = False
    contraindications: tuple[str, ...] = ()
