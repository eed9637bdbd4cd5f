"""`vertebro_rules.vocabulary` of rules version 2026.2, where the project has always imported it.

The code lives in `vertebro_rules.versions.v2026_2.vocabulary`; new code selects a rules version
through `vertebro_rules.versions` instead.
"""

from .versions.v2026_2.vocabulary import *  # noqa: F403
