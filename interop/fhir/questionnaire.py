"""The FHIR R4 Questionnaire of the assessment, generated from the one definition of the inputs.

One group per step; each input is a question whose linkId is the field's name.
Types, answer options, required flags, lengths, ranges and decimal places come
from the field definitions; `enableWhen` carries the conditional fields and
`questionnaire-constraint` extensions (FHIRPath, evaluated on the response with
`%resource`) carry the cross-field rules, so that a FHIR form engine enforces
what the web forms enforce.
"""

from functools import lru_cache

from assessments import rules_versions
from assessments.questionnaire.steps import STEPS_BY_NUMBER
from vertebro_rules.dates import in_words

from .common import QUESTIONNAIRE_ID, field_kind, questionnaire_url, vocabulary_system

EXT_MIN = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_DECIMALS = "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces"
EXT_CONSTRAINT = "http://hl7.org/fhir/StructureDefinition/questionnaire-constraint"

ITEM_TYPES = {
    "text": "string",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "boolean": "boolean",
    "choice": "choice",
    "choices": "choice",
}


def step_link_id(number: int) -> str:
    return f"step-{number}"


def _answer(name: str) -> str:
    return f"%resource.repeat(item).where(linkId='{name}').answer.value"


def _is(name: str, code: str) -> str:
    return f"{_answer(name)}.where(code = '{code}').exists()"


def _true(name: str) -> str:
    return f"{_answer(name)}.where($this = true).exists()"


def _both(first: str, second: str) -> str:
    return f"({_answer(first)}.exists() and {_answer(second)}.exists())"


# The cross-field rules of the specification (§1) as FHIRPath invariants on the response:
# key -> (linkId the message stands on, expression that must be true, message).
CONSTRAINTS = {
    "assessment-after-index": (
        "assessment_date",
        f"{_both('assessment_date', 'index_procedure_date')} implies "
        f"{_answer('assessment_date')} >= {_answer('index_procedure_date')}",
        "The assessment date cannot be before the index procedure.",
    ),
    "recurrence-after-index": (
        "recurrence_date",
        f"{_both('recurrence_date', 'index_procedure_date')} implies "
        f"{_answer('recurrence_date')} > {_answer('index_procedure_date')}",
        "The pain cannot have returned on or before the index procedure.",
    ),
    "recurrence-before-assessment": (
        "recurrence_date",
        f"{_both('recurrence_date', 'assessment_date')} implies "
        f"{_answer('recurrence_date')} <= {_answer('assessment_date')}",
        "The pain cannot have returned after the assessment date.",
    ),
    "recurrence-only-after-relief": (
        "recurrence_date",
        f"{_answer('recurrence_date')}.exists() implies "
        f"{_is('initial_response', 'relief_then_recurrence')}",
        "Leave the recurrence date empty unless the pain returned after relief.",
    ),
    "therapy-since-recurrence": (
        "conservative_therapy_weeks",
        f"({_is('initial_response', 'relief_then_recurrence')} and "
        f"{_both('recurrence_date', 'assessment_date')} and "
        f"{_answer('conservative_therapy_weeks')}.exists()) implies "
        f"({_answer('recurrence_date')} + "
        f"(({_answer('conservative_therapy_weeks')} * 7 - 6).toString() + ' days').toQuantity()"
        f") <= {_answer('assessment_date')}",
        "The weeks of conservative therapy cannot exceed the weeks since the pain returned "
        "(rounded up).",
    ),
    "no-mri-no-findings": (
        "mri_performed",
        f"{_answer('mri_performed')}.where($this = false).exists() implies "
        f"({_answer('active_fracture_location')}.empty() and {_answer('cleft_sign')}.empty() "
        f"and {_answer('marrow_edema')}.empty() and {_answer('cleft_new_since_index')}.empty() "
        f"and {_true('fluid_at_cement_interface')}.not())",
        "Leave the MRI findings empty when no MRI was performed.",
    ),
    "none-identified-edema": (
        "marrow_edema",
        f"({_is('active_fracture_location', 'none_identified')} and "
        f"{_is('marrow_edema', 'present')}).not()",
        "Marrow edema contradicts 'no active fracture identified'; correct one of the two.",
    ),
    "none-identified-cleft": (
        "cleft_sign",
        f"({_is('active_fracture_location', 'none_identified')} and "
        f"{_is('cleft_sign', 'present')}).not()",
        "A cleft contradicts 'no active fracture identified'; correct one of the two.",
    ),
    "none-identified-fluid": (
        "fluid_at_cement_interface",
        f"({_is('active_fracture_location', 'none_identified')} and "
        f"{_true('fluid_at_cement_interface')}).not()",
        "Fluid at the bone–cement interface contradicts 'no active fracture identified'; "
        "correct one of the two.",
    ),
    "treated-level-shows-a-sign": (
        "active_fracture_location",
        f"({_is('active_fracture_location', 'treated_level')} and "
        f"{_is('marrow_edema', 'absent')} and {_is('cleft_sign', 'absent')} and "
        f"{_true('fluid_at_cement_interface')}.not()).not()",
        "An active fracture at the treated level shows at least one sign; use 'indeterminate' "
        "where the images do not allow a reading.",
    ),
    "relieved-level-not-active": (
        "initial_response",
        f"({_is('initial_response', 'ongoing_relief')} and "
        f"{_is('active_fracture_location', 'treated_level')}).not()",
        "MRI shows the active fracture at the treated level: choose 'relief, then recurrence' "
        "if the pain came back, or 'no relief' if it never improved.",
    ),
    "dates-not-in-the-future": (
        "assessment_date",
        "%resource.repeat(item).where(linkId in ('index_procedure_date' | 'assessment_date' | "
        "'recurrence_date')).answer.value.all($this <= today())",
        "A date cannot be in the future.",
    ),
}


