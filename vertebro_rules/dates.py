"""Dates as people read them: "10 Mar 2026", in every message and reason of the core.

Day, abbreviated month and year read the same in every locale, where
10/03/2026 is 10 March to one reader and 3 October to another. The pages say
dates the same way (the Django format module, vertebro_site/formats/en).
Machine formats (the JSON of `evaluate`, FHIR, CSV) keep ISO 8601.

The month names are written out here rather than taken from `strftime("%b")`,
which follows the process locale.
"""

from datetime import date

MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def in_words(day: date) -> str:
    """`day` as "10 Mar 2026": day without a leading zero, month abbreviated, year."""
    return f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"
