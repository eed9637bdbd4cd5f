"""The vocabulary of procedures and follow-ups (codes are what exports carry)."""

from django.db.models import TextChoices


class Performed(TextChoices):
    YES = "yes", "Yes, performed"
    # Offered by the clinician, not carried out (the reason is `NotDoneReason`).
    NO = "no", "Offered, not done"
    DECLINED = "declined", "Declined by the patient"
    NOT_OFFERED = "not_offered", "Not offered"


class NotDoneReason(TextChoices):
    """Why a repeat procedure offered was not done."""

    UNFIT = "unfit", "Unfit for the procedure"
    DEFERRED = "deferred", "Deferred"
    OTHER = "other", "Other"


class Leakage(TextChoices):
    NONE = "none", "None"
    ASYMPTOMATIC = "asymptomatic", "Asymptomatic"
    SYMPTOMATIC = "symptomatic", "Symptomatic"


class CleftFilled(TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NO_CLEFT = "no_cleft", "No cleft"


class Complications(TextChoices):
    NONE = "none", "None"
    MINOR = "minor", "Minor"
    MAJOR = "major", "Major"


class Interval(TextChoices):
    """The follow-up visits and their distance from the procedure (or assessment), in days."""

    ONE_MONTH = "1m", "1 month"
    THREE_MONTHS = "3m", "3 months"
    TWELVE_MONTHS = "12m", "12 months"


INTERVAL_DAYS = {Interval.ONE_MONTH: 30, Interval.THREE_MONTHS: 91, Interval.TWELVE_MONTHS: 365}


class CleftOnImaging(TextChoices):
    GONE = "gone", "Gone"
    PERSISTS = "persists", "Persists"
    NOT_IMAGED = "not_imaged", "Not imaged"


class NewFracture(TextChoices):
    NONE = "none", "None"
    # The outcome that matters most after a repeat procedure, counted apart from the new
    # fractures at other levels (which the published series describe).
    TREATED = "treated", "At the treated level (further collapse or refracture)"
    ADJACENT = "adjacent", "Adjacent level"
    NON_ADJACENT = "non_adjacent", "Non-adjacent level"
