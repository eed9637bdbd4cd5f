"""Geometry of the dashboard's SVG charts, computed here so that templates only draw.

Each chart is drawn on the server (no script), with its data table beside it
in the page for screen readers; the same markup prints in the PDF.
"""

from dataclasses import dataclass

from . import published
from .audit import Audit
from .stats import Mean, Rate

# VAS chart: 0–10 upwards, three time points.
VAS_WIDTH, VAS_HEIGHT = 520, 260
VAS_TOP, VAS_BOTTOM, VAS_LEFT, VAS_RIGHT = 20, 220, 60, 500
VAS_X = (130, 290, 450)

# Rates chart: 0–100% across, one row per rate.
RATE_WIDTH, RATE_LEFT, RATE_RIGHT = 560, 230, 540
RATE_ROW, RATE_TOP = 34, 28


def _vas_y(value: float) -> float:
    clamped = min(max(value, 0.0), 10.0)
    return round(VAS_BOTTOM - (VAS_BOTTOM - VAS_TOP) * clamped / 10, 1)


@dataclass(frozen=True)
class VasPoint:
    x: int
    label: str
    department: Mean
    published: published.Published
    y: float | None
    low_y: float | None
    high_y: float | None
    published_y: float


def vas_chart(result: Audit) -> dict:
    times = (
        ("Before", result.vas_before, published.VAS_BEFORE),
        ("1 month", result.vas_1_month, published.VAS_1_MONTH),
        ("3 months", result.vas_3_months, published.VAS_3_MONTHS),
    )
    points = []
    for x, (label, figure, reference) in zip(VAS_X, times, strict=True):
        has_value = figure is not None and figure.value is not None
        has_interval = has_value and figure.low is not None
        points.append(
            VasPoint(
                x=x,
                label=label,
                department=figure,
                published=reference,
                y=_vas_y(figure.value) if has_value else None,
                low_y=_vas_y(figure.low) if has_interval else None,
                high_y=_vas_y(figure.high) if has_interval else None,
                published_y=_vas_y(reference.low),
            )
        )
    drawn = [p for p in points if p.y is not None]
    return {
        "width": VAS_WIDTH,
        "height": VAS_HEIGHT,
        "left": VAS_LEFT,
        "right": VAS_RIGHT,
        "bottom": VAS_BOTTOM,
        "grid": [{"value": v, "y": _vas_y(v)} for v in (0, 2, 4, 6, 8, 10)],
        "points": points,
        "department_line": " ".join(f"{p.x},{p.y}" for p in drawn),
        "published_line": " ".join(f"{p.x},{p.published_y}" for p in points),
    }


def _rate_x(percent: float) -> float:
    clamped = min(max(percent, 0.0), 100.0)
    return round(RATE_LEFT + (RATE_RIGHT - RATE_LEFT) * clamped / 100, 1)


def rate_chart(rows: list[tuple[str, Rate, published.Published | None]]) -> dict:
    drawn = []
    for index, (label, figure, reference) in enumerate(rows):
        y = RATE_TOP + index * RATE_ROW
        has_value = figure is not None and figure.value is not None
        row = {
            "label": label,
            "y": y,
            "text_y": y + 4,
            "x": _rate_x(figure.percent) if has_value else None,
            "low_x": _rate_x(figure.low_percent) if has_value else None,
            "high_x": _rate_x(figure.high_percent) if has_value else None,
            "reference": reference,
            "band": None,
            "line_x": None,
        }
        if reference is not None:
            if reference.is_range and not reference.upper_bound:
                low, high = _rate_x(reference.low), _rate_x(reference.high)
                row["band"] = {"x": low, "width": round(high - low, 1), "y": y - 10}
            else:
                row["line_x"] = _rate_x(reference.high)
        drawn.append(row)
    height = RATE_TOP + RATE_ROW * len(rows) + 10
    return {
        "width": RATE_WIDTH,
        "height": height,
        "left": RATE_LEFT,
        "right": RATE_RIGHT,
        "axis_y": height - 14,
        "ticks": [{"value": v, "x": _rate_x(v)} for v in (0, 25, 50, 75, 100)],
        "rows": drawn,
    }
