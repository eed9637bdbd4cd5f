"""Geometry of the dashboard's SVG charts, computed here so that templates only draw.

Each chart is drawn on the server (no script), with its data table beside it in the page
for screen readers; the same markup prints in the PDF. Every chart says its n: a point on
fewer than `MIN_N_TO_COMPARE` patients is drawn hollow and labelled "small n". Legends
have a row of their own under the plot, so no label runs into them. An interval cut at
the end of its scale ends in an open triangle instead of a cap.
"""

from dataclasses import dataclass

from . import published
from .audit import Audit, Quarter
from .stats import MIN_N_TO_COMPARE, Mean, Rate, funnel_limits_many, funnel_position

# VAS chart: 0–10 upwards, three time points; the legend below the axis labels.
VAS_WIDTH, VAS_HEIGHT = 560, 352
VAS_TOP, VAS_BOTTOM, VAS_LEFT, VAS_RIGHT = 30, 230, 60, 540
VAS_X = (140, 300, 460)

# Rates chart: 0–100% across, one row per rate, label above its bar.
RATE_WIDTH, RATE_LEFT, RATE_RIGHT = 560, 20, 540
RATE_ROW, RATE_TOP = 46, 34

# Funnel and run charts: 0–100% upwards.
PLOT_WIDTH, PLOT_HEIGHT = 560, 360
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT = 20, 270, 60, 540


def _small(n: int) -> bool:
    return 0 < n < MIN_N_TO_COMPARE


def _vas_y(value: float) -> float:
    clamped = min(max(value, 0.0), 10.0)
    return round(VAS_BOTTOM - (VAS_BOTTOM - VAS_TOP) * clamped / 10, 1)


@dataclass(frozen=True)
class VasPoint:
    x: int
    label: str
    n_label: str
    department: Mean
    y: float | None
    low_y: float | None
    high_y: float | None
    cut_low: bool
    cut_high: bool
    small: bool


@dataclass(frozen=True)
class PublishedPoint:
    x: int
    y: float
    figure: published.Published


def vas_chart(result: Audit) -> dict:
    times = (
        ("Before", result.vas_before),
        ("1 month", result.vas_1_month),
        ("3 months", result.vas_3_months),
    )
    points = []
    for x, (label, figure) in zip(VAS_X, times, strict=True):
        has_value = figure is not None and figure.value is not None
        has_interval = has_value and figure.low is not None
        points.append(
            VasPoint(
                x=x,
                label=label,
                n_label=f"n = {figure.n if figure else 0}",
                department=figure,
                y=_vas_y(figure.value) if has_value else None,
                low_y=_vas_y(figure.low) if has_interval else None,
                high_y=_vas_y(figure.high) if has_interval else None,
                cut_low=bool(has_interval and figure.clamped and figure.low <= 0.0),
                cut_high=bool(has_interval and figure.clamped and figure.high >= 10.0),
                small=bool(figure and _small(figure.n)),
            )
        )
    drawn = [p for p in points if p.y is not None]
    series_1 = [
        PublishedPoint(VAS_X[0], _vas_y(published.VAS_BEFORE.low), published.VAS_BEFORE),
        PublishedPoint(VAS_X[1], _vas_y(published.VAS_1_MONTH.low), published.VAS_1_MONTH),
    ]
    series_2 = PublishedPoint(VAS_X[2], _vas_y(published.VAS_3_MONTHS.low), published.VAS_3_MONTHS)
    return {
        "width": VAS_WIDTH,
        "height": VAS_HEIGHT,
        "left": VAS_LEFT,
        "right": VAS_RIGHT,
        "top": VAS_TOP,
        "bottom": VAS_BOTTOM,
        "axis_label_y": VAS_TOP - 12,
        "label_y": VAS_BOTTOM + 20,
        "n_y": VAS_BOTTOM + 36,
        "legend_y": VAS_BOTTOM + 62,
        "legend_y2": VAS_BOTTOM + 84,
        "legend_y3": VAS_BOTTOM + 106,
        "grid": [{"value": v, "y": _vas_y(v)} for v in (0, 2, 4, 6, 8, 10)],
        "points": points,
        "department_line": " ".join(f"{p.x},{p.y}" for p in drawn),
        "series_1": series_1,
        "series_1_line": " ".join(f"{p.x},{p.y}" for p in series_1),
        "series_2": series_2,
    }


