"""Rules version 2026.3: its inputs, validation, rules and guidance so far, as one API.

The names below are what every rules version offers (`vertebro_rules.versions.RulesVersion`).
"""

from . import vocabulary as vocabulary
from .guidance import Guidance as Guidance
from .inputs import FIELDS as FIELDS
from .inputs import FIELDS_BY_NAME as FIELDS_BY_NAME
from .inputs import INPUT_FIELD_NAMES as INPUT_FIELD_NAMES
from .inputs import MRI_FIELDS as MRI_FIELDS
from .inputs import MRI_ONLY_FIELDS as MRI_ONLY_FIELDS
from .inputs import Inputs as Inputs
from .inputs import fields_of_step as fields_of_step
from .progress import Progress as Progress
from .progress import RedFlag as RedFlag
from .progress import progress as progress
from .references import REFERENCES as REFERENCES
from .rules import NEXT_STEPS_LINE as NEXT_STEPS_LINE
from .rules import RULES_VERSION as RULES_VERSION
from .rules import WORKUP_COMPLETE_RULES as WORKUP_COMPLETE_RULES
from .rules import evaluate as evaluate
from .validation import cross_field_errors as cross_field_errors
from .validation import missing_inputs as missing_inputs
from .validation import red_flag_lines as red_flag_lines
from .validation import to_inputs as to_inputs
from .validation import validate_case as validate_case
from .validation import validate_values as validate_values

# Every rule, note, warning, next step and text of this version is implemented.
COMPLETE = True
