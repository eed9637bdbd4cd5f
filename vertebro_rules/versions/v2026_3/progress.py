"""What a draft's answers already decide, and what they still need (the "guidance so far"),
under rules version 2026.3.

The questionnaire shows it from step 2 on. It is computed from the saved
answers with the same scenario table (§3), the same red-flag calculations (§2,
`flags`) and, once every input is given, the same validate-then-evaluate path as
the result, so it never disagrees with the result:

- A red flag (§6) is shown as soon as the answers its rule reads are saved and
  valid, whatever else is still missing or refused: R1 once a new deficit is
  saved, R17 once `infection_flag` holds, R16 once `complication_flag` holds
  (`vertebral_infection` counts as not assessed and `complication_assessed` as
  false until Step 4 is saved). It carries the rule's headline and next step,
  or the §8 line where the headline needs an answer not yet saved.
- The scenario is shown once the pain timeline is answered. Before the MRI is
  answered, a new fracture at another level could still change it (§3 checks
  those scenarios first), so the scenario is then "provisional".
- Once every required input is given and valid, the guidance is the result's.

Plain Python like the rest of the core; `today` is the caller's clock.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import flags, rules, validation
from .guidance import Guidance
from .inputs import MRI_DONE, MRI_ONLY_FIELDS, fields_of_step, is_blank
from .vocabulary import (
    FractureEtiology,
    FractureLocation,
    InitialResponse,
    Recommendation,
    VertebralInfection,
)

# Inputs the scenario table reads besides the MRI's location of the active fracture.
SCENARIO_INPUTS = ("index_procedure_date", "assessment_date", "initial_response", "vas_current")

# The groups "still needed" names, in questionnaire order: (words, fields).
NEEDED_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("patient and index procedure", fields_of_step(1)),
    ("pain timeline", fields_of_step(2)),
    ("MRI findings", (MRI_DONE.field, *MRI_ONLY_FIELDS)),
    (
        "cement fill on CT",
        tuple(name for name in fields_of_step(3) if name not in {MRI_DONE.field, *MRI_ONLY_FIELDS}),
    ),
    ("examination", fields_of_step(4)),
)


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A red flag raised by the answers so far (§6): its rule, recommendation, headline
    and next step."""

    rule: str
    recommendation: str
    headline: str
    next_step: str


@dataclass(frozen=True, slots=True)
class Progress:
    """What the answers so far decide.

    `red_flag` is set as soon as a red flag's answers are saved and valid (the
    first of R1, R17, R16, in the order of §4). `scenario` is None until the
    pain timeline is answered; `provisional` is True while an MRI finding still
    to come could change it. `guidance` is set once every input is given and
    valid; `invalid` names the inputs to correct when every input is given but
    some are refused.
    """

    scenario: str | None
    provisional: bool
    days_since_index: int | None
    days_to_recurrence: int | None
    still_needed: tuple[str, ...]
    guidance: Guidance | None
    invalid: tuple[str, ...]
    red_flag: RedFlag | None = None


def progress(values: Mapping[str, Any], *, today: date) -> Progress:
    """What `values` (a draft's answers by field name, typed) already decide."""
    missing = set(validation.missing_inputs(values))
    still_needed = tuple(words for words, fields in NEEDED_GROUPS if missing.intersection(fields))
    errors = validation.field_errors(values, today=today)
    valid = {
        name: value for name, value in values.items() if name not in errors and not is_blank(value)
    }
    scenario, provisional, days_since_index, days_to_recurrence = _scenario_so_far(valid)
    guidance = None
    invalid: tuple[str, ...] = ()
    if not missing:
        if errors:
            invalid = tuple(errors)
        else:
            guidance = rules.evaluate(validation.to_inputs(values))
            scenario, provisional = guidance.scenario, False
    return Progress(
        scenario=scenario,
        provisional=provisional,
        days_since_index=days_since_index,
        days_to_recurrence=days_to_recurrence,
        still_needed=still_needed,
        guidance=guidance,
        invalid=invalid,
        red_flag=red_flag(valid),
    )


def red_flag(valid: Mapping[str, Any]) -> RedFlag | None:
    """The first red flag (R1, R17, R16) that the valid answers in `valid` raise, or None."""
    deficit, infection, complication = flags.raised(valid)
    level = valid.get("treated_level")
    if deficit:
        return RedFlag(
            "R1",
            Recommendation.URGENT_REFERRAL,
            rules.r1_headline(level) if level else flags.NEW_DEFICIT_LINE,
            rules.s1_text(neoplastic=valid.get("fracture_etiology") == FractureEtiology.NEOPLASTIC),
        )
    if infection:
        if valid.get("vertebral_infection") == VertebralInfection.ACTIVE:
            return RedFlag(
                "R17",
                Recommendation.MANAGE_INFECTION,
                rules.r17_headline(level, active=True) if level else flags.INFECTION_LINE,
                rules.S28_TEXT,
            )
        return RedFlag(
            "R17",
            Recommendation.EXCLUDE_INFECTION,
            rules.r17_headline(level, active=False) if level else flags.INFECTION_LINE,
            rules.s2_text(level) if level else flags.INFECTION_LINE,
        )
    if complication:
        vas_current = valid.get("vas_current")
        days = flags.days_between(valid, "index_procedure_date", "assessment_date")
        returned = flags.recurrence_flag(valid.get("initial_response"), vas_current, days)
        day = flags.days_between(valid, "index_procedure_date", "recurrence_date")
        headline = flags.COMPLICATION_LINE
        if level and (not returned or day is not None):
            headline = rules.r16_headline(
                level,
                returned_on_day=day if returned else None,
                severe=vas_current is not None and vas_current >= flags.SEVERE_PAIN_VAS,
            )
        return RedFlag(
            "R16",
            Recommendation.ASSESS_COMPLICATION,
            headline,
            rules.s3_text(level) if level else flags.COMPLICATION_LINE,
        )
    return None


def _scenario_so_far(
    values: Mapping[str, Any],
) -> tuple[str | None, bool, int | None, int | None]:
    """(scenario, provisional, days since index, days to recurrence), or Nones if undecided."""
    if any(is_blank(values.get(name)) for name in SCENARIO_INPUTS):
        return None, False, None, None
    pain_returned = values["initial_response"] == InitialResponse.RELIEF_THEN_RECURRENCE
    if pain_returned and is_blank(values.get("recurrence_date")):
        return None, False, None, None
    days_since_index = (values["assessment_date"] - values["index_procedure_date"]).days
    days_to_recurrence = (
        (values["recurrence_date"] - values["index_procedure_date"]).days if pain_returned else None
    )
    index_failure = rules.is_index_failure(values["initial_response"], days_to_recurrence)

    def scenario_with(location: str | None) -> str:
        return rules.scenario_for(
            values["vas_current"],
            location,
            values["initial_response"],
            index_failure,
            days_since_index,
        )

    if values.get(MRI_DONE.field) is False:
        # No MRI: no location (§1: the MRI findings apply only once an MRI was done).
        return scenario_with(None), False, days_since_index, days_to_recurrence
    location = values.get("active_fracture_location")
    if not is_blank(location):
        return scenario_with(location), False, days_since_index, days_to_recurrence
    # Not known yet: the scenario if the MRI shows no new fracture at another level, and
    # whether any location the MRI could show would change it.
    assumed = scenario_with(FractureLocation.NONE_IDENTIFIED)
    possible = {scenario_with(location) for location in (None, *FractureLocation)}
    return assumed, possible != {assumed}, days_since_index, days_to_recurrence