def _rate_x(percent: float) -> float:
    clamped = min(max(percent, 0.0), 100.0)
    return round(RATE_LEFT + (RATE_RIGHT - RATE_LEFT) * clamped / 100, 1)


def rate_chart(rows: list[tuple[str, Rate, published.Published | None, bool]]) -> dict:
    """One row per rate: label and n above, the department's dot and interval, and the
    published figure (a dashed line, or a grey band for a range) unless it is shown apart."""
    drawn = []
    for index, (label, figure, reference, apart) in enumerate(rows):
        y = RATE_TOP + index * RATE_ROW
        has_value = figure is not None and figure.value is not None
        n = figure.n if figure else 0
        row = {
            "label": f"{label} (n = {n}{', small n' if _small(n) else ''})",
            "y": y,
            "label_y": y - 12,
            "x": _rate_x(figure.percent) if has_value else None,
            "low_x": _rate_x(figure.low_percent) if has_value else None,
            "high_x": _rate_x(figure.high_percent) if has_value else None,
            "small": _small(n),
            "band": None,
            "line_x": None,
            "apart": apart,
        }
        if reference is not None and not apart:
            if reference.is_range and not reference.upper_bound:
                low, high = _rate_x(reference.low), _rate_x(reference.high)
                row["band"] = {"x": low, "width": round(high - low, 1), "y": y - 7}
            else:
                row["line_x"] = _rate_x(reference.high)
        drawn.append(row)
    axis_y = RATE_TOP + RATE_ROW * (len(rows) - 1) + 16
    return {
        "width": RATE_WIDTH,
        "height": axis_y + 62,
        "left": RATE_LEFT,
        "right": RATE_RIGHT,
        "axis_y": axis_y,
        "tick_y": axis_y + 14,
        "legend_y": axis_y + 40,
        "ticks": [{"value": v, "x": _rate_x(v)} for v in (0, 25, 50, 75, 100)],
        "rows": drawn,
    }


def _plot_y(share: float) -> float:
    clamped = min(max(share, 0.0), 1.0)
    return round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * clamped, 1)


