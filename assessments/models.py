import functools
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords

from assessments import rules_versions
from vertebro_lib.prepared import InsertedPrepared
from vertebro_rules.errors import InvalidInput
from vertebro_rules.guidance import Guidance

# The columns hold the answers of every rules version: the newest version's input definitions
# and codes include those of the earlier ones (each draft is validated by its own version).
NEWEST = rules_versions.edition(rules_versions.known_versions()[-1])
vocabulary = NEWEST.vocabulary


class _HistoryDescriptor(HistoryDescriptor):
    """simple-history's `Model.history`, its manager class built once instead of at each use.

    simple-history builds a new manager class (`Manager.from_queryset`, which inspects every
    method of the QuerySet) each time `instance.history` is read, and reads it to write the
    history row of every save: about a quarter of a millisecond of each step's save. The class
    is the same every time; each use still gets its own manager for its own instance."""

    @functools.cached_property
    def _manager_of_queryset(self):
        return self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self._manager_of_queryset(self.model, instance)


class KeptHistory(HistoricalRecords):
    """`HistoricalRecords` whose `history` descriptor builds its manager class once."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:
            setattr(
                sender,
                self.manager_name,
                _HistoryDescriptor(
                    descriptor.model,
                    manager=descriptor.manager_class,
                    queryset=descriptor.queryset_class,
                ),
            )


@deconstructible
class SpecValidator:
    """Django validator that checks a value against its input definition (the newest rules
    version's; an assessment's own version validates it again, whole, before finalizing)."""

    def __init__(self, field_name: str):
        self.field_name = field_name

    def __call__(self, value):
        if value is None:
            return
        message = NEWEST.FIELDS_BY_NAME[self.field_name].check(value, today=timezone.localdate())
        if message:
            raise ValidationError(message, code="spec")

    def __eq__(self, other):
        return isinstance(other, SpecValidator) and other.field_name == self.field_name


def _help(name: str) -> str:
    return NEWEST.FIELDS_BY_NAME[name].label


def _spec(name: str) -> dict:
    """Common options of an input field: nullable for drafts, validated by the spec."""
    return {
        "verbose_name": NEWEST.FIELDS_BY_NAME[name].label,
        "null": True,
        "blank": True,
        "validators": [SpecValidator(name)],
    }


# Reviewers read every assessment (and change none).
REVIEW_PERMISSION = "assessments.review_assessment"


def _hashable(values: dict) -> tuple:
    """The values of `values` in its order, its lists (multiple choices) as tuples, to key a
    memo."""
    return tuple(tuple(v) if isinstance(v, list) else v for v in values.values())


class AssessmentQuerySet(models.QuerySet):
    """The one place that says which assessments are in which state.

    Every list, the audit, the exports, the admin, `verify_records` and the
    selectors ask these methods; no status filter is written by hand elsewhere.

    - `drafts()`: being written (discarded drafts are not drafts any more);
    - `final()`: finalized and not superseded — the current record of a case;
    - `finalized()`: final or superseded — every record with a frozen guidance and digest;
    - `in_audit()`: what the department audit counts — the final ones (an amended
      assessment counts once, as its amendment);
    - `discarded()`: drafts their clinician gave up (kept for the history, shown nowhere);
    - `visible_to(user)`: what the user may open — every non-discarded assessment for
      a reviewer, otherwise their own.
    """

    def drafts(self):
        return self.filter(status=Assessment.Status.DRAFT)

    def final(self):
        return self.filter(status=Assessment.Status.FINAL)

    def finalized(self):
        return self.filter(status__in=Assessment.FINALIZED_STATUSES)

    def in_audit(self):
        return self.filter(in_audit_q())

    def discarded(self):
        return self.filter(status=Assessment.Status.DISCARDED)

    def not_discarded(self):
        return self.exclude(status=Assessment.Status.DISCARDED)

    def owned_by(self, user):
        return self.not_discarded().filter(owner=user)

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.has_perm(REVIEW_PERMISSION):
            return self.not_discarded()
        return self.owned_by(user)


def in_audit_q(prefix: str = "") -> models.Q:
    """`in_audit()` as a condition, reached from another model through `prefix`.

    Written as an exclusion of the other statuses: nearly every row is final, so SQLite
    (which keeps no statistics) then starts from the far fewer procedures and follow-ups
    instead of walking the assessments through the status index.
    """
    statuses = Assessment.Status.values
    others = [status for status in statuses if status not in Assessment.IN_AUDIT_STATUSES]
    return ~models.Q(**{f"{prefix}status__in": others})


def _yes_no(name: str) -> dict:
    """Options of a yes/no input that means "no" when absent (§1).

    Nullable: the questionnaire asks it with no answer chosen in advance, so that a question
    skipped is never recorded as a negative finding (`Assessment.unanswered_questions`);
    empty where the question is not asked, which the rules read as "no".
    """
    return _spec(name)


# The message of a yes/no question asked and left unanswered.
UNANSWERED = "Answer Yes or No: an unanswered question is not recorded as “No”."


def _unanswered_questions(edition, values: dict) -> list[str]:
    """The yes/no inputs of `edition` that mean "no" when absent, are asked given `values`
    (their condition holds, or they have none), and are empty."""
    return [
        spec.name
        for spec in edition.FIELDS
        if spec.absent is False
        and values.get(spec.name) is None
        and (spec.applies_when is None or spec.applies_when.holds(values))
    ]


def answers_read(rules, answers: dict) -> dict:
    """The answers given as JSON values (by field name) read as the questions of `rules`, a
    rules version's core; a name it does not ask and a value it cannot read are left out."""
    values = {}
    for name, raw in answers.items():
        spec = rules.FIELDS_BY_NAME.get(name)
        if spec is None:
            continue
        try:
            values[name] = spec.from_json(raw)
        except ValueError:
            continue
    return values


