"""The one display model of an assessment's guidance and answers.

The result page, the review page, the finalize page, the print preview and
the PDF all show what `guidance_section` and `answer_groups` build; templates
only read it. `guidance_section` makes the one frozen-or-live choice: a
finalized (or superseded) assessment shows the guidance frozen at
finalization (the §6 JSON in `Assessment.guidance`), never re-evaluated, in
the words kept beside it (`Assessment.display_record`, see `frozen.py`); a
draft is evaluated afresh in the current words, or says what stands in the
way of guidance.

The colour of a recommendation tells its class at a glance: repeat indicated
= green, may be considered = teal, work-up / conservative / reassess / new
level = amber, not indicated = grey, contraindicated or urgent referral = red
(Bootstrap's contextual colour names). On paper a marker (symbol, word and
border style) does the same without colour.
"""

import functools
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format

from assessments import rules_versions
from assessments.models import Assessment
from assessments.questionnaire.steps import STEPS
from assessments.reports import frozen
from vertebro_lib.codes import is_blank, label
from vertebro_rules import inputs
from vertebro_rules.vocabulary import Recommendation

NOT_RECORDED = "not recorded"
NOT_APPLICABLE = "not applicable"
NONE_LISTED = "none"
MISSING = "missing"

TONES = {
    "urgent_referral": "danger",
    "exclude_infection": "danger",
    "manage_infection": "danger",
    "assess_complication": "danger",
    "refer_oncology_mdt": "warning",
    "decide_with_spine_team": "warning",
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


@dataclass(frozen=True)
class Marker:
    """A black-and-white-safe marker of the recommendation's class: a symbol,
    a word and a border style (the stylesheet's `summary-<css>`), never colour alone."""

    css: str
    symbol: str
    word: str


# Read above the recommendation. The tick and "at this level" only above "indicated": above
# "may be considered" the benefit is not established (the pain generator to confirm, a
# re-examination, the spine team's decision), and the marker says so.
PROCEED = Marker("proceed", "✔", "Repeat procedure at this level")
CONSIDER = Marker("consider", "◇", "Possible, not established: next steps first")
WAIT = Marker("wait", "◷", "Not yet: more is needed first")
DECLINE = Marker("decline", "✘", "No repeat procedure at this level")
# A new fracture at another level: that level is evaluated first; the treated level is not
# declined by the marker (MRI may also show signs there).
ELSEWHERE = Marker("elsewhere", "➜", "Another level first: evaluate the new fracture")
URGENT = Marker("urgent", "⚠", "Urgent")
INCOMPLETE = Marker("incomplete", "☐", "No guidance yet")

MARKERS = {
    "exclude_infection": URGENT,
    "manage_infection": URGENT,
    "assess_complication": URGENT,
    "refer_oncology_mdt": WAIT,
    "decide_with_spine_team": WAIT,
    Recommendation.REPEAT_INDICATED: PROCEED,
    Recommendation.REPEAT_MAY_BE_CONSIDERED: CONSIDER,
    Recommendation.REASSESS_LATER: WAIT,
    Recommendation.COMPLETE_WORKUP: WAIT,
    Recommendation.CONTINUE_CONSERVATIVE: WAIT,
    Recommendation.NOT_INDICATED: DECLINE,
    Recommendation.CONTRAINDICATED: DECLINE,
    Recommendation.EVALUATE_NEW_LEVEL: ELSEWHERE,
    Recommendation.URGENT_REFERRAL: URGENT,
}


def _label(vocabulary, code: str) -> str:
    """The label of a code, or the code itself when today's vocabulary does not know it."""
    return label(vocabulary, code)


def recommendation_label(code: str, rules_version: str = "") -> str:
    """The label of a recommendation, in the words of its rules version (the newest's when
    not given: its codes include every earlier one's)."""
    vocabulary = (
        rules_versions.vocabulary_of(rules_version)
        if rules_version
        else rules_versions.newest_vocabulary()
    )
    return _label(vocabulary.Recommendation, code)


def recommendation_tone(code: str) -> str:
    return TONES.get(code, "secondary")


@dataclass(frozen=True, slots=True)
class Cited:
    """A reason or a note: its id (R10, N1), its words and the references it cites;
    `unconfirmed`: for each cited reference whose source is not yet confirmed, what its
    printed text says of it ("ref 1: source not yet confirmed")."""

    label: str
    text: str
    refs: tuple[int, ...]
    unconfirmed: tuple[str, ...] = ()

    @property
    def refs_text(self) -> str:
        return ", ".join(str(ref) for ref in self.refs)

    @property
    def unconfirmed_text(self) -> str:
        return "; ".join(self.unconfirmed)

    @property
    def citation(self) -> str:
        """What the page and the PDF print after the text: "[ref 8]", "[refs 1, 3; ref 1:
        source not yet confirmed]", or nothing when the text cites no reference. The mark of
        an unconfirmed source stands beside every figure that rests on it, not only in the
        reference list at the end (spec §7, §9)."""
        if not self.refs:
            return ""
        numbers = f"{'refs' if len(self.refs) > 1 else 'ref'} {self.refs_text}"
        return f"[{numbers}; {self.unconfirmed_text}]" if self.unconfirmed else f"[{numbers}]"


# The sentence of a reference's printed text (§7) that says its source is not yet confirmed:
# "Source not yet confirmed.", "Authors and journal not yet confirmed.", …
UNCONFIRMED_SENTENCE = re.compile(r"([A-Z][^.]*\bnot yet confirmed)\.")


@dataclass(frozen=True, slots=True)
class Reference:
    number: int
    text: str

    @property
    def unconfirmed(self) -> str:
        """What its printed text says of an unconfirmed source ("source not yet confirmed",
        "authors and journal not yet confirmed"), or "" when the source is confirmed."""
        return _unconfirmed(self.text)


@functools.lru_cache(maxsize=256)
def _unconfirmed(text: str) -> str:
    """`Reference.unconfirmed` of a reference's printed text: a handful of texts, read on
    every page that shows guidance, each searched once."""
    found = UNCONFIRMED_SENTENCE.findall(text)
    if not found:
        return ""
    sentence = found[-1]
    return sentence[0].lower() + sentence[1:]


def _cited(label: str, text: str, refs, pending: dict[int, str]) -> Cited:
    refs = tuple(refs)
    return Cited(
        label,
        text,
        refs,
        tuple(f"ref {ref}: {pending[ref]}" for ref in refs if ref in pending),
    )


@dataclass(frozen=True, slots=True)
class Warning:
    """A warning (§5a): an implausible or contradictory answer and what to check; `fields`
    are the labels of the answers to check."""

    label: str
    text: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GuidanceDisplay:
    """A guidance result (the §6 JSON, live or frozen) in the words every page shows."""

    recommendation: str
    label: str
    tone: str
    marker: Marker
    headline: str
    scenario: str
    reasons: tuple[Cited, ...]
    missing_workup: tuple[str, ...]
    notes: tuple[Cited, ...]
    references: tuple[Reference, ...]
    disclaimer: str
    rules_version: str
    days_since_index: int
    days_since_recurrence: int | None
    # Rules 2026.3 on (empty for earlier records): warnings, next steps and the reassessment
    # date, with the chart's fixed line above the next steps.
    warnings: tuple[Warning, ...] = ()
    next_steps: tuple[Cited, ...] = ()
    next_steps_line: str = ""
    reassess_from: date | None = None

    @classmethod
    def from_json(cls, data: dict, record: dict | None = None) -> "GuidanceDisplay":
        """The display of a guidance JSON; with a finalized assessment's `display_record`,
        every word comes from the record (frozen.py), none from the current code."""
        recommendation = data["recommendation"]
        if record is None:
            record = frozen.words_of(data)
        references = tuple(Reference(item["id"], item["text"]) for item in record["references"])
        pending = {ref.number: ref.unconfirmed for ref in references if ref.unconfirmed}
        return cls(
            recommendation=recommendation,
            label=record["recommendation"],
            tone=recommendation_tone(recommendation),
            marker=MARKERS.get(recommendation, INCOMPLETE),
            headline=data["headline"],
            scenario=record["scenario"],
            reasons=tuple(
                _cited(r["rule"], r["text"], r["refs"], pending) for r in data["reasons"]
            ),
            missing_workup=tuple(record["missing"]),
            notes=tuple(_cited(n["id"], n["text"], n["refs"], pending) for n in data["notes"]),
            references=references,
            disclaimer=data["disclaimer"],
            rules_version=data["rules_version"],
            days_since_index=data["days_since_index"],
            days_since_recurrence=data["days_since_recurrence"],
            warnings=tuple(
                Warning(
                    item["id"],
                    item["text"],
                    tuple(record.get("warning_fields", {}).get(item["id"], item["fields"])),
                )
                for item in data.get("warnings", ())
            ),
            next_steps=tuple(
                _cited(item["id"], item["text"], item["refs"], pending)
                for item in data.get("next_steps", ())
            ),
            next_steps_line=record.get("next_steps_line", "") if "next_steps" in data else "",
            reassess_from=(
                date.fromisoformat(data["reassess_from"]) if data.get("reassess_from") else None
            ),
        )


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """A warning ticked as read at finalization: by whom (as named on the day) and when."""

    id: str
    name: str
    when: datetime


@dataclass(frozen=True, slots=True)
class GuidanceSection:
    """The guidance of an assessment, or what stands in the way of it.

    `missing_inputs`: labels of required answers still empty; `invalid_inputs`:
    "label: message" lines for answers the spec refuses; `red_flags`: the §8 lines the
    valid answers of a refused assessment still raise; `acknowledgements`: a finalized
    assessment's warnings ticked as read.
    """

    guidance: GuidanceDisplay | None
    missing_inputs: list[str] = field(default_factory=list)
    invalid_inputs: list[str] = field(default_factory=list)
    red_flags: tuple[str, ...] = ()
    acknowledgements: tuple[Acknowledgement, ...] = ()
    # Beside "evaluate the new fracture level": which levels, and what of the treated one.
    new_level: tuple[str, ...] = ()

    def as_context(self) -> dict:
        return {
            "guidance": self.guidance,
            "new_level": self.new_level,
            "missing_inputs": self.missing_inputs,
            "invalid_inputs": self.invalid_inputs,
            "red_flags": self.red_flags,
            "acknowledgements": self.acknowledgements,
        }


def acknowledgements_of(assessment: Assessment) -> tuple[Acknowledgement, ...]:
    return tuple(
        Acknowledgement(
            id=item["id"],
            name=item.get("acknowledged_by_name", ""),
            when=timezone.localtime(datetime.fromisoformat(item["acknowledged_at"])),
        )
        for item in assessment.warning_acknowledgements or ()
    )


def guidance_section(assessment: Assessment, *, today: date) -> GuidanceSection:
    """The guidance every page and the PDF show: frozen when final, live for a draft."""
    if assessment.is_final and assessment.guidance:
        guidance = GuidanceDisplay.from_json(assessment.guidance, assessment.display_record)
        return GuidanceSection(
            guidance,
            acknowledgements=acknowledgements_of(assessment),
            new_level=new_level_lines(assessment, guidance),
        )
    fields = assessment.rules().FIELDS_BY_NAME
    missing = assessment.missing_inputs()
    if missing:
        return GuidanceSection(None, missing_inputs=[fields[name].label for name in missing])
    try:
        assessment.validate_inputs(today=today)
    except ValueError as invalid:  # the core's InvalidInput
        lines = [
            f"{fields[name].label}: {' '.join(messages)}" if name in fields else " ".join(messages)
            for name, messages in invalid.errors.items()
        ]
        return GuidanceSection(
            None, invalid_inputs=lines, red_flags=tuple(getattr(invalid, "red_flags", ()))
        )
    guidance = GuidanceDisplay.from_json(assessment.evaluate().to_dict())
    return GuidanceSection(guidance, new_level=new_level_lines(assessment, guidance))


# The vertebrae in order, with the neighbours outside the scope (C7, S1) that can still be the
# level next to T1 or L5.
SPINE_LEVELS = ("C7", *(f"T{n}" for n in range(1, 13)), *(f"L{n}" for n in range(1, 6)), "S1")


def adjacent_levels(level: str) -> tuple[str, ...]:
    """The levels next to `level` ("L2" → L1, L3); none for a level not in the list."""
    if level not in SPINE_LEVELS:
        return ()
    index = SPINE_LEVELS.index(level)
    return tuple(
        SPINE_LEVELS[other] for other in (index - 1, index + 1) if 0 <= other < len(SPINE_LEVELS)
    )


def new_level_lines(assessment: Assessment, guidance: GuidanceDisplay) -> tuple[str, ...]:
    """Beside "evaluate the new fracture level" (R5): the levels the new fracture can be at
    (the form does not ask which: the spec has no such input), that it is to be recorded and
    evaluated, and what the MRI says of the treated level, so that "decided separately"
    is not a dead end. Nothing for any other recommendation."""
    if guidance.recommendation != Recommendation.EVALUATE_NEW_LEVEL:
        return ()
    level = assessment.treated_level
    neighbours = adjacent_levels(level)
    if assessment.active_fracture_location == "adjacent_level" and neighbours:
        where = f"at a level adjacent to {level} ({' or '.join(neighbours)})"
    else:
        where = f"at a level not adjacent to {level}"
    first = (
        f"The active fracture is {where}: record which level in the chart and evaluate it "
        "for treatment (next steps)."
    )
    signs = (
        assessment.marrow_edema == "present"
        or assessment.cleft_sign == "present"
        or assessment.fluid_at_cement_interface is True
    )
    if signs:
        second = (
            f"MRI also shows signs of activity at {level}: correlate both levels with the "
            f"examination before deciding on a repeat procedure at {level}."
        )
    else:
        second = (
            f"A repeat procedure at {level} is not supported by this MRI (no definite sign of "
            f"activity at {level}); evaluate {level} again if its pain persists once the new "
            "level is treated."
        )
    return (first, second)


def format_answer(name: str, value, fields=None) -> str:
    """One answer in words: choice labels, Yes/No, dates, "not recorded" when empty
    (`fields`: the input definitions of the assessment's rules version)."""
    spec = (fields or inputs.FIELDS_BY_NAME)[name]
    # Each rules version defines its own field kinds: ask the kinds of the field's own version.
    kinds = sys.modules[type(spec).__module__]
    if isinstance(spec, kinds.MultipleChoiceInput) and value == []:
        return NONE_LISTED
    if is_blank(value):
        return NOT_RECORDED if not spec.required_always else MISSING
    if isinstance(spec, kinds.BooleanInput):
        return "Yes" if value else "No"
    if isinstance(spec, kinds.MultipleChoiceInput):
        return "; ".join(spec.label_of(item) for item in value)
    if isinstance(spec, kinds.ChoiceInput):
        return spec.label_of(value)
    if isinstance(value, date):
        return date_format(value)
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    return str(value)


@dataclass(frozen=True, slots=True)
class Answer:
    label: str
    text: str
    missing: bool
    empty: bool

    @property
    def recorded(self) -> bool:
        return not (self.empty or self.missing)


@dataclass(frozen=True, slots=True)
class AnswerGroup:
    number: int
    title: str
    heading: str
    answers: list[Answer]


def answer_groups(assessment: Assessment) -> list[AnswerGroup]:
    """Every answer of the assessment, grouped by step, in words: for a finalized assessment,
    the words kept at finalization (frozen.py)."""
    if assessment.is_final and assessment.display_record:
        return [
            AnswerGroup(
                group["step"],
                group["title"],
                f"Step {group['step']} — {group['title']}",
                [Answer(**answer) for answer in group["answers"]],
            )
            for group in assessment.display_record["answers"]
        ]
    return current_answer_groups(assessment)


def current_answer_groups(assessment: Assessment) -> list[AnswerGroup]:
    """Every answer of the assessment, grouped by the questionnaire's steps, in today's words."""
    edition = assessment.rules()
    missing = set(assessment.missing_inputs())
    values = assessment.input_values()
    # An answer of a field that applies only after another answer, when that answer says
    # it does not apply (the recurrence date without a recurrence, the MRI findings
    # without an MRI).
    not_applicable = {
        spec.name
        for spec in edition.FIELDS
        if spec.applies_when is not None and spec.applies_when.known_false(values)
    }
    groups = []
    for step in STEPS:
        answers = []
        for name in edition.fields_of_step(step.number):
            spec = edition.FIELDS_BY_NAME[name]
            value = getattr(assessment, name)
            text = format_answer(name, value, edition.FIELDS_BY_NAME)
            if name in missing:
                text = MISSING
            elif name in not_applicable and (
                text == NOT_RECORDED
                or spec.is_empty(value)
                or not getattr(spec.applies_when, "refuse_otherwise", True)
            ):
                # Also a finding stored as its "absent" meaning (fluid at the interface:
                # False): without an MRI it was not looked for, so it is not a "No". And an
                # answer kept but not read where it is not asked (2026.3: the weeks of therapy
                # with a course of pain other than a recurrence, spec §1) is not printed.
                text = NOT_APPLICABLE
            answers.append(
                Answer(
                    label=spec.label,
                    text=text,
                    missing=name in missing,
                    empty=text in (NOT_RECORDED, NOT_APPLICABLE),
                )
            )
        groups.append(AnswerGroup(step.number, step.title, step.heading, answers))
    return groups
