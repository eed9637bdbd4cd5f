"""What the questionnaire's own pages show, prepared in Python so that templates hold no logic.

The guidance and the answers are shown through the one display model,
`assessments.reports.display`.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from assessments import rules_versions
from assessments.models import Assessment
from assessments.questionnaire.steps import STEPS, completed_steps
from assessments.reports.display import (
    Cited,
    GuidanceDisplay,
    answer_groups,
    format_answer,
    new_level_lines,
    recommendation_label,
    recommendation_tone,
)
from vertebro_lib.codes import without_code_pointers
from vertebro_lib.people import person_name
from vertebro_lib.prepared import PreparedRead
from vertebro_lib.urls import reverse_once
from vertebro_rules.vocabulary import Recommendation

# What a line of My assessments shows of the assessment it amends and of its amendment
# (assessments/questionnaire/list_rows_html.py).
CHAIN_FIELDS = frozenset({"id", "status", "patient_ref", "finalized_at", "amends"})
# The columns My assessments does not read: each row's frozen guidance and words (large
# JSON), its record-keeping columns, and all but CHAIN_FIELDS of the assessments in its
# amendment chain (a line reads its answers, for the steps done, and what it shows).
LIST_DEFERRED = (
    "guidance",
    "display_record",
    "warning_acknowledgements",
    "from_record",
    "amendment_reason",
    "record_digest",
    "record_key_id",
    "finalized_by",
    "deciding_rule",
    "scenario",
    "created",
    *(
        f"{relation}__{field.name}"
        for relation in ("amends", "amendment")
        for field in Assessment._meta.concrete_fields
        if field.name not in CHAIN_FIELDS
    ),
)


@dataclass(frozen=True, slots=True)
class ListRow:
    """One line of My assessments."""

    assessment: Assessment
    amends: Assessment | None  # the final assessment this one amends
    amendment: Assessment | None  # its amendment, final or in progress
    status_label: str
    is_final: bool
    recommendation_label: str
    recommendation_tone: str
    progress: str  # a draft's steps done ("3 of 4 steps") or "Ready to finalize"
    ready: bool
    open_url: str  # where the line leads (the result, the first open step, or the review)
    pdf_url: str
    discard_url: str


def my_assessments(owner) -> "QuerySet[Assessment]":
    """A clinician's assessments as My assessments lists them, the latest change first: every
    answer (for the steps done) and the amendment chain in the same query; not the frozen
    JSON, nor more of the chain than a line shows."""
    return (
        Assessment.objects.owned_by(owner)
        .select_related("amends", "amendment")
        .defer(*LIST_DEFERRED)
        .order_by("-updated", "-created")
    )


def first_page_of_my_assessments(per_page: int):
    """The first `per_page + 1` lines of `my_assessments(owner)`, as a read whose SQL is
    written once (vertebro_lib.prepared): the start page is read on every visit, and building
    the SQL of its query (three tables, sixty columns) cost more than running it."""
    return PreparedRead(
        lambda owner_id: my_assessments(owner_id)[: per_page + 1],
        placeholders=[-7357],
        fields=[Assessment._meta.get_field("owner")],
    )


# An id that no assessment has, put in a URL to be replaced by each line's own id.
_ID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def url_for_each_id(name: str):
    """`reverse(name, args=[id])` for many ids at the cost of one reverse (a page of 20
    lines reversed 60 URLs): reversed once with a placeholder id, which each id replaces."""
    url = reverse_once(name, _ID_PLACEHOLDER)
    return lambda assessment_id: url.replace(_ID_PLACEHOLDER, str(assessment_id))


@dataclass(frozen=True, slots=True)
class FinalRow:
    """One line of the reviewers' recent final assessments."""

    assessment: Assessment
    clinician: str
    recommendation_label: str
    recommendation_tone: str


def final_rows(assessments) -> list[FinalRow]:
    return [
        FinalRow(
            assessment=assessment,
            clinician=person_name(assessment.owner),
            recommendation_label=recommendation_label(
                assessment.recommendation, assessment.rules_version
            ),
            recommendation_tone=recommendation_tone(assessment.recommendation),
        )
        for assessment in assessments
    ]


