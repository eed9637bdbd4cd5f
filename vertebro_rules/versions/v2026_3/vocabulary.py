"""The vocabulary of rules version 2026.3 (docs/specification.md §1, §3, §4, §6).

Values are the spec's codes (the interface of `evaluate`, the model, the
forms and every export); labels are the words a clinician reads. Each
vocabulary is an `enum.StrEnum`, so a member is equal to its code; the
Django side takes `Vocabulary.choices` (value, label pairs) for its fields.
"""

import enum
from collections.abc import Iterable
from typing import Self, cast


class VocabularyType(enum.EnumType):
    """Class-level views of a vocabulary: its codes and its (code, label) pairs."""

    def _members(cls) -> "list[Vocabulary]":
        return list(cast("Iterable[Vocabulary]", cls))

    @property
    def values(cls) -> list[str]:
        return [str(member.value) for member in cls._members()]

    @property
    def labels(cls) -> list[str]:
        return [member.label for member in cls._members()]

    @property
    def choices(cls) -> list[tuple[str, str]]:
        return [(str(member.value), member.label) for member in cls._members()]


class Vocabulary(enum.StrEnum, metaclass=VocabularyType):
    """A code of the spec with the label a clinician reads (the code when none is given)."""

    label: str

    def __new__(cls, value: str, label: str | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = value if label is None else label
        return member


class Sex(Vocabulary):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class VertebralLevel(Vocabulary):
    T1 = "T1"
    T2 = "T2"
    T3 = "T3"
    T4 = "T4"
    T5 = "T5"
    T6 = "T6"
    T7 = "T7"
    T8 = "T8"
    T9 = "T9"
    T10 = "T10"
    T11 = "T11"
    T12 = "T12"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"
    L5 = "L5"


class FractureEtiology(Vocabulary):
    OSTEOPOROTIC = "osteoporotic", "Osteoporotic"
    NEOPLASTIC = "neoplastic", "Neoplastic"
    TRAUMATIC = "traumatic", "Traumatic"
    OTHER = "other", "Other"


class InitialResponse(Vocabulary):
    NO_RELIEF = "no_relief", "No relief after the index procedure"
    PARTIAL_RELIEF = (
        "partial_relief",
        "Partial relief: the pain at the treated level improved but persists",
    )
    RELIEF_THEN_RECURRENCE = "relief_then_recurrence", "Relief, then recurrence of pain"
    ONGOING_RELIEF = "ongoing_relief", "Ongoing relief at the treated level"


class Mobility(Vocabulary):
    INDEPENDENT = "independent", "Independent"
    LIMITED = "limited", "Limited"
    BED_BOUND = "bed_bound", "Bed-bound"


class Analgesics(Vocabulary):
    NONE = "none", "None"
    NON_OPIOID = "non_opioid", "Non-opioid"
    OPIOID = "opioid", "Opioid"


class FractureLocation(Vocabulary):
    TREATED_LEVEL = "treated_level", "At the treated level"
    ADJACENT_LEVEL = "adjacent_level", "At an adjacent level"
    NON_ADJACENT_LEVEL = "non_adjacent_level", "At a non-adjacent level"
    NONE_IDENTIFIED = "none_identified", "No active fracture identified"


class Finding(Vocabulary):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    INDETERMINATE = "indeterminate", "Indeterminate"


class CementFill(Vocabulary):
    ADEQUATE = "adequate", "Adequate"
    INADEQUATE = "inadequate", "Inadequate (incomplete filling or cement missing the fracture)"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class Tenderness(Vocabulary):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    NOT_EXAMINED = "not_examined", "Not examined"


class NeuroExam(Vocabulary):
    NORMAL = "normal", "Normal"
    CHRONIC_STABLE_DEFICIT = "chronic_stable_deficit", "Chronic, stable deficit"
    NEW_DEFICIT = "new_deficit", "New deficit"
    NOT_DOCUMENTED = "not_documented", "Not documented"


class VertebralInfection(Vocabulary):
    NOT_ASSESSED = "not_assessed", "Not assessed"
    EXCLUDED = "excluded", "Excluded"
    ACTIVE = "active", "Active"
    RESOLVED = "resolved", "Resolved"


class Contraindication(Vocabulary):
    ACTIVE_INFECTION = "active_infection", "Active infection"
    UNCORRECTABLE_COAGULOPATHY = "uncorrectable_coagulopathy", "Uncorrectable coagulopathy"
    CEMENT_ALLERGY = "cement_allergy", "Allergy to cement (PMMA) components"
    CANAL_COMPROMISE = (
        "canal_compromise",
        "Spinal canal compromise (retropulsion, posterior wall defect)",
    )


class Scenario(Vocabulary):
    """§3, with the labels the chart prints beside the headline."""

    NO_CURRENT_PAIN = "no_current_pain", "No current pain"
    ADJACENT_LEVEL_FRACTURE = "adjacent_level_fracture", "New fracture at an adjacent level"
    NON_ADJACENT_FRACTURE = "non_adjacent_fracture", "New fracture at a non-adjacent level"
    TREATED_LEVEL_RELIEVED = "treated_level_relieved", "Treated level still relieved"
    TOO_EARLY = "too_early", "Too early to judge (before day 4)"
    IMMEDIATE_FAILURE = "immediate_failure", "Failure of the index procedure (days 4–32)"
    PERSISTENT_PAIN = (
        "persistent_pain",
        "Failure of the index procedure, persisting beyond day 32",
    )
    DELAYED_RECURRENCE = "delayed_recurrence", "Recurrence after a pain-free interval"


class Recommendation(Vocabulary):
    """§6, with the labels the chart prints beside each value."""

    URGENT_REFERRAL = "urgent_referral", "Urgent referral"
    EXCLUDE_INFECTION = "exclude_infection", "Exclude infection of the treated vertebra"
    MANAGE_INFECTION = "manage_infection", "Treat the infection of the treated vertebra"
    ASSESS_COMPLICATION = "assess_complication", "Assess for a procedural complication now"
    REASSESS_LATER = "reassess_later", "Reassess later"
    REFER_ONCOLOGY_MDT = "refer_oncology_mdt", "Refer to the spine-oncology MDT"
    NOT_INDICATED = "not_indicated", "Repeat vertebroplasty not indicated"
    EVALUATE_NEW_LEVEL = "evaluate_new_level", "Evaluate the new fracture level"
    COMPLETE_WORKUP = "complete_workup", "Complete the work-up"
    CONTINUE_CONSERVATIVE = "continue_conservative", "Continue conservative therapy"
    DECIDE_WITH_SPINE_TEAM = "decide_with_spine_team", "Decide with the spine team"
    CONTRAINDICATED = "contraindicated", "Contraindicated"
    REPEAT_INDICATED = "repeat_indicated", "Repeat vertebroplasty indicated"
    REPEAT_MAY_BE_CONSIDERED = "repeat_may_be_considered", "Repeat vertebroplasty may be considered"


class WorkupItem(Vocabulary):
    """Work-up items of §4.1, in the spec's order (R6 prints its own words, with the level)."""

    MRI = "mri", "MRI of the spine"
    MRI_FINDINGS = "mri_findings", "A definite, consistent MRI reading"
    PAIN_COURSE = "pain_course", "Confirmation of the course of pain"
    POINT_TENDERNESS = "point_tenderness", "Examination for point tenderness at the treated level"
    NEURO_EXAM = "neuro_exam", "A neurological examination"
    CEMENT_IMAGING = "cement_imaging", "CT or radiographs of the index cement fill"
