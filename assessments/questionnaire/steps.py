"""The questionnaire's steps (spec §1): the one definition of their titles and fields.

Like pretix's checkout steps, each step is an object that knows its number,
title and fields, whether it is complete for an assessment (from the
model's `missing_inputs()`, so conditional requirements count) and which
step follows it. One function names the first incomplete step, so a later
step is never reached with an earlier one missing; the views ask the steps.
"""

import functools
from dataclasses import dataclass

from assessments import rules_versions
from assessments.models import Assessment


@functools.cache
def _fields_of_step(number: int) -> tuple[str, ...]:
    """The fields of a step in any rules version, in questionnaire order."""
    names: dict[str, None] = {}
    for version in rules_versions.known_versions():
        names.update(dict.fromkeys(rules_versions.edition(version).fields_of_step(number)))
    return tuple(names)


@dataclass(frozen=True, slots=True)
class Step:
    number: int
    title: str
    intro: str

    @property
    def fields(self) -> tuple[str, ...]:
        """The step's fields in any rules version (an assessment asks those of its own)."""
        return _fields_of_step(self.number)

    def fields_for(self, assessment: Assessment) -> tuple[str, ...]:
        """The fields this step asks under the assessment's rules version."""
        return assessment.rules().fields_of_step(self.number)

    @property
    def heading(self) -> str:
        """The step's title with its number, as the admin and the PDF show it."""
        return f"Step {self.number} — {self.title}"

    def is_complete(self, assessment: Assessment | None) -> bool:
        """Every input this step requires (given the other answers) is given."""
        if assessment is None:
            return False
        return self.is_complete_without(set(assessment.missing_inputs()))

    def is_complete_without(self, missing: set[str]) -> bool:
        """Complete when none of `missing` (the assessment's missing inputs) is in this step."""
        return missing.isdisjoint(self.fields)

    def following(self, assessment: Assessment) -> "Step | None":
        """The step to show once this one is saved: an earlier step still incomplete,
        else the next step; None when this was the last (the review comes next)."""
        first_open = first_incomplete_step(assessment)
        if first_open is not None and first_open <= self.number:
            return STEPS_BY_NUMBER[first_open]
        return STEPS_BY_NUMBER.get(self.number + 1)


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "Patient and index procedure",
        "Who the patient is and what was done at the first vertebroplasty.",
    ),
    Step(2, "Pain timeline", "How the pain has evolved since the index procedure."),
    Step(
        3,
        "Imaging",
        "MRI since the pain returned or persisted, and the index cement on CT or radiographs.",
    ),
    Step(
        4,
        "Examination",
        "Clinical examination today and any contraindication to a repeat procedure.",
    ),
)
STEP_NUMBERS = tuple(step.number for step in STEPS)
STEPS_BY_NUMBER = {step.number: step for step in STEPS}


def completed_steps(assessment: Assessment | None) -> frozenset[int]:
    """Numbers of the steps whose required inputs are all given (none for a new assessment)."""
    if assessment is None:
        return frozenset()
    missing = set(assessment.missing_inputs())
    return frozenset(step.number for step in STEPS if step.is_complete_without(missing))


def first_incomplete_step(assessment: Assessment | None) -> int | None:
    """The earliest step still missing an input, or None when every step is complete."""
    done = completed_steps(assessment)
    return next((number for number in STEP_NUMBERS if number not in done), None)


@dataclass(frozen=True, slots=True)
class StepLink:
    """One entry of the step indicator."""

    number: int
    title: str
    complete: bool
    current: bool
    reachable: bool


def indicator(assessment: Assessment | None, *, current: int | str) -> list[StepLink]:
    """The step indicator: every step, which are complete, which one is shown.

    `current` is a step number or "review". A step is reachable (a link) when
    every step before it is complete.
    """
    done = completed_steps(assessment)
    first_open = next((number for number in STEP_NUMBERS if number not in done), None)
    links = [
        StepLink(
            number=step.number,
            title=step.title,
            complete=step.number in done,
            current=step.number == current,
            reachable=assessment is not None and (first_open is None or step.number <= first_open),
        )
        for step in STEPS
    ]
    links.append(
        StepLink(
            number=0,
            title="Review",
            complete=False,
            current=current == "review",
            reachable=assessment is not None and first_open is None,
        )
    )
    return links
