"""The red flags of §2 (rules version 2026.3), each calculated in one place.

The rules (`rules.derive`), the red-flag lines of a refused case (§8) and the
guidance so far (§6) all read these functions, so a red flag shown before the
questionnaire is complete is the one the result will decide on. Each takes the
answers it reads, any of which may still be unknown (None) in a draft or a
refused case: a flag holds only when the known answers make it hold.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from .vocabulary import Analgesics, Contraindication, InitialResponse, NeuroExam, VertebralInfection

# §2 local policy: the first six weeks, severe pain, a worsening of 2 points, day 4.
COMPLICATION_WINDOW_DAYS = 42
SEVERE_PAIN_VAS = 7
WORSENING_POINTS = 2
FIRST_DAY_TO_JUDGE = 4


def infection_recorded(contraindications: Any, infection_signs: bool | None) -> bool:
    """§2: active infection among the contraindications, or signs of infection."""
    return bool(infection_signs) or Contraindication.ACTIVE_INFECTION in (contraindications or ())


def infection_flag(
    recorded: bool,
    vertebral_infection: str | None,
    vas_current: int | None,
    analgesics: str | None,
) -> bool:
    """§2: infection with pain (or pain possibly masked by opioids) not yet assessed, or an
    active infection of the treated vertebra. An empty `vertebral_infection` is `not_assessed`."""
    status = vertebral_infection or VertebralInfection.NOT_ASSESSED
    if status == VertebralInfection.ACTIVE:
        return True
    return (
        recorded
        and status == VertebralInfection.NOT_ASSESSED
        and ((vas_current is not None and vas_current >= 1) or analgesics == Analgesics.OPIOID)
    )


def pain_worse(vas_before_index: int | None, vas_current: int | None) -> bool:
    """§2: the pain is at least 2 points worse than before the index procedure."""
    return (
        vas_before_index is not None
        and vas_current is not None
        and vas_current >= vas_before_index + WORSENING_POINTS
    )


def recurrence_flag(
    initial_response: str | None, vas_current: int | None, days_since_index: int | None
) -> bool:
    """§2: pain back after relief, severe, or within the first 3 days."""
    return (
        initial_response == InitialResponse.RELIEF_THEN_RECURRENCE
        and vas_current is not None
        and vas_current >= 1
        and (
            vas_current >= SEVERE_PAIN_VAS
            or (days_since_index is not None and days_since_index < FIRST_DAY_TO_JUDGE)
        )
    )


def complication_flag(
    complication_assessed: bool | None,
    days_since_index: int | None,
    worse: bool,
    recurrence: bool,
) -> bool:
    """§2: new or worse pain in the first 42 days, not yet assessed for a complication."""
    return (
        not complication_assessed
        and days_since_index is not None
        and days_since_index <= COMPLICATION_WINDOW_DAYS
        and (worse or recurrence)
    )


# §8: the lines printed before a refused case's field messages, in this order.
NEW_DEFICIT_LINE = (
    "RED FLAG: a new neurological deficit is recorded: urgent referral does not wait for the "
    "corrections below."
)
INFECTION_LINE = (
    "RED FLAG: infection with pain is recorded: exclusion or treatment of infection of the "
    "treated vertebra does not wait for the corrections below."
)
COMPLICATION_LINE = (
    "RED FLAG: new or worse pain after the index procedure is recorded: assessment for a "
    "complication does not wait for the corrections below."
)


def days_between(values: Mapping[str, Any], start: str, end: str) -> int | None:
    first, last = values.get(start), values.get(end)
    if isinstance(first, date) and isinstance(last, date):
        return (last - first).days
    return None


def raised(values: Mapping[str, Any]) -> tuple[bool, bool, bool]:
    """(new deficit, infection_flag, complication_flag) on the answers in `values` (typed,
    each valid; an answer not given is unknown, or its §1 meaning when absent)."""
    vas_current = values.get("vas_current")
    days = days_between(values, "index_procedure_date", "assessment_date")
    infection = infection_flag(
        infection_recorded(values.get("contraindications"), values.get("infection_signs")),
        values.get("vertebral_infection"),
        vas_current,
        values.get("analgesics"),
    )
    complication = complication_flag(
        values.get("complication_assessed"),
        days,
        pain_worse(values.get("vas_before_index"), vas_current),
        recurrence_flag(values.get("initial_response"), vas_current, days),
    )
    return values.get("neuro_exam") == NeuroExam.NEW_DEFICIT, infection, complication


def lines(values: Mapping[str, Any]) -> list[str]:
    """§8: the red-flag lines the (valid) answers in `values` raise, in the spec's order."""
    deficit, infection, complication = raised(values)
    return [
        line
        for holds, line in (
            (deficit, NEW_DEFICIT_LINE),
            (infection, INFECTION_LINE),
            (complication, COMPLICATION_LINE),
        )
        if holds
    ]
