"""The vocabulary of the specification (docs/specification.md §1, §3, §4).

Values are the spec's codes (the interface of `evaluate`, the model, the
forms and every export); labels are the words a clinician reads. Each
vocabulary is an `enum.StrEnum`, so a member is equal to its code; the
Django side takes `Vocabulary.choices` (value, label pairs) for its fields.
"""

import enum


class VocabularyType(enum.EnumType):
    """Class-level views of a vocabulary: its codes and its (code, label) pairs."""

    @property
    def values(cls) -> list[str]:
        return [member.value for member in cls]

    @property
    def labels(cls) -> list[str]:
        return [member.label for member in cls]

    @property
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class Vocabulary(enum.StrEnum, metaclass=VocabularyType):
    """A code of the spec with the label a clinician reads (the code when none is given)."""

    label: str

    def __new__(cls, value: str, label: str | None = None):
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


class Contraindication(Vocabulary):
    ACTIVE_INFECTION = "active_infection", "Active infection"
    UNCORRECTABLE_COAGULOPATHY = "uncorrectable_coagulopathy", "Uncorrectable coagulopathy"
    CEMENT_ALLERGY = "cement_allergy", "Allergy to cement (PMMA) components"
    CANAL_COMPROMISE = (
        "canal_compromise",
        "Spinal canal compromise (retropulsion, posterior wall defect)",
    )


class Scenario(Vocabulary):
    NO_CURRENT_PAIN = "no_current_pain", "No current pain"
    ADJACENT_LEVEL_FRACTURE = "adjacent_level_fracture", "New fracture at an adjacent level"
    NON_ADJACENT_FRACTURE = "non_adjacent_fracture", "New fracture at a non-adjacent level"
    TREATED_LEVEL_RELIEVED = (
        "treated_level_relieved",
        "Treated level still relieved (current pain likely from another source)",
    )
    TOO_EARLY = "too_early", "Too early to judge (before day 4)"
    IMMEDIATE_FAILURE = (
        "immediate_failure",
        "Immediate failure of the index procedure (days 4–32)",
    )
    PERSISTENT_PAIN = (
        "persistent_pain",
        "Persistent pain after a failed index procedure (beyond day 32)",
    )
    DELAYED_RECURRENCE = "delayed_recurrence", "Delayed recurrence after relief"


class Recommendation(Vocabulary):
    URGENT_REFERRAL = "urgent_referral", "Urgent referral"
    CONTRAINDICATED = "contraindicated", "Contraindicated"
    NOT_INDICATED = "not_indicated", "Repeat vertebroplasty not indicated"
    REASSESS_LATER = "reassess_later", "Reassess later"
    EVALUATE_NEW_LEVEL = "evaluate_new_level", "Evaluate the new level"
    COMPLETE_WORKUP = "complete_workup", "Complete the work-up"
    CONTINUE_CONSERVATIVE = "continue_conservative", "Continue conservative therapy"
    REPEAT_INDICATED = "repeat_indicated", "Repeat vertebroplasty indicated"
    REPEAT_MAY_BE_CONSIDERED = "repeat_may_be_considered", "Repeat vertebroplasty may be considered"


class WorkupItem(Vocabulary):
    """Work-up items of R6, in the spec's order."""

    MRI = "mri", "MRI of the spine"
    MRI_FINDINGS = "mri_findings", "A definite reading of marrow edema and cleft sign on MRI"
    POINT_TENDERNESS = "point_tenderness", "Examination for point tenderness at the treated level"
    NEURO_EXAM = "neuro_exam", "Baseline neurological examination"
    CEMENT_IMAGING = "cement_imaging", "CT or radiographs of the index cement fill"