# The refusals 2026.3 turned into warnings (§5a: clinical contradictions are accepted, and the
# clinician is asked to check them): its Questionnaire does not carry them.
RETIRED_IN_2026_3 = frozenset(
    {
        "none-identified-edema",
        "none-identified-cleft",
        "none-identified-fluid",
        "treated-level-shows-a-sign",
        "relieved-level-not-active",
    }
)


def constraints_of(version: str) -> dict[str, tuple[str, str, str]]:
    """The cross-field rules a version refuses, as `CONSTRAINTS` entries."""
    if version == "2026.2":
        return CONSTRAINTS
    return {key: value for key, value in CONSTRAINTS.items() if key not in RETIRED_IN_2026_3}


def _constraint(key: str, location: str, expression: str, human: str) -> dict:
    return {
        "url": EXT_CONSTRAINT,
        "extension": [
            {"url": "key", "valueId": key},
            {"url": "severity", "valueCode": "error"},
            {"url": "expression", "valueString": expression},
            {"url": "human", "valueString": human},
            {
                "url": "location",
                "valueString": f"QuestionnaireResponse.item.item.where(linkId='{location}')",
            },
        ],
    }


def earliest_date_key(name: str) -> str:
    return f"{name.replace('_', '-')}-not-before-earliest"


def _earliest_date_constraints(rules) -> list[dict]:
    """The earliest date a date question accepts, as a FHIRPath constraint on the response,
    with the core's message."""
    return [
        _constraint(
            earliest_date_key(spec.name),
            spec.name,
            f"{_answer(spec.name)}.all($this >= @{spec.earliest.isoformat()})",
            f"The date cannot be before {in_words(spec.earliest)}.",
        )
        for spec in rules.FIELDS
        if field_kind(spec) == "date" and spec.earliest is not None
    ]


def _number_extension(url: str, kind: str, value) -> dict:
    if kind == "integer":
        return {"url": url, "valueInteger": int(value)}
    return {"url": url, "valueDecimal": float(value)}


def answer_coding(spec, code: str) -> dict:
    """The Coding of an answer: the vocabulary's system, the spec's code, its label."""
    return dict(_codings(spec.vocabulary, vocabulary_system(spec.vocabulary))[code])


@lru_cache(maxsize=256)
def _codings(choices, system: str) -> dict[str, dict]:
    return {
        code: {"system": system, "code": code, "display": str(label)}
        for code, label in zip(choices.values, choices.labels, strict=True)
    }


def enable_when(spec, fields_by_name) -> list[dict] | None:
    """The field's `applies_when` as an enableWhen: shown only when the other answer holds."""
    condition = spec.applies_when
    if condition is None:
        return None
    source = fields_by_name[condition.field]
    if field_kind(source) == "choice":
        answer = {"answerCoding": answer_coding(source, str(condition.value))}
    else:
        answer = {"answerBoolean": bool(condition.value)}
    return [{"question": condition.field, "operator": "=", **answer}]


def question(spec, fields_by_name) -> dict:
    kind = field_kind(spec)
    item = {"linkId": spec.name, "text": spec.label, "type": ITEM_TYPES[kind]}
    # A conditional field is required when shown (FHIR: a disabled item is never required).
    if spec.required:
        item["required"] = True
    if kind == "choices":
        item["repeats"] = True
    condition = enable_when(spec, fields_by_name)
    if condition:
        item["enableWhen"] = condition
    if kind == "text":
        item["maxLength"] = spec.max_length
    extensions = []
    if kind in ("integer", "decimal"):
        extensions.append(_number_extension(EXT_MIN, kind, spec.minimum))
        extensions.append(_number_extension(EXT_MAX, kind, spec.maximum))
        if kind == "decimal":
            extensions.append({"url": EXT_DECIMALS, "valueInteger": spec.decimal_places})
    # A date's earliest value is a questionnaire-constraint of the Questionnaire
    # (`_earliest_date_constraints`), not a minValue: LHC-Forms 40.1.3 supports minValue on
    # integers and decimals only, and compares a date's minValue as a number, refusing every
    # date (tests/browser/test_lhc_forms.py).
    if extensions:
        item["extension"] = extensions
    if kind in ("choice", "choices"):
        item["answerOption"] = [
            {"valueCoding": answer_coding(spec, code)} for code in spec.vocabulary.values
        ]
    return item


def build_questionnaire(version: str | None = None) -> dict:
    """The Questionnaire (JSON) of a rules version: by default the active one, whose questions
    a new draft asks (an imported response becomes such a draft)."""
    return _cached(questionnaire_url(), version or rules_versions.active_version())


@lru_cache(maxsize=4)
def _cached(url: str, version: str) -> dict:
    rules = rules_versions.edition(version)
    steps = sorted({spec.step for spec in rules.FIELDS})
    groups = [
        {
            "linkId": step_link_id(number),
            "text": f"Step {number} — {STEPS_BY_NUMBER[number].title}",
            "type": "group",
            "item": [
                question(spec, rules.FIELDS_BY_NAME) for spec in rules.FIELDS if spec.step == number
            ],
        }
        for number in steps
    ]
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "extension": [
            _constraint(key, location, expression, human)
            for key, (location, expression, human) in constraints_of(version).items()
        ]
        + _earliest_date_constraints(rules),
        "url": url,
        "version": version,
        "name": "VertebroAssessment",
        "title": "Vertebro: repeat vertebroplasty at a previously treated level",
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "Vertebro",
        "description": (
            "The Vertebro assessment of a vertebra treated by vertebroplasty, whose version is "
            "the version of the guidance rules it feeds. Decision support for clinicians; it "
            "does not replace clinical judgement."
        ),
        "item": groups,
    }