def list_rows(assessments) -> list[ListRow]:
    open_url = url_for_each_id("assessments:open")
    pdf_url = url_for_each_id("assessments:pdf")
    discard_url = url_for_each_id("assessments:discard")
    rows = []
    for assessment in assessments:
        code = assessment.recommendation if assessment.is_final else ""
        done = len(completed_steps(assessment)) if not assessment.is_final else len(STEPS)
        ready = not assessment.is_final and done == len(STEPS)
        rows.append(
            ListRow(
                assessment=assessment,
                amends=assessment.amends,
                # A reverse one-to-one raises when there is none (select_related cached that).
                amendment=getattr(assessment, "amendment", None),
                status_label=assessment.get_status_display(),
                is_final=assessment.is_final,
                recommendation_label=recommendation_label(code) if code else "",
                recommendation_tone=recommendation_tone(code),
                progress="Ready to finalize" if ready else f"{done} of {len(STEPS)} steps",
                ready=ready,
                open_url=open_url(assessment.pk),
                pdf_url=pdf_url(assessment.pk),
                discard_url=discard_url(assessment.pk),
            )
        )
    return rows


def chart_note(assessment: Assessment, guidance: GuidanceDisplay) -> str:
    """A plain-text note of a result for the patient's electronic record, in words only.

    The clinical picture step by step (every answer given, in the words the result page
    shows: frozen ones for a finalized assessment), the recommendation and its reasons,
    warnings, missing work-up, next steps, notes, the references as short citations, the
    rules version, who finalized it, and the decision-support disclaimer. No rule, note or
    warning codes, nor the sentences' pointers to them ("see note N11"): the reader of a
    chart does not have the rules at hand. A superseded assessment's note says so first.
    """
    level = f", treated level {assessment.treated_level}" if assessment.treated_level else ""
    assessed = (
        f", assessed {format_answer('assessment_date', assessment.assessment_date)}"
        if assessment.assessment_date
        else ""
    )
    # A pasted note is read from the top: its first line says whose decision it is not, and
    # what follows at once says whether it may be filed (a draft, a replaced record) and what
    # an amendment replaces.
    lines = [f"{NOTE_TITLE} for {assessment.patient_ref}{level}{assessed}"]
    lines += _status_lines(assessment)
    lines += ["", "Clinical picture"]
    for group in answer_groups(assessment):
        given = [
            f"{CHART_LABELS.get(answer.label, answer.label).rstrip('.')}: {answer.text}"
            for answer in group.answers
            if answer.recorded and answer.label != PATIENT_REF_LABEL
        ]
        if given:
            lines.append(f"- {group.title}: " + "; ".join(given) + ".")
    lines += ["", f"Recommendation: {guidance.label}. {guidance.headline}"]
    lines += list(new_level_lines(assessment, guidance))
    lines += [
        f"Reason: {without_code_pointers(reason.text)}{_unconfirmed(reason)}"
        for reason in guidance.reasons
    ]
    lines += [f"Warning: {without_code_pointers(warning.text)}" for warning in guidance.warnings]
    workup = workup_line(guidance)
    if workup:
        lines.append(workup)
    if guidance.next_steps:
        lines.append(guidance.next_steps_line or "Next steps:")
        lines += [
            f"- {without_code_pointers(step.text)}{_unconfirmed(step)}"
            for step in guidance.next_steps
        ]
    if guidance.reassess_from:
        lines.append(f"Reassess from {date_format(guidance.reassess_from)}.")
    if guidance.notes:
        lines.append("Notes:")
        lines += [
            f"- {without_code_pointers(note.text)}{_unconfirmed(note)}" for note in guidance.notes
        ]
    if guidance.references:
        lines.append("References:")
        lines += [
            f"[{reference.number}] {_short_citation(reference.text)}"
            for reference in guidance.references
        ]
    if assessment.is_final and assessment.finalized_at:
        status = f"Finalized {_datetime_words(assessment.finalized_at)} by {person_name(assessment.finalized_by)}"
    else:
        status = "DRAFT, not finalized"
    lines += ["", f"Rules version {guidance.rules_version}. {status}.", guidance.disclaimer]
    return "\n".join(lines)


def _status_lines(assessment: Assessment) -> list[str]:
    """What a reader must know before the guidance: a draft or a replaced record is not to be
    filed, and an amendment names the note it replaces and why."""
    lines = []
    if assessment.status == Assessment.Status.SUPERSEDED:
        amendment = assessment.amendment
        finalized = (
            f" finalized {_datetime_words(amendment.finalized_at)}"
            if amendment.finalized_at
            else ""
        )
        lines.append(
            f"SUPERSEDED: replaced by an amendment{finalized} (reason: "
            f"{amendment.amendment_reason}). Do not file this note; file the amendment's note "
            "instead."
        )
    elif not assessment.is_final:
        lines.append(
            "DRAFT: not finalized; the answers and the guidance may still change. Do not file this "
            "note."
        )
    if assessment.amends_id:
        earlier = assessment.amends
        finalized = (
            f" finalized {_datetime_words(earlier.finalized_at)}" if earlier.finalized_at else ""
        )
        lines.append(
            f"AMENDMENT: replaces the Vertebro note{finalized} "
            f"(reason: {assessment.amendment_reason})."
        )
    return lines


