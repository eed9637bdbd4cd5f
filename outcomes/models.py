"""What happened after an assessment: the procedure, the follow-ups, and who may record them.

Every rule about a record's own fields is in its `clean()` (each message is
attached to the field it concerns), so the forms, the services and any
import refuse the same things.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from vertebro_rules import inputs, vocabulary

from . import choices

# The range the questionnaire accepts for the index cement volume (spec §1), used for the
# repeat: read from the core's definition of that input, not written twice.
_INDEX_CEMENT = inputs.FIELDS_BY_NAME["index_cement_volume_ml"]
CEMENT_MIN_ML: Decimal = _INDEX_CEMENT.minimum
CEMENT_MAX_ML: Decimal = _INDEX_CEMENT.maximum
DESCRIPTION_MAX_LENGTH = 200


class Procedure(models.Model):
    """The decision taken after a finalized assessment and, when done, the repeat procedure."""

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="procedure"
    )
    performed = models.CharField(
        "Repeat vertebroplasty performed", max_length=12, choices=choices.Performed
    )
    performed_on = models.DateField("Date of the procedure", null=True, blank=True)
    not_done_reason = models.CharField(
        "Why it was not done", max_length=8, choices=choices.NotDoneReason, blank=True
    )
    not_done_detail = models.CharField(
        "The other reason", max_length=DESCRIPTION_MAX_LENGTH, blank=True
    )
    cement_volume_ml = models.DecimalField(
        "Cement volume (mL)",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(CEMENT_MIN_ML), MaxValueValidator(CEMENT_MAX_ML)],
    )
    leakage = models.CharField(
        "Cement leakage on imaging", max_length=12, choices=choices.Leakage, blank=True
    )
    cleft_filled = models.CharField(
        "Cleft filled", max_length=8, choices=choices.CleftFilled, blank=True
    )
    complications = models.CharField(
        "Complications", max_length=8, choices=choices.Complications, blank=True
    )
    complication_description = models.CharField(
        "Description of the complication", max_length=DESCRIPTION_MAX_LENGTH, blank=True
    )
    operator = models.CharField("Operator", max_length=100, blank=True)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["performed"], name="procedure_performed_idx")]

    def __str__(self) -> str:
        return f"{self.get_performed_display()} — {self.assessment}"

    @property
    def not_done_words(self) -> str:
        """Why an offered procedure was not done, in words ("" otherwise)."""
        if self.not_done_reason == choices.NotDoneReason.OTHER:
            return self.not_done_detail.strip()
        return self.get_not_done_reason_display() if self.not_done_reason else ""

    # Filled only when the procedure was performed; required then.
    DETAIL_FIELDS = ("performed_on", "cement_volume_ml", "leakage", "cleft_filled", "complications")

    @property
    def was_performed(self) -> bool:
        return self.performed == choices.Performed.YES

    def follow_up_base_date(self) -> date | None:
        """Follow-ups count from the procedure, or from the assessment when none was done."""
        if self.was_performed and self.performed_on:
            return self.performed_on
        return self.assessment.assessment_date

    def clean(self):
        errors: dict[str, str] = {}
        if self.was_performed:
            for name in (*self.DETAIL_FIELDS, "operator"):
                if getattr(self, name) in (None, ""):
                    errors[name] = "Required when the procedure was performed."
        else:
            for name in (*self.DETAIL_FIELDS, "complication_description", "operator"):
                if getattr(self, name) not in (None, ""):
                    errors[name] = "Leave empty: the procedure was not performed."
        if self.performed == choices.Performed.NO:
            if not self.not_done_reason:
                errors["not_done_reason"] = "Required when the procedure was offered, not done."
            elif self.not_done_reason == choices.NotDoneReason.OTHER:
                if not self.not_done_detail.strip():
                    errors["not_done_detail"] = "Say in a few words why it was not done."
            elif self.not_done_detail:
                errors["not_done_detail"] = "Leave empty unless the reason is “Other”."
        else:
            for name in ("not_done_reason", "not_done_detail"):
                if getattr(self, name):
                    errors[name] = "Leave empty: only when the procedure was offered, not done."
        if self.performed_on and "performed_on" not in errors:
            assessed = self.assessment.assessment_date if self.assessment_id else None
            if self.performed_on > timezone.localdate():
                errors["performed_on"] = "Cannot be in the future."
            elif assessed and self.performed_on < assessed:
                errors["performed_on"] = (
                    f"Cannot be before the assessment ({date_format(assessed)})."
                )
        if self.was_performed and "complications" not in errors:
            described = bool(self.complication_description.strip())
            if self.complications == choices.Complications.NONE and described:
                errors["complication_description"] = "Leave empty when there was no complication."
            elif self.complications != choices.Complications.NONE and not described:
                errors["complication_description"] = "Describe the complication in a few words."
        if errors:
            raise ValidationError(errors)


class FollowUp(models.Model):
    """One follow-up visit: about 1, 3 or 12 months after the procedure (or assessment)."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="follow_ups"
    )
    interval = models.CharField("Follow-up", max_length=3, choices=choices.Interval)
    seen_on = models.DateField("Date of the follow-up")
    vas = models.PositiveSmallIntegerField(
        "Pain (VAS 0–10)", validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    mobility = models.CharField("Mobility", max_length=12, choices=vocabulary.Mobility.choices)
    analgesics = models.CharField(
        "Analgesics", max_length=12, choices=vocabulary.Analgesics.choices
    )
    # Asked only when the assessment recorded a cleft (`asks_about_cleft`); empty otherwise.
    cleft_on_imaging = models.CharField(
        "Cleft on post-procedure imaging",
        max_length=10,
        choices=choices.CleftOnImaging,
        blank=True,
    )
    new_fracture = models.CharField(
        "New vertebral fracture", max_length=12, choices=choices.NewFracture
    )
    new_fracture_date = models.DateField("Date of the new fracture", null=True, blank=True)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "seen_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "interval"], name="one_follow_up_per_interval"
            )
        ]
        # The audit reads the few visits that recorded a new fracture.
        indexes = [models.Index(fields=["new_fracture"], name="follow_up_fracture_idx")]

    def __str__(self) -> str:
        return f"{self.get_interval_display()} follow-up — {self.assessment}"

    def clean(self):
        errors: dict[str, str] = {}
        today = timezone.localdate()
        base = self._base_date()
        if self.seen_on:
            if self.seen_on > today:
                errors["seen_on"] = "Cannot be in the future."
            elif base and self.seen_on < base:
                errors["seen_on"] = (
                    f"Cannot be before {date_format(base)} (the procedure or assessment)."
                )
        fracture = self.new_fracture
        if fracture and fracture != choices.NewFracture.NONE:
            if self.new_fracture_date is None:
                errors["new_fracture_date"] = "Required when a new fracture is recorded."
            elif self.new_fracture_date > today:
                errors["new_fracture_date"] = "Cannot be in the future."
            elif base and self.new_fracture_date < base:
                errors["new_fracture_date"] = (
                    f"Cannot be before {date_format(base)} (the procedure or assessment)."
                )
            elif self.seen_on and self.new_fracture_date > self.seen_on:
                errors["new_fracture_date"] = "Cannot be after the date of the follow-up."
        elif self.new_fracture_date is not None:
            errors["new_fracture_date"] = "Leave empty when there is no new fracture."
        if self.asks_about_cleft and not self.cleft_on_imaging:
            errors["cleft_on_imaging"] = (
                "Required: a cleft was recorded at the assessment (Gone, Persists or Not imaged)."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def asks_about_cleft(self) -> bool:
        """The cleft on imaging is asked only when the assessment recorded a cleft."""
        return bool(self.assessment_id) and self.assessment.cleft_sign == vocabulary.Finding.PRESENT

    def _base_date(self) -> date | None:
        if not self.assessment_id:
            return None
        procedure = Procedure.objects.filter(assessment_id=self.assessment_id).first()
        if procedure is not None:
            return procedure.follow_up_base_date()
        return self.assessment.assessment_date


def due_date(base: date, interval: str) -> date:
    return base + timedelta(days=choices.INTERVAL_DAYS[interval])


class Delegation(models.Model):
    """The assessment's clinician lets a colleague record its procedure and follow-ups."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="delegations"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcome_delegations"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "delegate"], name="one_delegation")
        ]

    def __str__(self) -> str:
        return f"{self.delegate} records outcomes of {self.assessment}"


class AuditFact(models.Model):
    """What the department audit reads of one decision (a Procedure), on one narrow row.

    The assessment's grouping and filter columns, the procedure's outcome and the three
    visits' answers, already evaluated: the audit's queries read these rows alone and never
    the wide assessment row (with its frozen guidance) or the follow-ups. Kept by
    `outcomes.facts` on every save of an assessment, a procedure or a follow-up; rebuilt
    from the records by `manage.py rebuild_audit_facts`.
    """

    procedure = models.OneToOneField(
        Procedure, on_delete=models.CASCADE, primary_key=True, related_name="audit_fact"
    )
    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="audit_fact"
    )
    # The assessment, as the filter and the groups read it: NULL where its answer is (an
    # unanswered question is NULL in the assessment's row, and groups apart from "").
    status = models.CharField(max_length=10)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    patient_ref = models.CharField(max_length=64, null=True)  # noqa: DJ001
    treated_level = models.CharField(max_length=3, null=True)  # noqa: DJ001
    recommendation = models.CharField(max_length=32)
    rule = models.CharField(max_length=4)
    etiology = models.CharField(max_length=16, null=True)  # noqa: DJ001
    scenario = models.CharField(max_length=32)
    assessment_date = models.DateField(null=True)
    period = models.IntegerField(null=True)  # year × 10 + quarter of the assessment date
    cleft = models.BooleanField()  # a cleft at the assessment
    vas_before = models.FloatField(null=True)
    index_cement_ml = models.FloatField(null=True)
    # The procedure.
    performed = models.CharField(max_length=12)
    not_done_reason = models.CharField(max_length=8, default="")
    not_done_detail = models.CharField(max_length=DESCRIPTION_MAX_LENGTH, default="")
    performed_on = models.DateField(null=True)
    base_date = models.DateField(null=True)  # the day the visits count from
    cement_ml = models.FloatField(null=True)
    leakage = models.CharField(max_length=12)
    complications = models.CharField(max_length=8)
    # The 1-, 3- and 12-month visits.
    seen_1 = models.BooleanField()
    seen_3 = models.BooleanField()
    seen_12 = models.BooleanField()
    vas_1 = models.FloatField(null=True)
    vas_3 = models.FloatField(null=True)
    relieved = models.BooleanField()  # VAS at 1 month RELIEF_MIN_DROP below the assessment's
    cleft_gone = models.BooleanField()  # gone on the imaging of one of the visits
    cleft_persists = models.BooleanField()  # persists on one, and gone on none
    fracture_in_year = models.BooleanField()  # seen at 12 months, a new fracture at a visit
    # Any follow-up of the assessment reporting a new fracture at another level, or at the
    # treated level.
    fractured = models.BooleanField()
    refractured = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["assessment_date"], name="audit_fact_date_idx")]

    def __str__(self) -> str:
        return f"Audit facts of {self.procedure_id}"