class Assessment(models.Model):
    """One clinician's assessment of a vertebra treated by vertebroplasty.

    Drafts are saved step by step, so every input may be empty in the
    database; `missing_inputs()` says what is still needed, and finalization
    validates the whole against the spec before freezing the guidance.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"
        SUPERSEDED = "superseded", "Superseded"
        # A draft its clinician gave up; kept (with its history) for the audit, shown nowhere.
        DISCARDED = "discarded", "Discarded"

    # Finalized once: the record is frozen (guidance, words, digest) and never changes again.
    FINALIZED_STATUSES = (Status.FINAL, Status.SUPERSEDED)
    # The department audit counts each case once, as its current final record.
    IN_AUDIT_STATUSES = (Status.FINAL,)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Incremented on every save of a draft; a save from a stale page is refused.
    version = models.PositiveIntegerField(default=1)

    # Step 1 — Patient and index procedure
    patient_ref = models.CharField(max_length=64, db_index=True, **_spec("patient_ref"))
    patient_age = models.PositiveSmallIntegerField(**_spec("patient_age"))
    sex = models.CharField(max_length=10, choices=vocabulary.Sex.choices, **_spec("sex"))
    # No choices: a level outside T1–L5 (C1–C7, S1–S5) reaches the rules' own check, which
    # refuses it with the scope message of §1 (the form offers T1–L5 only).
    treated_level = models.CharField(max_length=3, **_spec("treated_level"))
    index_procedure_date = models.DateField(**_spec("index_procedure_date"))
    index_cement_volume_ml = models.DecimalField(
        max_digits=3, decimal_places=1, **_spec("index_cement_volume_ml")
    )
    fracture_etiology = models.CharField(
        max_length=16, choices=vocabulary.FractureEtiology.choices, **_spec("fracture_etiology")
    )
    bmd_t_score = models.DecimalField(max_digits=2, decimal_places=1, **_spec("bmd_t_score"))
    prior_vertebral_fractures = models.PositiveSmallIntegerField(
        **_spec("prior_vertebral_fractures")
    )

    # Step 2 — Pain timeline
    assessment_date = models.DateField(**_spec("assessment_date"))
    initial_response = models.CharField(
        max_length=24, choices=vocabulary.InitialResponse.choices, **_spec("initial_response")
    )
    recurrence_date = models.DateField(**_spec("recurrence_date"))
    vas_before_index = models.PositiveSmallIntegerField(**_spec("vas_before_index"))
    vas_current = models.PositiveSmallIntegerField(**_spec("vas_current"))
    conservative_therapy_weeks = models.PositiveSmallIntegerField(
        **_spec("conservative_therapy_weeks")
    )
    mobility = models.CharField(
        max_length=12, choices=vocabulary.Mobility.choices, **_spec("mobility")
    )
    analgesics = models.CharField(
        max_length=12, choices=vocabulary.Analgesics.choices, **_spec("analgesics")
    )
    opioid_failure = models.BooleanField(**_yes_no("opioid_failure"))

    # Step 3 — Imaging
    mri_performed = models.BooleanField(**_spec("mri_performed"))
    mri_not_possible = models.BooleanField(**_yes_no("mri_not_possible"))
    active_fracture_location = models.CharField(
        max_length=20,
        choices=vocabulary.FractureLocation.choices,
        **_spec("active_fracture_location"),
    )
    cleft_sign = models.CharField(
        max_length=14, choices=vocabulary.Finding.choices, **_spec("cleft_sign")
    )
    cleft_new_since_index = models.BooleanField(**_spec("cleft_new_since_index"))
    marrow_edema = models.CharField(
        max_length=14, choices=vocabulary.Finding.choices, **_spec("marrow_edema")
    )
    fluid_at_cement_interface = models.BooleanField(**_yes_no("fluid_at_cement_interface"))
    cement_fill = models.CharField(
        max_length=14, choices=vocabulary.CementFill.choices, **_spec("cement_fill")
    )
    prior_cement_leakage = models.BooleanField(**_spec("prior_cement_leakage"))

    # Step 4 — Examination
    point_tenderness = models.CharField(
        max_length=14, choices=vocabulary.Tenderness.choices, **_spec("point_tenderness")
    )
    neuro_exam = models.CharField(
        max_length=24, choices=vocabulary.NeuroExam.choices, **_spec("neuro_exam")
    )
    infection_signs = models.BooleanField(**_yes_no("infection_signs"))
    # Empty: not assessed (§1).
    vertebral_infection = models.CharField(
        max_length=14,
        choices=vocabulary.VertebralInfection.choices,
        **_spec("vertebral_infection"),
    )
    complication_assessed = models.BooleanField(**_yes_no("complication_assessed"))
    contraindications = models.JSONField(
        default=list,
        blank=True,
        verbose_name=_help("contraindications"),
        validators=[SpecValidator("contraindications")],
    )

    # Frozen at finalization (see services.assessment_finalize).
    finalized_at = models.DateTimeField(null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The rules version the assessment runs under: recorded when the draft is started (the
    # active version then), changed only when its owner moves the draft to the active version,
    # frozen at finalization (assessments/rules_versions.py).
    rules_version = models.CharField(
        max_length=16, blank=True, default=rules_versions.active_version
    )
    guidance = models.JSONField(null=True, blank=True, editable=False)
    # Every other word its pages and PDF print, as read on the day (assessments/reports/frozen.py).
    display_record = models.JSONField(null=True, blank=True, editable=False)
    # The warnings of the frozen guidance, each ticked as read by the clinician who finalized:
    # [{"id", "text", "acknowledged_by" (user id), "acknowledged_at" (ISO 8601, UTC)}], in
    # warning order; covered by the record digest (assessments/integrity.py).
    warning_acknowledgements = models.JSONField(default=list, blank=True, editable=False)
    amends = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendment",
        help_text="The finalized assessment this one amends.",
    )
    # Why the clinician amended the assessment in `amends` (required to start an amendment).
    amendment_reason = models.TextField("reason for the amendment", blank=True, max_length=500)
    # A reassessment is a new visit (the MRI came back, the weeks of therapy went by), not a
    # correction: the earlier assessment stays final and current; both link to each other.
    reassesses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reassessments",
        help_text="The final assessment this one reassesses at a later visit.",
    )
    # The step 1 answers a launch from the electronic record filled in, as the record sent
    # them, and what the clinician must be told about them: {"answers": {field name: JSON
    # value}, "notes": [sentences]}. Kept with the draft (not the browser session), so that
    # step 1 marks each answer "From the EHR" while it holds the record's value, whoever
    # opens the draft and whenever.
    from_record = models.JSONField(default=dict, blank=True, editable=False)
    # Copied from the frozen guidance at finalization, so that lists filter and export fast.
    scenario = models.CharField(
        max_length=32, choices=vocabulary.Scenario.choices, blank=True, editable=False
    )
    recommendation = models.CharField(
        max_length=32, choices=vocabulary.Recommendation.choices, blank=True, editable=False
    )
    deciding_rule = models.CharField(max_length=4, blank=True, editable=False)
    # The seal: HMAC-SHA256 of the canonical JSON of the frozen record, status included
    # (assessments.integrity), under the key whose id is beside it; set at finalization and
    # renewed when the record is superseded. `manage.py verify_records` recomputes it.
    record_digest = models.CharField(max_length=64, blank=True, editable=False)
    record_key_id = models.CharField(max_length=16, blank=True, editable=False)

    objects = AssessmentQuerySet.as_manager()

    # Every create, change and finalization keeps the full previous row.
    # Its history rows and its access log are written on every save and view: inserted with
    # SQL written once (vertebro_lib.prepared).
    history = KeptHistory(bases=[InsertedPrepared, models.Model])

    class Meta:
        ordering = ["-updated"]
        indexes = [
            models.Index(fields=["owner", "-updated"]),
            # The reviewers' admin list: its default order and its date hierarchy.
            models.Index(fields=["-updated"], name="assessment_updated_idx"),
            models.Index(fields=["assessment_date"], name="assessment_date_idx"),
            # The outcomes audit counts final assessments by recommendation and rule from
            # this index alone, without reading the rows (and their guidance JSON).
            models.Index(
                fields=["recommendation", "deciding_rule", "status"], name="assessment_rule_idx"
            ),
            # The audit's counts by clinician, recommendation, rule, etiology and scenario, with
            # every column its filter reads: SQLite answers from the index alone instead of
            # reading 100,000 rows whose frozen JSON comes before these columns.
            models.Index(
                fields=[
                    "owner",
                    "recommendation",
                    "deciding_rule",
                    "fracture_etiology",
                    "scenario",
                    "status",
                    "assessment_date",
                    "treated_level",
                ],
                name="assessment_audit_idx",
            ),
        ]
        permissions = [("review_assessment", "Can read every assessment, its result and PDF")]

    def __str__(self) -> str:
        return f"{self.patient_ref or 'New assessment'} {self.treated_level or ''}".strip()

    @property
    def is_final(self) -> bool:
        """Finalized (final or superseded); a discarded draft was never finalized. A record
        finalized once stays final, whatever its status column says now (a database edit
        setting it back to draft does not make it editable; verify_records names it)."""
        return self.status in self.FINALIZED_STATUSES or self.finalized_at is not None

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT and self.finalized_at is None

    @property
    def is_current_final(self) -> bool:
        """Final and not superseded: the record the department acts on."""
        return self.status == self.Status.FINAL

    def rules(self):
        """The core of the rules version this assessment runs under (a new one: the active)."""
        if not self.rules_version:
            self.rules_version = rules_versions.active_version()
        return rules_versions.edition(self.rules_version)

    def answers_from_record(self) -> list[str]:
        """The answers that still hold the value the electronic record sent (field names)."""
        sent = answers_read(self.rules(), (self.from_record or {}).get("answers", {}))
        return [name for name, value in sent.items() if getattr(self, name, None) == value]

    def input_values(self) -> dict:
        """The inputs of this assessment's rules version, by field name."""
        return {name: getattr(self, name) for name in self.rules().INPUT_FIELD_NAMES}

    def _once(self, question, answer):
        """`answer(values)` for the current answers, computed once while they stay the same.

        A page asks the core the same question several times (the step indicator, the step
        that follows, the form's validation and then the service's); the answers are kept
        on the instance by question, rules version and values, so a changed answer is never
        answered from the memo.
        """
        values = self.input_values()
        # The values come in the rules version's fixed order of its inputs: with the version
        # in the key, the values alone say which answers they are.
        key = (question, self.rules_version, *_hashable(values))
        memo = self.__dict__.setdefault("_core_answers", {})
        if key not in memo:
            memo[key] = answer(values)
        return memo[key]

    def missing_inputs(self) -> list[str]:
        """Required inputs still empty (including those that another answer makes required),
        and the yes/no questions asked but not yet answered (`unanswered_questions`), in the
        order of the questionnaire."""
        missing = set(self._once("missing", self.rules().missing_inputs))
        missing.update(self.unanswered_questions())
        return [name for name in self.rules().INPUT_FIELD_NAMES if name in missing]

    def unanswered_questions(self) -> list[str]:
        """The yes/no questions that are asked (their condition holds) and not answered.

        The spec reads these answers as "no" when absent (§1: signs of infection, fluid at
        the bone–cement interface, MRI not possible, opioid failure, complication assessed).
        A question the clinician saw and skipped is not a negative finding, so the
        questionnaire asks each explicitly, Yes or No with neither chosen in advance, and a
        draft is complete only once it is answered (the safer reading). Where the question
        is not asked, the rules keep reading an empty answer as "no".
        """
        edition = self.rules()
        return list(self._once("unanswered", lambda values: _unanswered_questions(edition, values)))

    def validate_inputs(self, *, today) -> None:
        """Check every input against its rules version; raise `InvalidInput` (the core's).

        A yes/no question asked but not answered is refused as well (`unanswered_questions`).
        """
        unanswered = self.unanswered_questions()
        if unanswered:
            raise InvalidInput({name: [UNANSWERED] for name in unanswered})
        self.rules().validate_values(self.input_values(), today=today)

    def clean(self):
        today = timezone.localdate()
        errors = self._once(
            ("cross_field", today),
            lambda values: self.rules().cross_field_errors(values, today=today),
        )
        if errors:
            raise ValidationError(errors)

    def evaluate(self) -> Guidance:
        """Run the rules of this assessment's version on its inputs.

        The caller makes sure the inputs are complete and valid (`validate_inputs`);
        finalization does.
        """
        edition = self.rules()
        return edition.evaluate(edition.to_inputs(self.input_values()))


