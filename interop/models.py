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
