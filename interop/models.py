"""What the CDS Hooks service keeps: seen token ids, launch handles and the call log.

None of these rows holds patient data except a launch handle's pre-fill, which
is deleted as soon as the handle is used or has expired.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format


def handle_digest(handle: str) -> str:
    """The stored form of a launch handle: its SHA-256, so the database never holds the handle."""
    return hashlib.sha256(handle.encode()).hexdigest()


class SeenToken(models.Model):
    """A JWT id (`jti`) already accepted from a client; a second use is a replay.

    Kept in the database, so that every app instance refuses the replay; rows
    are kept until the token expires (it cannot be replayed after that).
    """

    issuer = models.CharField(max_length=255)
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "jti"], name="interop_seen_jti")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.jti}"


class LaunchHandle(models.Model):
    """An opaque, single-use, short-lived handle from an app-link card to a pre-filled draft.

    The first signed-in clinician who follows the link claims it (`claimed_by`); from then on
    it opens for that clinician only.
    """

    digest = models.CharField(max_length=64, unique=True)
    prefill = models.JSONField(default=dict)
    issuer = models.CharField(max_length=255)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The clinician who followed the link first; only they may use it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"launch handle {self.pk} from {self.issuer}"


class CdsCall(models.Model):
    """One call of the CDS service: who called, which hook, what came back. No patient data."""

    called_at = models.DateTimeField(auto_now_add=True, db_index=True)
    client = models.CharField(max_length=255, blank=True, help_text="The JWT issuer, if verified.")
    service = models.CharField(max_length=64)
    hook = models.CharField(max_length=64, blank=True)
    hook_instance = models.CharField(max_length=64, blank=True)
    status = models.PositiveSmallIntegerField()
    cards = models.PositiveSmallIntegerField(default=0)
    card_kinds = models.CharField(max_length=64, blank=True, help_text="guidance, app-link")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-called_at", "-id"]
        verbose_name = "CDS Hooks call"

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.called_at), "DATETIME_FORMAT")
        return f"{when} {self.client or '?'} {self.hook} {self.status}"


class CdsCard(models.Model):
    """A card the CDS service returned, kept so that the record's feedback on it can be read.

    No patient data: the card's kind, what it recommended and, for a guidance card, the
    assessment it showed.
    """

    class Kind(models.TextChoices):
        GUIDANCE = "guidance", "guidance"
        APP_LINK = "app-link", "app link"
        LEVEL_UNKNOWN = "level-unknown", "level not recognised"

    uuid = models.UUIDField(unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    client = models.CharField(max_length=255, help_text="The JWT issuer the card was given to.")
    service = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind)
    recommendation = models.CharField(max_length=32, blank=True)
    deciding_rule = models.CharField(max_length=4, blank=True)
    rules_version = models.CharField(max_length=16, blank=True)
    assessment = models.ForeignKey(
        "assessments.Assessment", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "CDS Hooks card"

    def __str__(self) -> str:
        return f"{self.kind} card {self.uuid}"


class CdsFeedback(models.Model):
    """What the clinician did with a card in the electronic record (CDS Hooks feedback):
    accepted, or overridden with the reason chosen from the card's `overrideReasons`.

    The card's recommendation, deciding rule and rules version are copied from the card, so
    that the department audit counts feedback by recommendation in one query.
    """

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "accepted"
        OVERRIDDEN = "overridden", "overridden"

    card = models.ForeignKey(CdsCard, on_delete=models.CASCADE, related_name="feedback")
    card_uuid = models.UUIDField()
    service_id = models.CharField(max_length=64)
    outcome = models.CharField(max_length=10, choices=Outcome)
    override_reason_code = models.CharField(max_length=64, blank=True)
    override_reason_display = models.CharField(max_length=200, blank=True)
    user_comment = models.CharField(max_length=500, blank=True)
    outcome_timestamp = models.DateTimeField()
    recommendation = models.CharField(max_length=32, blank=True)
    deciding_rule = models.CharField(max_length=4, blank=True)
    rules_version = models.CharField(max_length=16, blank=True)
    assessment = models.ForeignKey(
        "assessments.Assessment", null=True, blank=True, on_delete=models.SET_NULL
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-outcome_timestamp", "-id"]
        verbose_name = "CDS Hooks feedback"
        verbose_name_plural = "CDS Hooks feedback"
        indexes = [
            models.Index(fields=["recommendation", "outcome"], name="interop_feedback_rec_outcome"),
            models.Index(fields=["outcome_timestamp"], name="interop_feedback_when"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.card_uuid}"
