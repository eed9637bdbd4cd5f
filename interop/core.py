"""The clinical core as the interoperability layer sees it: one place to import it from.

Everything FHIR and CDS Hooks say about the inputs (fields, kinds, ranges,
codes, labels), the rules version and the guidance comes from here, so that
the Questionnaire and the imports follow the one definition of the inputs.
"""

from assessments.questionnaire.steps import STEPS
from vertebro_rules import inputs, validation
from vertebro_rules import vocabulary as choices
from vertebro_rules.references import REFERENCES
from vertebro_rules.rules import RULES_VERSION, evaluate

FIELDS = inputs.FIELDS
FIELDS_BY_NAME = inputs.FIELDS_BY_NAME
InvalidInput = validation.InvalidInput
validate_values = validation.validate_values
to_inputs = validation.to_inputs
missing_inputs = validation.missing_inputs
cross_field_errors = validation.cross_field_errors

Recommendation = choices.Recommendation
WorkupItem = choices.WorkupItem
VertebralLevel = choices.VertebralLevel
Sex = choices.Sex

__all__ = [
    "FIELDS",
    "FIELDS_BY_NAME",
    "REFERENCES",
    "RULES_VERSION",
    "STEPS",
    "InvalidInput",
    "Recommendation",
    "Sex",
    "VertebralLevel",
    "WorkupItem",
    "cross_field_errors",
    "evaluate",
    "field_kind",
    "labels_of",
    "missing_inputs",
    "step_title",
    "to_inputs",
    "validate_values",
]


# The FHIR-facing name of each kind of input (by exact class).
_KIND_NAMES = {
    inputs.TextInput: "text",
    inputs.IntegerInput: "integer",
    inputs.DecimalInput: "decimal",
    inputs.DateInput: "date",
    inputs.BooleanInput: "boolean",
    inputs.ChoiceInput: "choice",
    inputs.MultipleChoiceInput: "choices",
}


def field_kind(spec) -> str:
    """The kind of an input field: text, integer, decimal, date, boolean, choice or choices."""
    return _KIND_NAMES[type(spec)]


def labels_of(rules_version: str):
    """The vocabulary (codes and labels) of a guidance's own rules version."""
    from assessments import rules_versions

    return rules_versions.vocabulary_of(rules_version)


def step_title(number: int) -> str:
    return next(step.title for step in STEPS if step.number == number)