def _datetime_words(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


NOTE_TITLE = "Vertebro decision-support guidance (not the treating clinician's decision)"
PATIENT_REF_LABEL = "Patient reference (MRN)"

# Short chart labels of the questions whose full wording (the definition the clinician
# answers on the form) is too long for a line of the chart.
CHART_LABELS_BY_FIELD = {
    "opioid_failure": "Opioids cannot be reduced or are not tolerated",
    "mri_not_possible": "MRI not possible",
    "infection_signs": "Signs of infection (now or within the last 4 weeks)",
    "complication_assessed": "Index procedure assessed for a complication since the pain began",
}
# By the question's full label, as the answers (frozen ones included) carry it.
CHART_LABELS = {
    rules_versions.edition(version).FIELDS_BY_NAME[name].label: short
    for version in rules_versions.known_versions()
    for name, short in CHART_LABELS_BY_FIELD.items()
    if name in rules_versions.edition(version).FIELDS_BY_NAME
}

# The recommendations that decide on a repeat procedure at the treated level. Only beside one
# of them does the chart say that the work-up is recorded, and only when the deciding rule is
# one the rules reach with no work-up item missing (`WORKUP_COMPLETE_RULES`: an earlier rule,
# such as "no current pain", decides before the work-up is looked at, and its empty `missing`
# list says nothing). The other outcomes (urgent referral, infection, complication, oncology,
# the spine team, a new level, conservative therapy, reassess later) send the patient to more
# assessment, named in the next steps.
DECIDES_REPEAT = frozenset(
    {
        Recommendation.REPEAT_INDICATED,
        Recommendation.REPEAT_MAY_BE_CONSIDERED,
        Recommendation.NOT_INDICATED,
    }
)
WORKUP_RECORDED = "Work-up: every item the rules ask for before deciding is recorded."
# "May be considered" is not a decision the work-up settles: the line says so, so that it
# cannot be read as "complete, go ahead".
STILL_TO_DECIDE = "Whether to repeat the procedure is still to be decided: see the reason above."
STILL_TO_DECIDE_WITH_STEPS = (
    "Whether to repeat the procedure is still to be decided: see the reason above and the "
    "next steps."
)
FURTHER_ASSESSMENT = "Further assessment needed: see next steps."


def _workup_complete(guidance: GuidanceDisplay) -> bool:
    """Whether the deciding rule is reached only with no work-up item missing."""
    if not guidance.reasons or guidance.rules_version not in rules_versions.known_versions():
        return False
    edition = rules_versions.edition(guidance.rules_version)
    return guidance.reasons[0].label in getattr(edition, "WORKUP_COMPLETE_RULES", frozenset())


def workup_line(guidance: GuidanceDisplay) -> str:
    """The chart's line on the work-up, saying exactly what is known: what is still missing;
    that every work-up item is recorded, only beside a decision on a repeat procedure reached
    with nothing missing (with "may be considered": that the decision is still to be made);
    otherwise that more assessment follows (when the next steps say which), or nothing."""
    missing = "; ".join(guidance.missing_workup)
    if missing:
        return f"Work-up still missing: {missing}."
    if guidance.recommendation in DECIDES_REPEAT and _workup_complete(guidance):
        if guidance.recommendation == Recommendation.REPEAT_MAY_BE_CONSIDERED:
            still = STILL_TO_DECIDE_WITH_STEPS if guidance.next_steps else STILL_TO_DECIDE
            return f"{WORKUP_RECORDED} {still}"
        return WORKUP_RECORDED
    return FURTHER_ASSESSMENT if guidance.next_steps else ""


def _short_citation(text: str) -> str:
    """A reference's printed text without the figures in its parentheses: "Risk factors for
    new fractures after vertebroplasty (1-year fracture-free rate 92.2%). Source not yet
    confirmed." → "Risk factors for new fractures after vertebroplasty. Source not yet
    confirmed." Never shorter than its source: the authors, journal and year, or the words
    that say they are not yet confirmed, stay."""
    return re.sub(r" \([^()]*\)", "", text).strip()


def _unconfirmed(item: Cited) -> str:
    """After a sentence whose figures rest on a reference not yet confirmed, the mark of it:
    the chart shows it beside the figure, not only in the list of references."""
    return f" [{item.unconfirmed_text}]" if item.unconfirmed else ""


@dataclass(frozen=True, slots=True)
class GuidanceSoFar:
    """The "guidance so far" beside steps 2–4: `vertebro_rules.progress` in words.

    `summary` is one line, read also while the panel is collapsed; `scenario`
    is empty until the pain timeline is saved; `caveat` says what could still
    change a provisional scenario; `invalid` are the labels of answers to correct.
    """

    summary: str
    scenario: str
    timeline: str
    caveat: str
    still_needed: str
    guidance: "GuidanceSoFarResult | None"
    invalid: str
    rules_version: str
    # §6: a red flag shown at once, whatever is still missing (rules 2026.3 on).
    red_flag: "RedFlagShown | None" = None


@dataclass(frozen=True, slots=True)
class GuidanceSoFarResult:
    """The guidance the panel shows once every answer is given: the recommendation in the
    words and colour of the result page (`GuidanceDisplay`), and the headline. Only these: the
    panel is beside every step, and the whole display (reasons, notes, references in words)
    cost a tenth of a step page."""

    recommendation: str
    label: str
    tone: str
    headline: str


@dataclass(frozen=True, slots=True)
class RedFlagShown:
    """A red flag of the answers saved so far, as the top of every step shows it."""

    rule: str
    label: str
    headline: str
    next_step: str


def _day(number: int) -> str:
    return f"day {number}"


def guidance_so_far(assessment: Assessment, *, today: date) -> GuidanceSoFar:
    """What the saved answers of a draft already decide and still need."""
    edition = assessment.rules()
    so_far = edition.progress(assessment.input_values(), today=today)
    # The scenario's label in the words of the assessment's own rules version, as the result
    # prints it (the 2026.2 labels differ from 2026.3's).
    scenarios = edition.vocabulary.Scenario
    scenario = scenarios(so_far.scenario).label if so_far.scenario else ""
    timeline = ""
    if so_far.days_since_index is not None:
        timeline = f"Assessed on {_day(so_far.days_since_index)} after the index procedure"
        if so_far.days_to_recurrence is not None:
            timeline += f"; the pain returned on {_day(so_far.days_to_recurrence)}"
        timeline += "."
    caveat = (
        "Unless the MRI shows a new fracture at another level, which would change it."
        if so_far.provisional
        else ""
    )
    guidance = (
        GuidanceSoFarResult(
            recommendation=so_far.guidance.recommendation,
            # As GuidanceDisplay words it: the label of the guidance's own rules version.
            label=recommendation_label(
                so_far.guidance.recommendation, so_far.guidance.rules_version
            ),
            tone=recommendation_tone(so_far.guidance.recommendation),
            headline=so_far.guidance.headline,
        )
        if so_far.guidance
        else None
    )
    flag = getattr(so_far, "red_flag", None)
    red_flag = (
        RedFlagShown(
            rule=flag.rule,
            label=recommendation_label(flag.recommendation, assessment.rules_version),
            headline=flag.headline,
            next_step=flag.next_step,
        )
        if flag is not None
        else None
    )
    if red_flag is not None and guidance is None:
        summary = f"Red flag: {red_flag.label}"
    elif guidance is not None:
        summary = guidance.label
    elif scenario:
        summary = f"{scenario}, {_day(so_far.days_since_index)}"
    else:
        summary = "scenario not yet decided"
    return GuidanceSoFar(
        summary=summary,
        scenario=scenario,
        timeline=timeline,
        caveat=caveat,
        still_needed=", ".join(so_far.still_needed),
        guidance=guidance,
        invalid=", ".join(
            edition.FIELDS_BY_NAME[name].label
            for name in so_far.invalid
            if name in edition.FIELDS_BY_NAME
        ),
        rules_version=assessment.rules_version,
        red_flag=red_flag,
    )


@dataclass(frozen=True, slots=True)
class RulesVersionNotice:
    """A draft that follows an earlier rules version than the active one: what moving it
    to the active version would change, in words, for the owner's explicit choice."""

    draft_version: str
    active_version: str
    new_questions: str
    dropped_questions: str
    page_version: int


def rules_version_notice(assessment: Assessment) -> RulesVersionNotice | None:
    """The notice a draft started under another rules version than the active one shows."""
    if not assessment.is_draft:
        return None
    active = rules_versions.active_version()
    if assessment.rules_version == active:
        return None
    change = rules_versions.version_change(assessment.rules_version, active)
    return RulesVersionNotice(
        draft_version=assessment.rules_version,
        active_version=active,
        new_questions="; ".join(change.new_questions),
        dropped_questions="; ".join(change.dropped_questions),
        page_version=assessment.version,
    )
