"""What the pages show, prepared in Python so that templates hold no logic.

The colour of a recommendation tells its class at a glance (issue 3):
repeat indicated = green, may be considered = teal, work-up / conservative /
reassess / new level = amber, not indicated = grey, contraindicated or
urgent referral = red. Bootstrap's contextual colour names are used.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assessments.models import Assessment
from assessments.questionnaire.steps import STEPS
from assessments.reports import frozen
from vertebro_rules import inputs, validation
from vertebro_rules.vocabulary import InitialResponse, Recommendation, Scenario, WorkupItem

TONES = {
    Recommendation.REPEAT_INDICATED: "success",
    Recommendation.REPEAT_MAY_BE_CONSIDERED: "info",
    Recommendation.COMPLETE_WORKUP: "warning",
    Recommendation.CONTINUE_CONSERVATIVE: "warning",
    Recommendation.REASSESS_LATER: "warning",
    Recommendation.EVALUATE_NEW_LEVEL: "warning",
    Recommendation.NOT_INDICATED: "secondary",
    Recommendation.CONTRAINDICATED: "danger",
    Recommendation.URGENT_REFERRAL: "danger",
}
NOT_RECORDED = "not recorded"
NOT_APPLICABLE = "not applicable"
NONE_LISTED = "none"
MISSING = "missing"


def recommendation_label(code: str) -> str:
    return Recommendation(code).label if code in Recommendation.values else code


def recommendation_tone(code: str) -> str:
    return TONES.get(code, "secondary")


@dataclass(frozen=True, slots=True)
class Citation:
    number: int
    text: str


@dataclass(frozen=True, slots=True)
class GuidanceView:
    """A guidance result (the §6 JSON, live or frozen) as the result and review pages show it."""

    recommendation: str
    label: str
    tone: str
    headline: str
    scenario: str
    reasons: list[dict]
    missing: list[str]
    notes: list[dict]
    references: list[Citation]
    disclaimer: str
    rules_version: str
    days_since_index: int
    days_since_recurrence: int | None

    @classmethod
    def from_dict(cls, data: dict, record: dict | None = None) -> "GuidanceView":
        """The view of a guidance JSON; with a finalized assessment's `display_record`, every
        word comes from the record (frozen.py), none from the current code."""
        scenario = data["scenario"]
        if record is None:
            record = {
                "recommendation": recommendation_label(data["recommendation"]),
                "scenario": Scenario(scenario).label if scenario in Scenario.values else scenario,
                "missing": [
                    WorkupItem(item).label if item in WorkupItem.values else item
                    for item in data["missing"]
                ],
                "references": frozen.references_of(data),
            }
        return cls(
            recommendation=data["recommendation"],
            label=record["recommendation"],
            tone=recommendation_tone(data["recommendation"]),
            headline=data["headline"],
            scenario=record["scenario"],
            reasons=[{**reason, "refs_text": _refs(reason["refs"])} for reason in data["reasons"]],
            missing=list(record["missing"]),
            notes=[{**note, "refs_text": _refs(note["refs"])} for note in data["notes"]],
            references=[Citation(item["id"], item["text"]) for item in record["references"]],
            disclaimer=data["disclaimer"],
            rules_version=data["rules_version"],
            days_since_index=data["days_since_index"],
            days_since_recurrence=data["days_since_recurrence"],
        )


def _refs(refs) -> str:
    return ", ".join(str(ref) for ref in refs)


def format_answer(name: str, value) -> str:
    """One answer in words: choice labels, Yes/No, dates, "not recorded" when empty."""
    spec = inputs.FIELDS_BY_NAME[name]
    if isinstance(spec, inputs.MultipleChoiceInput) and value == []:
        return NONE_LISTED
    if value is None or value == "" or value == []:
        return NOT_RECORDED if not spec.required_always else MISSING
    if isinstance(spec, inputs.BooleanInput):
        return "Yes" if value else "No"
    if isinstance(spec, inputs.MultipleChoiceInput):
        return "; ".join(spec.label_of(item) for item in value)
    if isinstance(spec, inputs.ChoiceInput):
        return spec.label_of(value)
    if isinstance(value, date):
        return value.strftime("%-d %b %Y")
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    return str(value)


@dataclass(frozen=True, slots=True)
class Answer:
    label: str
    text: str
    missing: bool
    empty: bool


@dataclass(frozen=True, slots=True)
class AnswerGroup:
    number: int
    title: str
    answers: list[Answer]


def answer_groups(assessment: Assessment) -> list[AnswerGroup]:
    """Every answer of the assessment, grouped by step, in words: for a finalized assessment,
    the words kept at finalization (frozen.py)."""
    if assessment.is_final and assessment.display_record:
        return [
            AnswerGroup(
                group["step"],
                group["title"],
                [Answer(**answer) for answer in group["answers"]],
            )
            for group in assessment.display_record["answers"]
        ]
    return current_answer_groups(assessment)


def current_answer_groups(assessment: Assessment) -> list[AnswerGroup]:
    """Every answer of the assessment, grouped by step, in the current words."""
    missing = set(assessment.missing_inputs())
    not_applicable = set()
    if assessment.initial_response != InitialResponse.RELIEF_THEN_RECURRENCE:
        not_applicable.add("recurrence_date")
    if assessment.mri_performed is False:
        not_applicable.update(inputs.MRI_ONLY_FIELDS)
    groups = []
    for step in STEPS:
        answers = []
        for name in step.fields:
            value = getattr(assessment, name)
            text = format_answer(name, value)
            if name in missing:
                text = MISSING
            elif text == NOT_RECORDED and name in not_applicable:
                text = NOT_APPLICABLE
            answers.append(
                Answer(
                    label=inputs.FIELDS_BY_NAME[name].label,
                    text=text,
                    missing=name in missing,
                    empty=text in (NOT_RECORDED, NOT_APPLICABLE),
                )
            )
        groups.append(AnswerGroup(step.number, step.title, answers))
    return groups


@dataclass(frozen=True, slots=True)
class ListRow:
    """One line of My assessments."""

    assessment: Assessment
    status_label: str
    is_final: bool
    recommendation_label: str
    recommendation_tone: str


def list_rows(assessments) -> list[ListRow]:
    rows = []
    for assessment in assessments:
        code = assessment.recommendation if assessment.is_final else ""
        rows.append(
            ListRow(
                assessment=assessment,
                status_label=assessment.get_status_display(),
                is_final=assessment.is_final,
                recommendation_label=recommendation_label(code) if code else "",
                recommendation_tone=recommendation_tone(code),
            )
        )
    return rows


def draft_guidance(
    assessment: Assessment, *, today: date
) -> tuple[dict | None, list[str], list[str]]:
    """The guidance a draft gets from its current answers, or what stands in the way of it.

    Returns (guidance JSON or None, labels of required answers still empty,
    "label: message" lines for answers the spec refuses). The result page,
    the review page and the PDF all show a draft through this one function.
    """
    missing = assessment.missing_inputs()
    if missing:
        return None, [inputs.FIELDS_BY_NAME[name].label for name in missing], []
    try:
        validation.validate_values(assessment.input_values(), today=today)
    except validation.InvalidInput as invalid:
        lines = [
            f"{inputs.FIELDS_BY_NAME[name].label}: {' '.join(messages)}"
            if name in inputs.FIELDS_BY_NAME
            else " ".join(messages)
            for name, messages in invalid.errors.items()
        ]
        return None, [], lines
    return assessment.evaluate().to_dict(), [], []


def live_guidance(assessment: Assessment, *, today: date) -> dict:
    """A draft's guidance for a page: keys `guidance` (a GuidanceView or None),
    `missing_inputs` and `invalid_inputs` (see `draft_guidance`)."""
    guidance, missing, invalid = draft_guidance(assessment, today=today)
    return {
        "guidance": GuidanceView.from_dict(guidance) if guidance is not None else None,
        "missing_inputs": missing,
        "invalid_inputs": invalid,
    }


def frozen_guidance(assessment: Assessment) -> dict:
    """A final assessment's guidance as frozen at finalization, never re-evaluated."""
    return {
        "guidance": GuidanceView.from_dict(assessment.guidance, assessment.display_record),
        "missing_inputs": [],
        "invalid_inputs": [],
    }
