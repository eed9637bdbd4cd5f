"""The words the audit prints for the codes it groups by: recommendations, scenarios,
etiologies and deciding rules.

A service lead reads the audit page and its PDF, not the rules' internals: no rule id
(R10) and no stored value (`exclude_infection`) is printed. Labels come from the newest
rules version's vocabulary, whose codes include those of every earlier version (an
assessment decided under 2026.2 is counted under the same words as one decided under
2026.3). A rule id means the same thing in every rules version (docs/specification.md §4),
so each has one short phrase: why the rule decided, in the terms of §4's "fires when"
column.
"""

from assessments.rules_versions import newest_vocabulary
from vertebro_lib.codes import label

# Why each rule decided, in a few words (§4 "fires when"; R8 is 2026.2's, retired since).
RULE_WORDS = {
    "R1": "new neurological deficit",
    "R2": "contraindication to the procedure",
    "R3": "no current pain, or the treated level still relieved",
    "R4": "too early to judge (before day 4)",
    "R5": "new fracture at another level",
    "R6": "work-up not complete",
    "R7": "no sign of fracture activity on MRI",
    "R8": "point tenderness absent, under the rules before 2026.3",
    "R9": "conservative therapy not yet long enough",
    "R10": "failed index procedure, with inadequate fill or a cleft",
    "R11": "failed index procedure",
    "R12": "intravertebral cleft on MRI",
    "R13": "fracture activity on MRI, no definite cleft",
    "R14": "mild pain",
    "R15": "fracture not osteoporotic",
    "R16": "suspected complication of the procedure",
    "R17": "infection of the treated vertebra, suspected or active",
    "R18": "neoplastic fracture",
    "R19": "partial relief only",
    "R20": "pain controlled on opioids",
    "R21": "point tenderness absent, imaging points to the level",
    "R22": "MRI not possible",
    "R23": "medical therapy failed within the first 6 weeks",
}
# A rule this list does not know (a record altered by hand): said so, never its id.
UNKNOWN_RULE = "deciding rule not recorded"


def rule_words(rule: str) -> str:
    return RULE_WORDS.get(rule, UNKNOWN_RULE)


def recommendation_label(code: str) -> str:
    return label(newest_vocabulary().Recommendation, code)


def scenario_label(code: str) -> str:
    return label(newest_vocabulary().Scenario, code) if code else "Not recorded"


def etiology_label(code: str) -> str:
    return label(newest_vocabulary().FractureEtiology, code) if code else "Not recorded"


def recommendation_choices():
    return newest_vocabulary().Recommendation.choices


def scenario_choices():
    return newest_vocabulary().Scenario.choices


def etiology_choices():
    return newest_vocabulary().FractureEtiology.choices
