"""What the audit dashboard and its PDF show: one display model, built from `audit.Audit`.

Templates only read this. Each figure is a row: the department's value with its interval
and n, a "small n" flag below `MIN_N_TO_COMPARE` patients, and — where a published figure
exists — either the same figure computed on the department's patients who match the
published series (same population, same definition), or the published figure shown apart
with the difference stated. Clinicians are named to reviewers and to themselves; anyone
else sees them as A, B, C… (letters fixed by account, so they hold from one meeting to the
next).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.urls import reverse
from django.utils.formats import date_format

from assessments.rules_versions import edition, known_versions

from . import charts, choices, published, wording
from .audit import (
    CASE_LIST_LIMIT,
    PROCEDURE_DATE,
    RELIEF_MIN_DROP,
    Adherence,
    Audit,
)
from .clinicians import clinician_labels
from .stats import MIN_N_TO_COMPARE, Mean, Rate, rate

# The evidence list of the newest rules (docs/specification.md §7), by its own numbers, in its
# exact printed text: an entry whose source is not confirmed says so.
REFERENCES: dict[int, str] = dict(edition(known_versions()[-1]).REFERENCES)
# A published figure whose source is not confirmed is marked beside it, wherever it is printed:
# the department is compared with a figure nobody can look up yet.
UNCONFIRMED = "source not yet confirmed"
INCOMPLETE = "citation not yet complete"


def source_status(refs) -> str:
    """How sure the sources of a published figure are: "" when every one is confirmed."""
    texts = [REFERENCES.get(ref, "") for ref in refs]
    if any("source not yet confirmed" in text.lower() or not text for text in texts):
        return UNCONFIRMED
    if any("not yet confirmed" in text for text in texts):
        return INCOMPLETE
    return ""


SMALL_N = f"small n: fewer than {MIN_N_TO_COMPARE} patients"
EXCLUDED_REASONS = {
    "draft": "drafts, not finalized",
    "discarded": "discarded drafts, given up by their clinician",
    "superseded": "superseded assessments, counted once as their amendment",
}


@dataclass(frozen=True)
class FigureRow:
    label: str
    value: str  # the department's figure with its interval, or "—"
    n: int
    published: published.Published | None
    note: str  # a plain sentence: no data, too few to compare, interval cut at the scale
    small: bool = False  # fewer than MIN_N_TO_COMPARE patients (and at least one)
    apart: str = ""  # the published figure is shown apart: why it is not comparable

    @property
    def source_status(self) -> str:
        return source_status(self.published.refs) if self.published else ""


def _number(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    return "0" if text.strip("-0.") == "" and digits == 0 else text.replace("-", "−")


def mean_text(figure: Mean, unit: str = "", digits: int = 1) -> str:
    if figure.value is None:
        return "—"
    text = f"{_number(figure.value, digits)}{unit}"
    if figure.low is not None:
        text += f" (95% CI {_number(figure.low, digits)} to {_number(figure.high, digits)})"
    return text


def rate_text(figure: Rate | None) -> str:
    if figure is None or figure.value is None:
        return "—"
    return (
        f"{figure.percent:.0f}% ({figure.k} of {figure.n}; 95% CI "
        f"{figure.low_percent:.0f}% to {figure.high_percent:.0f}%)"
    )


def is_small(figure: Mean | Rate | None) -> bool:
    return figure is not None and 0 < figure.n < MIN_N_TO_COMPARE


def _note(figure: Mean | Rate, reference=None, apart: str = "") -> str:
    notes = []
    if figure.n == 0:
        return "No patients yet."
    if figure.n < MIN_N_TO_COMPARE and reference is not None and not apart:
        notes.append(
            f"Too few patients (n = {figure.n}) to compare with the published figure; "
            f"at least {MIN_N_TO_COMPARE} are needed."
        )
    if isinstance(figure, Mean):
        if figure.n < 2:
            notes.append("One patient: no interval.")
        elif figure.clamped:
            notes.append("Interval cut at the end of the scale.")
    return " ".join(notes)


def mean_row(label, figure: Mean, reference=None, unit="", digits=1, apart="") -> FigureRow:
    return FigureRow(
        label,
        mean_text(figure, unit, digits),
        figure.n,
        reference,
        _note(figure, reference, apart),
        is_small(figure),
        apart,
    )


def _percent_beside(value: float, bound: float) -> str:
    """A percentage to the nearest whole one, or to a tenth where the whole one would read as
    the bound itself (1.3% beside "< 1%")."""
    return f"{value:.0f}%" if round(value) > bound or value == 0 else f"{value:.1f}%"


def rare_event_apart(figure: Rate | None, reference: published.Published | None) -> str:
    """Why a rate is not compared with a published upper bound ("< 1%"): its 95% interval
    reaches above the bound, so the department's figure cannot say whether its rate is below
    it. The usual rule (at least `MIN_N_TO_COMPARE` patients) is no test for a rare event:
    0 of 28 has an upper limit of 12%, and only some 380 procedures without one bring the
    upper limit under 1%. "" when the comparison stands (or there is no bound)."""
    if reference is None or not reference.upper_bound or figure is None or not figure.n:
        return ""
    if figure.high_percent <= reference.high:
        return ""
    low = _percent_beside(figure.low_percent, reference.high)
    high = _percent_beside(figure.high_percent, reference.high)
    return (
        f"Not enough procedures to compare with {reference.text}: the interval ({low} to "
        f"{high}) includes rates above it."
    )


def rate_row(label, figure: Rate, reference=None, apart="") -> FigureRow:
    apart = apart or rare_event_apart(figure, reference)
    return FigureRow(
        label,
        rate_text(figure),
        figure.n,
        reference,
        _note(figure, reference, apart),
        is_small(figure),
        apart,
    )


# --- Tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SplitRow:
    label: str
    assessments: int
    indicated_recorded: int
    adherence: str
    adherence_small: bool
    considered: str
    refusals: str
    relief: str
    relief_small: bool


def considered_text(figure: Rate | None) -> str:
    """The procedures performed after "may be considered", as a plain count: an option the
    spine team weighs is no recommendation to adhere to, so no rate or interval is given."""
    if figure is None or not figure.n:
        return "—"
    return f"{figure.k} of {figure.n}"


def split_row(label: str, figures: Adherence) -> SplitRow:
    return SplitRow(
        label,
        figures.assessments,
        figures.indicated_recorded,
        rate_text(figures.adherence),
        is_small(figures.adherence),
        considered_text(figures.considered),
        rate_text(figures.refusals),
        rate_text(figures.relief),
        is_small(figures.relief),
    )


@dataclass(frozen=True)
class CompletenessRow:
    clinician: str
    assessments: int
    decisions: str
    decisions_small: bool
    follow_ups: str
    follow_ups_small: bool
    is_viewer: bool


@dataclass(frozen=True)
class CaseRow:
    patient_ref: str
    treated_level: str
    clinician: str
    assessed: date | None
    recommendation: str
    reasons: tuple[str, ...]
    url: str


PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def _cases(result: Audit, labels: dict[int, str]) -> list[CaseRow]:
    # One reverse() for the list: the URL of a result differs only by the assessment's id.
    result_url = reverse("assessments:result", args=[PLACEHOLDER])
    return [
        CaseRow(
            case.patient_ref,
            case.treated_level,
            labels.get(case.clinician_id, ""),
            case.assessment_date,
            f"{wording.recommendation_label(case.recommendation)} "
            f"({wording.rule_words(case.rule)})",
            case.reasons,
            result_url.replace(PLACEHOLDER, case.assessment_id),
        )
        for case in result.cases
    ]


# --- The page -----------------------------------------------------------------------------

ADHERENCE_TITLE = "Clinician adherence after “Repeat vertebroplasty indicated”"
RELIEF_APART = (
    "Not compared: the series report complete or partial relief as their clinicians judged "
    f"it; the department counts a fall of at least {RELIEF_MIN_DROP} points on the VAS."
)
YEAR_APART = (
    "Not compared: 7.8% is the rate within a year after an initial vertebroplasty; the "
    "department's patients had a repeat procedure."
)
FIRST_PROCEDURE_APART = (
    "Not compared: the published figures are of new fractures after a first vertebroplasty; "
    "the department's patients had a repeat procedure."
)
ALL_LEAKS_APART = (
    "Any leak, symptomatic or not; the published 13–22% counts asymptomatic leaks only, "
    "and is compared in the row for unrelieved pain."
)
ALL_COMPLICATIONS_APART = (
    "Every etiology; the published < 1% is for osteoporotic fractures: see the row for them."
)
SHOWN_APART = "Shown apart: see above."
# The published figures whose sources are not confirmed, said at the head of the comparisons
# as well as beside each figure: a department meeting must not read them as benchmarks.
UNCONFIRMED_NOTE = (
    "The published figures come from sources not yet confirmed: a rough guide, not a benchmark."
)
ALL_CEMENT_APART = (
    "Every patient with both volumes; the published 6.8 vs 4.2 mL is for recurrent pain with a "
    "cleft in osteoporotic fractures and is compared in the rows for them."
)


# Fewer clinicians than this and a letter names the colleague (with two, "Clinician A" is the
# other one).
MIN_CLINICIANS_APART = 3
TOO_FEW_CLINICIANS = (
    "Too few clinicians to show them apart without naming them: only your own figures are "
    "shown beside the department's."
)


def _not_done_reasons(department) -> str:
    """ " (unfit for the procedure 2, deferred 1)": why the procedures offered after
    "indicated" were not done, the reasons recorded."""
    if department is None:
        return ""
    counts = [
        f"{label[0].lower()}{label[1:]} {department.not_done_reasons.get(code, 0)}"
        for code, label in choices.NotDoneReason.choices
        if department.not_done_reasons.get(code)
    ]
    return f" ({', '.join(counts)})" if counts else ""


def dashboard(
    result: Audit,
    *,
    clinician_names: dict[int, str],
    viewer_id: int | None,
    named: bool,
    generated_at: datetime,
) -> dict:
    labels, marks = clinician_labels(
        clinician_names, result.by_clinician, viewer_id=viewer_id, named=named
    )
    # Below MIN_CLINICIANS_APART, a letter would name the colleague: only the viewer's own
    # line is shown beside the department's.
    apart = named or len(result.by_clinician) >= MIN_CLINICIANS_APART
    shown = set(result.by_clinician) if apart else {viewer_id}
    department = result.department
    relief_label = f"Relief at 1 month (VAS down ≥ {RELIEF_MIN_DROP} points)"
    pain_rows = [
        mean_row(
            "Pain change at 1 month (1-month VAS − VAS at the assessment, same patients)",
            result.change_1_month,
            digits=1,
        ),
        mean_row("Pain change at 3 months (same patients)", result.change_3_months, digits=1),
        mean_row("Mean VAS at the assessment, every repeat procedure", result.vas_before),
        mean_row("Mean VAS at 1 month, every repeat procedure", result.vas_1_month),
        mean_row("Mean VAS at 3 months, every repeat procedure", result.vas_3_months),
    ]
    comparison_rows = [
        mean_row(
            # The VAS recorded at the assessment, not on the day of the procedure.
            "Mean VAS at the assessment (before the repeat procedure), failure of the index "
            "procedure days 4–32, patients seen at 1 month",
            result.series_1_before,
            published.VAS_BEFORE,
        ),
        mean_row(
            "Mean VAS at 1 month, pain unrelieved 4–32 days",
            result.series_1_month,
            published.VAS_1_MONTH,
        ),
        mean_row(
            "Mean VAS at 3 months, recurrent pain with a cleft, osteoporotic",
            result.series_2_3_months,
            published.VAS_3_MONTHS,
        ),
        rate_row(relief_label, result.relief, published.RELIEF, apart=RELIEF_APART),
        rate_row(
            "Asymptomatic cement leakage, pain unrelieved 4–32 days",
            result.series_1_asymptomatic_leakage,
            published.LEAKAGE,
        ),
        rate_row(
            "Cement leakage of any kind, every repeat procedure",
            result.leakage,
            published.LEAKAGE,
            apart=ALL_LEAKS_APART,
        ),
        rate_row("Symptomatic cement leakage, every repeat procedure", result.symptomatic_leakage),
        rate_row(
            "Major complications, osteoporotic fractures",
            result.osteoporotic_major_complications,
            published.MAJOR_COMPLICATIONS,
        ),
        rate_row(
            "Major complications, every etiology",
            result.major_complications,
            published.MAJOR_COMPLICATIONS,
            apart=ALL_COMPLICATIONS_APART,
        ),
        mean_row(
            "Cement at the repeat procedure, recurrent pain with a cleft, osteoporotic",
            result.series_2_cement_repeat,
            published.CEMENT_REPEAT,
            " mL",
        ),
        mean_row(
            "Cement at the index procedure, same patients",
            result.series_2_cement_index,
            published.CEMENT_INDEX,
            " mL",
        ),
        mean_row(
            "Cement at the repeat procedure, every patient with both volumes",
            result.cement_repeat,
            published.CEMENT_REPEAT,
            " mL",
            apart=ALL_CEMENT_APART,
        ),
        mean_row("Cement at the index procedure, same patients", result.cement_index, None, " mL"),
        mean_row("Repeat minus index volume, same patients", result.cement_difference, None, " mL"),
    ]
    cleft_rows = [
        rate_row("Cleft gone on post-procedure imaging", result.cleft_gone),
        rate_row("Relief at 1 month when the cleft was gone", result.relief_cleft_gone),
        rate_row("Relief at 1 month when the cleft persisted", result.relief_cleft_persists),
    ]
    fracture_rows = [
        # No published figure: the series describe new fractures at other levels.
        rate_row(
            "Refracture or further collapse at the treated level by the last follow-up so far "
            "(patients with a repeat procedure and at least one follow-up, each patient once)",
            result.treated_level_fracture,
        ),
        rate_row(
            "New vertebral fracture at another level within a year of the repeat procedure "
            "(seen at 12 months)",
            result.new_fracture_year,
            published.NEW_FRACTURE_YEAR,
            apart=YEAR_APART,
        ),
        rate_row(
            "Share of new fractures at another level that are adjacent (each fracture once)",
            result.adjacent_share,
            published.ADJACENT_SHARE,
            apart=FIRST_PROCEDURE_APART,
        ),
        mean_row(
            "Days from the repeat procedure to an adjacent fracture",
            result.days_adjacent,
            published.DAYS_ADJACENT,
            " days",
            0,
            apart=FIRST_PROCEDURE_APART,
        ),
        mean_row(
            "Days from the repeat procedure to a non-adjacent fracture",
            result.days_non_adjacent,
            published.DAYS_NON_ADJACENT,
            " days",
            0,
            apart=FIRST_PROCEDURE_APART,
        ),
    ]
    # The rates of the chart; a published figure not comparable is shown apart (said above,
    # or, for a rare event, why here), and the chart draws no line for it.
    rate_chart_rows = [
        rate_row(relief_label, result.relief, published.RELIEF, apart=SHOWN_APART),
        rate_row(
            "Asymptomatic leakage (unrelieved pain)",
            result.series_1_asymptomatic_leakage,
            published.LEAKAGE,
        ),
        rate_row(
            "Major complications (osteoporotic)",
            result.osteoporotic_major_complications,
            published.MAJOR_COMPLICATIONS,
        ),
        rate_row(
            "New fracture at another level within a year",
            result.new_fracture_year,
            published.NEW_FRACTURE_YEAR,
            apart=SHOWN_APART,
        ),
        rate_row(
            "Adjacent share of new fractures",
            result.adjacent_share,
            published.ADJACENT_SHARE,
            apart=SHOWN_APART,
        ),
    ]
    rate_chart_figures = [
        result.relief,
        result.series_1_asymptomatic_leakage,
        result.osteoporotic_major_complications,
        result.new_fracture_year,
        result.adjacent_share,
    ]
    all_rows = comparison_rows + fracture_rows
    cited = sorted({ref for row in all_rows if row.published for ref in row.published.refs})
    completeness = [
        CompletenessRow(
            labels[row.clinician_id],
            row.assessments,
            rate_text(row.decisions),
            is_small(row.decisions),
            rate_text(row.follow_ups),
            is_small(row.follow_ups),
            row.clinician_id == viewer_id,
        )
        for row in sorted(result.completeness, key=lambda row: labels[row.clinician_id])
        if row.clinician_id in shown
    ]
    funnels = {
        "adherence": charts.funnel_chart(
            "adherence",
            ADHERENCE_TITLE,
            department.adherence if department else None,
            {pk: f.adherence for pk, f in result.by_clinician.items() if pk in shown},
            labels,
            marks,
            viewer_id=viewer_id,
            every="the department performed every repeat procedure “indicated” that the "
            "patient did not decline",
            none="the department performed no repeat procedure “indicated”",
        ),
        "relief": charts.funnel_chart(
            "relief",
            "Relief at 1 month after a repeat procedure",
            department.relief if department else None,
            {pk: f.relief for pk, f in result.by_clinician.items() if pk in shown},
            labels,
            marks,
            viewer_id=viewer_id,
            every="every patient of the department had relief",
            none="no patient of the department had relief",
        ),
    }
    excluded = [
        {"n": result.excluded[status], "reason": reason}
        for status, reason in EXCLUDED_REASONS.items()
        if result.excluded.get(status)
    ]
    feedback = _feedback(result.feedback)
    return {
        "audit": result,
        "generated_at": generated_at,
        "excluded": excluded,
        "date_basis_is_procedure": result.filter.date_basis == PROCEDURE_DATE,
        "rules": result.rules,
        "adherence": rate_text(result.adherence),
        "adherence_note": _note(result.adherence) if result.adherence else "",
        "adherence_small": is_small(result.adherence),
        "refusals": rate_text(result.refusals),
        "refusals_small": is_small(result.refusals),
        "non_adherence": {
            "not_offered": department.not_offered if department else 0,
            "not_performed": department.not_performed if department else 0,
            "not_done_reasons": _not_done_reasons(department),
        },
        "considered": considered_text(department.considered if department else None),
        "overrides": rate_text(result.overrides),
        "overrides_note": _note(result.overrides) if result.overrides else "",
        "overrides_small": is_small(result.overrides),
        "override_rows": result.override_rows,
        "feedback": feedback,
        "completeness": completeness,
        "clinicians_apart": apart,
        "too_few_clinicians": "" if apart else TOO_FEW_CLINICIANS,
        "funnels": funnels,
        "run_chart": charts.run_chart(result.quarters),
        "quarters": [
            {
                "label": quarter.label,
                "adherence": rate_text(quarter.adherence),
                "adherence_small": is_small(quarter.adherence),
                "relief": rate_text(quarter.relief),
                "relief_small": is_small(quarter.relief),
            }
            for quarter in result.quarters
        ],
        "by_etiology": [split_row(split.label, split.figures) for split in result.by_etiology],
        "by_scenario": [split_row(split.label, split.figures) for split in result.by_scenario],
        "pain_rows": pain_rows,
        "comparison_rows": comparison_rows,
        "cleft_rows": cleft_rows,
        "cleft_published": published.CLEFT,
        "fracture_rows": fracture_rows,
        "vas_chart": charts.vas_chart(result),
        "rate_chart": charts.rate_chart(
            [
                (row.label, figure, row.published, bool(row.apart))
                for row, figure in zip(rate_chart_rows, rate_chart_figures, strict=True)
            ]
        ),
        "rate_chart_rows": rate_chart_rows,
        "unconfirmed_note": (
            UNCONFIRMED_NOTE if any(row.source_status for row in all_rows) else ""
        ),
        "cases": _cases(result, labels),
        "cases_count": len(result.cases),
        "cases_more": result.cases_more,
        "cases_limit": CASE_LIST_LIMIT,
        "references": [{"id": ref, "text": REFERENCES[ref]} for ref in cited],
        "relief_min_drop": RELIEF_MIN_DROP,
        "min_n": MIN_N_TO_COMPARE,
        "small_n": SMALL_N,
        "named": named,
    }


@dataclass(frozen=True)
class FeedbackRow:
    label: str
    accepted: int
    overridden: int
    override_rate: str  # overridden of the cards acted on, with its interval
    small: bool
    reasons: str  # the reasons the clinicians gave, most frequent first


def _reasons(counter) -> str:
    return "; ".join(
        f"{reason}: {n}"
        for reason, n in sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    )


def _feedback_rows(table: dict, label_of) -> list[FeedbackRow]:
    rows = []
    for key, counts in table.items():
        if not (counts["accepted"] or counts["overridden"]):
            continue
        overridden = rate(counts["overridden"], counts["accepted"] + counts["overridden"])
        rows.append(
            FeedbackRow(
                label_of(key),
                counts["accepted"],
                counts["overridden"],
                rate_text(overridden),
                is_small(overridden),
                _reasons(counts["reasons"]),
            )
        )
    return rows


def _feedback(rows: list[dict]) -> dict:
    """Guidance cards accepted or overridden in the electronic record: repeat vs other
    recommendations, and each recommendation in words, with the override reasons the
    clinicians gave (most frequent first)."""
    from collections import Counter

    from .audit import REPEAT_RECOMMENDATIONS

    def empty() -> dict:
        return {"accepted": 0, "overridden": 0, "reasons": Counter()}

    by_kind: dict[bool, dict] = {repeat: empty() for repeat in (True, False)}
    by_recommendation: dict[str, dict] = {}
    for row in rows:
        outcome = row.get("outcome")
        if outcome not in ("accepted", "overridden"):
            continue
        code = row.get("recommendation") or ""
        for counts in (
            by_kind[code in REPEAT_RECOMMENDATIONS],
            by_recommendation.setdefault(code, empty()),
        ):
            counts[outcome] += row.get("n", 0)
            if outcome == "overridden":
                reason = row.get("override_reason") or "no reason given"
                counts["reasons"][reason] += row.get("n", 0)
    order = [code for code, _ in wording.recommendation_choices()]
    by_recommendation = dict(
        sorted(
            by_recommendation.items(),
            key=lambda item: order.index(item[0]) if item[0] in order else len(order),
        )
    )
    return {
        "kinds": _feedback_rows(
            by_kind,
            lambda repeat: "Repeat recommended" if repeat else "Other recommendations",
        ),
        "recommendations": _feedback_rows(by_recommendation, wording.recommendation_label),
    }


def period_text(value: date | None, default: str) -> str:
    return date_format(value) if value else default
