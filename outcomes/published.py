"""The published figures the dashboard sets the department's outcomes beside.

Each figure carries the series it comes from, by its number in the rules'
evidence list (docs/specification.md §7), so that no figure is shown without
its source. Figures are from evidence-summary.txt.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Published:
    text: str  # how the figure is printed, e.g. "13–22%"
    low: float  # the figure, or the lower end of a range (percent for rates)
    high: float  # equal to low for a single figure
    series: str  # which series, in words
    refs: tuple[int, ...]
    upper_bound: bool = False  # "< 1%": the figure is an upper bound, not an estimate

    @property
    def is_range(self) -> bool:
        return self.high != self.low


SERIES_1 = "repeat vertebroplasty for pain unrelieved 4–32 days after the index procedure"
SERIES_2 = "repeat vertebroplasty for recurrent pain, patients with clefts"

VAS_BEFORE = Published("8.6", 8.6, 8.6, SERIES_1, (1,))
VAS_1_MONTH = Published("1.67", 1.67, 1.67, SERIES_1, (1,))
VAS_3_MONTHS = Published("2.8", 2.8, 2.8, SERIES_2, (2,))
RELIEF = Published(
    "100%",
    100,
    100,
    "every patient of two small repeat series (complete or partial relief, as those series "
    "report it)",
    (1, 2),
)
LEAKAGE = Published("13–22%", 13, 22, f"asymptomatic leakage on imaging; {SERIES_1}", (1,))
MAJOR_COMPLICATIONS = Published(
    "< 1%",
    0,
    1,
    "vertebral augmentation for osteoporotic fractures (not specific to repeat procedures)",
    (4,),
    upper_bound=True,
)
CEMENT_REPEAT = Published("6.8 mL", 6.8, 6.8, SERIES_2, (2,))
CEMENT_INDEX = Published("4.2 mL", 4.2, 4.2, SERIES_2, (2,))
NEW_FRACTURE_YEAR = Published(
    "7.8%", 7.8, 7.8, "new symptomatic fractures within a year of vertebroplasty", (6,)
)
ADJACENT_SHARE = Published("58.8–63.8%", 58.8, 63.8, "new fractures after vertebroplasty", (5,))
DAYS_ADJACENT = Published("72 days", 72, 72, "new fractures after vertebroplasty (mean)", (5,))
DAYS_NON_ADJACENT = Published(
    "287 days", 287, 287, "new fractures after vertebroplasty (mean)", (5,)
)
CLEFT = (
    "In the recurrent-pain series, successful repeat vertebroplasty correlated with the "
    "disappearance of the cleft on post-procedure imaging (ref. 2; the evidence summary gives no figure)."
)
