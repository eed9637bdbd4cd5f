"""The Questionnaire's constraints and the core agree: on a grid of answers (dates before,
on and after each other, each course of pain, weeks of therapy, MRI done or not with and
without findings, each fracture location with each edema and cleft reading), FHIRPath
(fhirpathpy) evaluates every questionnaire-constraint of a rules version's Questionnaire on
the response, and the response breaks some constraint exactly when the version's core
(`vertebro_rules`: each date's own check, then the cross-field rules) refuses the answers.

"Required when …" refusals are left out on the core's side: the Questionnaire says those
with `enableWhen` and `required`, which a form filler enforces, not with a constraint.
"""

import itertools
from datetime import date, timedelta

import pytest

from interop.fhir.common import field_kind
from interop.fhir.questionnaire import build_questionnaire
from interop.fhir.response import answers_items
from tests.factories import valid_inputs
from vertebro_rules import versions

from .fhir_invariants import constraint_results

pytestmark = pytest.mark.django_db

# FHIRPath's today() is the machine's date: the core is asked with the same day.
TODAY = date.today()
INDEX = TODAY - timedelta(days=120)
REQUIRED_WHEN = "Required when"


def core_refusals(rules, values: dict) -> dict[str, list[str]]:
    """What the core refuses of `values`: each date's own check, then the cross-field rules,
    without the "required when" refusals."""
    errors: dict[str, list[str]] = {}
    for spec in rules.FIELDS:
        value = values.get(spec.name)
        if field_kind(spec) == "date" and value is not None:
            message = spec.check(value, today=TODAY)
            if message:
                errors.setdefault(spec.name, []).append(message)
    for name, messages in rules.cross_field_errors(values, today=TODAY).items():
        kept = [message for message in messages if not message.startswith(REQUIRED_WHEN)]
        if kept:
            errors.setdefault(name, []).extend(kept)
    return errors


def day(offset):
    return None if offset is None else INDEX + timedelta(days=offset)


DATES = [
    # (index date, assessment date, recurrence date), as days from INDEX (None: unanswered)
    (0, 60, None),
    (0, 60, 30),
    (0, 60, 0),
    (0, 60, -5),
    (0, 60, 60),
    (0, 60, 61),
    (0, 0, None),
    (0, -1, None),
    (0, 200, None),  # the assessment date in the future
    (-20000, 60, None),  # an index date before 1985
    (200, 260, None),  # both in the future
]
WEEKS = [None, 0, 4, 9]
MRI = [
    # mri performed, location, edema, cleft, fluid
    (True, "treated_level", "present", "absent", False),
    (True, "treated_level", "absent", "absent", False),
    (True, "treated_level", "absent", "absent", True),
    (True, "none_identified", "present", "absent", False),
    (True, "none_identified", "absent", "present", False),
    (True, "none_identified", "absent", "absent", True),
    (True, "none_identified", "absent", "absent", False),
    (True, "adjacent_level", "indeterminate", "indeterminate", None),
    (False, None, None, None, None),
    (False, "treated_level", None, None, None),
    (False, None, None, None, True),
]


def grid(version):
    """Answer sets of `version`: each date set with each course of pain the version knows
    and weeks, then each MRI reading with each course (dates valid)."""
    courses = list(versions.get(version).vocabulary.InitialResponse.values)
    base = valid_inputs()
    if version != "2026.2":
        base |= {"analgesics": "non_opioid", "opioid_failure": None}
    for (index, assessment, recurrence), course, weeks in itertools.product(DATES, courses, WEEKS):
        yield base | {
            "index_procedure_date": day(index),
            "assessment_date": day(assessment),
            "recurrence_date": day(recurrence),
            "initial_response": course,
            "conservative_therapy_weeks": weeks,
        }
    for (mri, location, edema, cleft, fluid), course in itertools.product(MRI, courses):
        yield base | {
            "index_procedure_date": day(0),
            "assessment_date": day(60),
            "recurrence_date": day(30) if course == "relief_then_recurrence" else None,
            "initial_response": course,
            "conservative_therapy_weeks": 4 if course == "relief_then_recurrence" else None,
            "mri_performed": mri,
            "active_fracture_location": location,
            "marrow_edema": edema,
            "cleft_sign": cleft,
            "cleft_new_since_index": None,
            "fluid_at_cement_interface": fluid,
        }


def relevant(rules, values: dict) -> dict:
    """`values` with the weeks of therapy left out where the version does not ask them (2026.3
    asks them after a recurrence only: an answer elsewhere is dropped by enableWhen)."""
    weeks = rules.FIELDS_BY_NAME["conservative_therapy_weeks"].applies_when
    if weeks is not None and not weeks.holds(values):
        return values | {"conservative_therapy_weeks": None}
    return values


@pytest.mark.parametrize("version", versions.VERSIONS)
def test_fhirpath_and_the_core_agree_on_every_answer_set(version, settings):
    settings.VERTEBRO_FHIR_CANONICAL_BASE = "https://vertebro.example.org/fhir"
    rules = versions.get(version)
    questionnaire = build_questionnaire(version)
    disagreements = []
    refused = accepted = 0
    seen = set()
    ever_broken: set[str] = set()
    for values in grid(version):
        values = relevant(rules, values)
        key = tuple(sorted((k, str(v)) for k, v in values.items()))
        if key in seen:
            continue
        seen.add(key)
        response = {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": questionnaire["url"],
            "status": "completed",
            "item": answers_items(values, version=version, only_enabled=False),
        }
        broken = sorted(
            k for k, ok in constraint_results(questionnaire, response).items() if not ok
        )
        ever_broken.update(broken)
        core = core_refusals(rules, values)
        if bool(broken) != bool(core):
            disagreements.append((broken, core, values))
        refused += bool(core)
        accepted += not core
    assert disagreements == [], disagreements[:3]
    # Each constraint is broken by some answer set of the grid, and the grid holds both kinds
    # in numbers: a grid the core always accepts proves nothing.
    assert ever_broken == set(constraint_results(questionnaire, {}))
    assert refused >= 50 and accepted >= 30, (refused, accepted)
