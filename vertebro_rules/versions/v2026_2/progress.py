"""What a draft's answers already decide, and what they still need (the "guidance so far").

The questionnaire shows it from step 2 on. It is computed from the saved
answers with the same scenario table (§3) and, once every input is given, the
same `evaluate` as the result, so it never disagrees with the result:

- The scenario is shown once the pain timeline is answered. Before the MRI is
  answered, a new fracture at another level could still change it (§3 checks
  those scenarios first), so the scenario is then "provisional": it is the one
  that applies unless the MRI shows such a fracture, and says so. An answer
  that decides the scenario whatever the MRI shows (no current pain) makes it
  definite at once.
- Once every required input is given and valid, the guidance is the result's.

Plain Python like the rest of the core; `today` is the caller's clock (the
future-date checks of validation need it).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from . import validation
from .guidance import Guidance
from .inputs import MRI_DONE, MRI_ONLY_FIELDS, fields_of_step, is_blank
from .rules import evaluate, scenario_for
from .vocabulary import FractureLocation, InitialResponse

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
class _ScenarioAnswers:
    """The answers the scenario table reads (§3), the location possibly still assumed."""

    vas_current: int
    initial_response: str
    active_fracture_location: str | None


@dataclass(frozen=True, slots=True)
class Progress:
    """What the answers so far decide.

    `scenario` is None until the pain timeline is answered; `provisional` is
    True while an MRI finding still to come could change it. `guidance` is
    set once every input is given and valid; `invalid` names the inputs to
    correct when every input is given but some are refused.
    """

    scenario: str | None
    provisional: bool
    days_since_index: int | None
    days_to_recurrence: int | None
    still_needed: tuple[str, ...]
    guidance: Guidance | None
    invalid: tuple[str, ...]


def progress(values: Mapping, *, today: date) -> Progress:
    """What `values` (a draft's answers by field name) already decide."""
    missing = set(validation.missing_inputs(values))
    still_needed = tuple(words for words, fields in NEEDED_GROUPS if missing.intersection(fields))
    scenario, provisional, days_since_index, days_to_recurrence = _scenario_so_far(values, missing)
    guidance = None
    invalid: tuple[str, ...] = ()
    if not missing:
        try:
            validation.validate_values(values, today=today)
        except validation.InvalidInput as refusal:
            invalid = tuple(refusal.errors)
        else:
            guidance = evaluate(validation.to_inputs(values))
            scenario, provisional = guidance.scenario, False
    return Progress(
        scenario=scenario,
        provisional=provisional,
        days_since_index=days_since_index,
        days_to_recurrence=days_to_recurrence,
        still_needed=still_needed,
        guidance=guidance,
        invalid=invalid,
    )


def _scenario_so_far(values: Mapping, missing: set[str]):
    """(scenario, provisional, days since index, days to recurrence), or Nones if undecided."""
    if missing.intersection((*SCENARIO_INPUTS, "recurrence_date")):
        return None, False, None, None
    days_since_index = (values["assessment_date"] - values["index_procedure_date"]).days
    recurrence = values.get("recurrence_date")
    pain_returned = values["initial_response"] == InitialResponse.RELIEF_THEN_RECURRENCE
    days_to_recurrence = (
        (recurrence - values["index_procedure_date"]).days
        if pain_returned and recurrence is not None
        else None
    )

    def scenario_with(location) -> str:
        answers = _ScenarioAnswers(
            vas_current=values["vas_current"],
            initial_response=values["initial_response"],
            active_fracture_location=location,
        )
        return scenario_for(answers, days_since_index, days_to_recurrence)

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