class RulesVersionSwitch(models.Model):
    """An administrator's switch of the active rules version (assessments/rules_versions.py).

    Only ever added (`manage.py rules_version --activate`): the last one names the active
    version, and the whole list says which version was active when.
    """

    id = models.BigAutoField(primary_key=True)
    version = models.CharField(max_length=16)
    previous_version = models.CharField(max_length=16)
    switched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="by"
    )
    switched_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name="when")
    reason = models.TextField(max_length=500)

    class Meta:
        ordering = ["-switched_at", "-id"]
        verbose_name = "rules version switch"
        verbose_name_plural = "rules version switches"

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.switched_at), "DATETIME_FORMAT")
        return f"{self.previous_version} → {self.version} — {when}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("A rules version switch is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("A rules version switch is never deleted.")


class AccessLogEntry(InsertedPrepared, models.Model):
    """One view of an assessment's result, PDF, print preview or admin page.

    Entries are only ever added: the admin offers no change or delete, and
    the model refuses to update or delete a saved entry.
    """

    class Kind(models.TextChoices):
        RESULT = "result", "Result page"
        PDF = "pdf", "PDF"
        PREVIEW = "preview", "HTML preview"
        ADMIN = "admin", "Admin page"
        OUTCOMES = "outcomes", "Procedure and follow-ups"
        FHIR = "fhir", "FHIR export"

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="who",
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="access_log", verbose_name="assessment"
    )
    kind = models.CharField(max_length=8, choices=Kind, verbose_name="what")
    accessed_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name="when")
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name="IP address")

    class Meta:
        ordering = ["-accessed_at", "-id"]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
        indexes = [models.Index(fields=["assessment", "-accessed_at"])]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.accessed_at), "DATETIME_FORMAT")
        return f"{self.user or 'anonymous'} — {self.get_kind_display()} — {when}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Access log entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Access log entries are never deleted.")


class RecordChainEntry(models.Model):
    """One link of the chain of finalizations (assessments.integrity): the seal of a record
    as it was finalized or superseded, and the previous entry's MAC, under one MAC.

    Only ever added to, like the access log. `assessment_id` is not a foreign key: an entry
    outlives the deletion of its record's row, which is how that deletion is found.
    """

    class Event(models.TextChoices):
        FINALIZE = "finalize", "Finalized"
        SUPERSEDE = "supersede", "Superseded by its amendment"

    seq = models.PositiveBigIntegerField(unique=True)
    assessment_id = models.UUIDField(db_index=True)
    event = models.CharField(max_length=10, choices=Event)
    record_mac = models.CharField(max_length=64)
    previous_mac = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=16)
    recorded_at = models.DateTimeField()
    mac = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = "record chain entry"
        verbose_name_plural = "record chain"

    def __str__(self) -> str:
        return f"{self.seq} {self.event} {self.assessment_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Record chain entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Record chain entries are never deleted.")
