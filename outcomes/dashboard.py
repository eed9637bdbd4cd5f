"""What the audit dashboard and its PDF show: one display model, built from `audit.Audit`.

Templates only read this. Each figure is a row: the department's value with
its 95% interval and n, the published figure with the series it comes from,
and a plain sentence when there are too few patients to compare.
"""

from dataclasses import dataclass

from vertebro_rules.references import EVIDENCE

from . import charts, published
from .audit import RELIEF_MIN_DROP, Audit
from .stats import MIN_N_TO_COMPARE, Mean, Rate

# The evidence list of the rules (docs/specification.md §7), by its own numbers.
REFERENCES = {number: reference.text for number, reference in EVIDENCE.items()}


@dataclass(frozen=True)
class FigureRow:
    label: str
    value: str  # the department's figure with its interval, or "—"
    n: int
    published: published.Published | None
    note: str  # the plain sentence: no data, too few to compare, or empty


def _number(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def mean_text(figure: Mean, unit: str = "", digits: int = 1) -> str:
    if figure.value is None:
        return "—"
    text = f"{_number(figure.value, digits)}{unit}"
    if figure.low is not None:
        text += f" (95% CI {_number(figure.low, digits)} to {_number(figure.high, digits)})"
    return text


def rate_text(figure: Rate) -> str:
    if figure.value is None:
        return "—"
    return (
        f"{figure.percent:.0f}% ({figure.k} of {figure.n}; 95% CI "
        f"{figure.low_percent:.0f}% to {figure.high_percent:.0f}%)"
    )


def _note(figure: Mean | Rate, reference) -> str:
    if figure.n == 0:
        return "No patients yet."
    if figure.n < MIN_N_TO_COMPARE and reference is not None:
        return (
            f"Too few patients (n = {figure.n}) to compare with the published figure; "
            f"at least {MIN_N_TO_COMPARE} are needed."
        )
    if figure.n < 2 and isinstance(figure, Mean):
        return "One patient: no interval."
    return ""


def mean_row(label, figure: Mean, reference=None, unit="", digits=1) -> FigureRow:
    return FigureRow(
        label, mean_text(figure, unit, digits), figure.n, reference, _note(figure, reference)
    )


def rate_row(label, figure: Rate, reference=None) -> FigureRow:
    return FigureRow(label, rate_text(figure), figure.n, reference, _note(figure, reference))


def dashboard(result: Audit) -> dict:
    relief_label = f"Complete or partial relief at 1 month (VAS down ≥ {RELIEF_MIN_DROP} points)"
    procedure_rows = [
        mean_row("Mean VAS before the repeat procedure", result.vas_before, published.VAS_BEFORE),
        mean_row("Mean VAS at 1 month", result.vas_1_month, published.VAS_1_MONTH),
        mean_row("Mean VAS at 3 months", result.vas_3_months, published.VAS_3_MONTHS),
        rate_row(relief_label, result.relief, published.RELIEF),
        rate_row("Cement leakage on imaging", result.leakage, published.LEAKAGE),
        rate_row("Symptomatic cement leakage", result.symptomatic_leakage),
        rate_row("Major complications", result.major_complications, published.MAJOR_COMPLICATIONS),
        mean_row(
            "Cement volume at the repeat procedure",
            result.cement_repeat,
            published.CEMENT_REPEAT,
            " mL",
        ),
        mean_row(
            "Cement volume at the index procedure (same patients)",
            result.cement_index,
            published.CEMENT_INDEX,
            " mL",
        ),
        mean_row(
            "Repeat minus index volume (same patients)", result.cement_difference, None, " mL"
        ),
    ]
    cleft_rows = [
        rate_row("Cleft gone on post-procedure imaging", result.cleft_gone),
        rate_row("Relief at 1 month when the cleft was gone", result.relief_cleft_gone),
        rate_row("Relief at 1 month when the cleft persisted", result.relief_cleft_persists),
    ]
    fracture_rows = [
        rate_row(
            "New vertebral fracture within a year",
            result.new_fracture_year,
            published.NEW_FRACTURE_YEAR,
        ),
        rate_row(
            "Share of new fractures at an adjacent level",
            result.adjacent_share,
            published.ADJACENT_SHARE,
        ),
        mean_row(
            "Days to an adjacent fracture",
            result.days_adjacent,
            published.DAYS_ADJACENT,
            " days",
            0,
        ),
        mean_row(
            "Days to a non-adjacent fracture",
            result.days_non_adjacent,
            published.DAYS_NON_ADJACENT,
            " days",
            0,
        ),
    ]
    rate_chart_rows = [
        ("Relief at 1 month", result.relief, published.RELIEF),
        ("Cement leakage", result.leakage, published.LEAKAGE),
        ("Major complications", result.major_complications, published.MAJOR_COMPLICATIONS),
        ("New fracture within a year", result.new_fracture_year, published.NEW_FRACTURE_YEAR),
        ("Adjacent share of new fractures", result.adjacent_share, published.ADJACENT_SHARE),
    ]
    cited = sorted(
        {
            ref
            for row in procedure_rows + fracture_rows
            if row.published
            for ref in row.published.refs
        }
    )
    return {
        "audit": result,
        "rules": result.rules,
        "adherence": rate_text(result.adherence),
        "adherence_note": _note(result.adherence, None),
        "overrides": rate_text(result.overrides),
        "overrides_note": _note(result.overrides, None),
        "override_rows": result.override_rows,
        "procedure_rows": procedure_rows,
        "cleft_rows": cleft_rows,
        "cleft_published": published.CLEFT,
        "fracture_rows": fracture_rows,
        "vas_chart": charts.vas_chart(result),
        "rate_chart": charts.rate_chart(rate_chart_rows),
        "rate_chart_rows": [rate_row(label, figure, ref) for label, figure, ref in rate_chart_rows],
        "references": [{"id": ref, "text": REFERENCES[ref]} for ref in cited],
        "relief_min_drop": RELIEF_MIN_DROP,
        "min_n": MIN_N_TO_COMPARE,
    }