def _nice_max(n: int) -> int:
    for step in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if n <= step:
            return step
    return ((n // 10000) + 1) * 10000


FUNNEL_SAMPLES = 60
POSITIONS = {
    "inside": "inside the 95% limits",
    "warning": "outside the 95% limits, inside the 99.8% limits",
    "alarm": "outside the 99.8% limits",
}


def funnel_chart(
    key: str,
    title: str,
    department: Rate | None,
    by_clinician: dict[int, Rate],
    labels: dict[int, str],
    marks: dict[int, str],
    *,
    viewer_id: int | None,
    every: str = "",
    none: str = "",
) -> dict:
    """A funnel plot (Spiegelhalter 2005): each clinician's rate against n, around the
    department's rate, with its 95% and 99.8% control limits (exact binomial).

    A department rate of 0% or 100% leaves no room for chance: the limits collapse onto it
    and every clinician would read "inside" as a finding. The plot then draws no limits and
    places nobody, and says why (`none` at 0%, `every` at 100%)."""
    measured = {pk: figure for pk, figure in by_clinician.items() if figure.n > 0}
    if department is None or department.value is None or not measured:
        return {"key": key, "title": title, "empty": True, "rows": []}
    p0 = department.value
    degenerate = p0 in (0.0, 1.0)
    no_limits = f"No funnel limits: {every if p0 == 1.0 else none}." if degenerate else ""
    n_max = _nice_max(max(figure.n for figure in measured.values()))

    def x_of(n: float) -> float:
        return round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * n / n_max, 1)

    step = max(1, n_max // FUNNEL_SAMPLES)
    limits = funnel_limits_many(p0, range(1, n_max + 1, step))
    curves = {
        name: " ".join(f"{x_of(limit.n)},{_plot_y(getattr(limit, name))}" for limit in limits)
        for name in ("low_95", "high_95", "low_998", "high_998")
    }
    points, rows = [], []
    ordered = sorted(measured.items(), key=lambda item: labels.get(item[0], ""))
    at_n = funnel_limits_many(p0, [figure.n for _, figure in ordered])
    for (pk, figure), limit in zip(ordered, at_n, strict=True):
        share = figure.value
        where = ""
        if not degenerate:
            position = funnel_position(figure.k, figure.n, p0)
            where = POSITIONS[position.split()[0]] + (
                f" ({position.split()[1]})" if " " in position else ""
            )
        points.append(
            {
                "x": x_of(figure.n),
                "y": _plot_y(share),
                "mark": marks.get(pk, "?"),
                "label_x": x_of(figure.n) + 8,
                "label_y": _plot_y(share) + 4,
                "small": _small(figure.n),
                "is_viewer": pk == viewer_id,
            }
        )
        rows.append(
            {
                "mark": marks.get(pk, "?"),
                "clinician": labels.get(pk, ""),
                "k": figure.k,
                "n": figure.n,
                "percent": f"{figure.percent:.0f}%",
                "limits_95": "—"
                if degenerate
                else f"{100 * limit.low_95:.0f}% to {100 * limit.high_95:.0f}%",
                "limits_998": "—"
                if degenerate
                else f"{100 * limit.low_998:.0f}% to {100 * limit.high_998:.0f}%",
                "where": where,
                "small": _small(figure.n),
            }
        )
    return {
        "key": key,
        "title": title,
        "empty": False,
        "width": PLOT_WIDTH,
        "height": PLOT_HEIGHT,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "top": PLOT_TOP,
        "bottom": PLOT_BOTTOM,
        "department_y": _plot_y(p0),
        "department": f"{100 * p0:.0f}% ({department.k} of {department.n})",
        "curves": curves,
        "no_limits": no_limits,
        "grid": [{"value": v, "y": _plot_y(v / 100)} for v in (0, 25, 50, 75, 100)],
        "ticks": [
            {"value": v, "x": x_of(v)} for v in (0, n_max // 4, n_max // 2, 3 * n_max // 4, n_max)
        ],
        "tick_y": PLOT_BOTTOM + 18,
        "axis_label_y": PLOT_BOTTOM + 36,
        "legend_y": PLOT_BOTTOM + 62,
        "legend_y2": PLOT_BOTTOM + 82,
        "points": points,
        "rows": rows,
    }


def run_chart(quarters: list[Quarter]) -> dict:
    """Adherence (after "Repeat vertebroplasty indicated") and relief by quarter of the
    assessment date, each point with its n."""
    if not quarters:
        return {"empty": True}
    count = len(quarters)
    span = PLOT_RIGHT - PLOT_LEFT - 40

    def x_of(index: int) -> float:
        return round(PLOT_LEFT + 20 + (span * index / (count - 1) if count > 1 else span / 2), 1)

    series = []
    for key, name, colour, dash in (
        ("adherence", "Clinician adherence after “indicated”", "#0d47a1", ""),
        ("relief", "Relief at 1 month", "#b35900", "6 4"),
    ):
        points = []
        # The line breaks at a quarter without data: one polyline per run of quarters.
        lines: list[list[str]] = [[]]
        for index, quarter in enumerate(quarters):
            figure = getattr(quarter, key)
            if figure.value is None:
                if lines[-1]:
                    lines.append([])
                continue
            y = _plot_y(figure.value)
            points.append(
                {
                    "x": x_of(index),
                    "y": y,
                    "n": figure.n,
                    "small": _small(figure.n),
                    # Adherence labels above the point, relief labels below: they never meet.
                    "n_y": y - 9 if key == "adherence" else y + 18,
                }
            )
            lines[-1].append(f"{x_of(index)},{y}")
        rates = sorted(getattr(q, key).value for q in quarters if getattr(q, key).value is not None)
        median = None
        if rates:
            middle = len(rates) // 2
            median = rates[middle] if len(rates) % 2 else (rates[middle - 1] + rates[middle]) / 2
        series.append(
            {
                "key": key,
                "name": name,
                "colour": colour,
                "dash": dash,
                "points": points,
                "lines": [" ".join(line) for line in lines if len(line) > 1],
                "median_y": _plot_y(median) if median is not None else None,
                "median": f"{100 * median:.0f}%" if median is not None else "—",
            }
        )
    # Label every quarter when they fit, else every other one.
    every = 1 if count <= 8 else 2
    return {
        "empty": False,
        "width": PLOT_WIDTH,
        "height": PLOT_HEIGHT,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "top": PLOT_TOP,
        "bottom": PLOT_BOTTOM,
        "grid": [{"value": v, "y": _plot_y(v / 100)} for v in (0, 25, 50, 75, 100)],
        "labels": [
            {"x": x_of(index), "text": quarter.label}
            for index, quarter in enumerate(quarters)
            if index % every == 0
        ],
        "tick_y": PLOT_BOTTOM + 18,
        "legend_y": PLOT_BOTTOM + 50,
        "legend_y2": PLOT_BOTTOM + 72,
        "series": series,
    }
