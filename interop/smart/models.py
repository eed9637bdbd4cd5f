"""What a launch from the electronic record keeps.

`SmartIdentity` links a practitioner of a record (its `fhirUser`) to a Vertebro account; an
administrator creates it. `SmartLaunch` is one launch: the patient in context, the draft it
started and the record's access token (for the write-back on finalize; it expires with the
token). `EhrWriteBack` is a finalized assessment waiting for, or done with, its write-back:
it is created in the finalizing transaction, so the record being down never loses it.
"""

from django.conf import settings
from django.db import models


class SmartIdentity(models.Model):
    """A practitioner of an electronic record, signed in to Vertebro as `user` when the record
    launches Vertebro."""

    issuer = models.CharField(
        max_length=255, help_text="The record's FHIR base URL (the launch's iss)."
    )
    fhir_user = models.CharField(
        max_length=500,
        help_text="The practitioner's fhirUser, as an absolute URL "
        "(for example https://ehr.example.org/fhir/Practitioner/123).",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="smart_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "link to a practitioner of the electronic record"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "fhir_user"], name="smart_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.fhir_user} → {self.user}"


class SmartLaunch(models.Model):
    """One launch from the record, signed in as `user`, on the record's patient `patient_id`."""

    issuer = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fhir_user = models.CharField(max_length=500)
    patient_id = models.CharField(max_length=64, blank=True)
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    prefilled = models.JSONField(
        default=list, blank=True, help_text="The step 1 answers taken from the record."
    )
    scope = models.TextField(blank=True, help_text="The scopes the record granted.")
    access_token = models.TextField(blank=True)
    refresh_token = models.TextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    launched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "launch from the electronic record"
        ordering = ["-launched_at", "-id"]

    def __str__(self) -> str:
        return f"launch {self.pk} from {self.issuer}"

    def grants(self, resource: str, right: str = "c") -> bool:
        """Whether the granted scopes allow `right` (SMART v2: c, r, u, d, s) on `resource` for
        the patient: `patient/DocumentReference.c`, `patient/*.cruds`, or the v1 forms
        `patient/DocumentReference.write` and `patient/*.*`."""
        for granted in self.scope.split():
            context, _, rest = granted.partition("/")
            kind, _, rights = rest.partition(".")
            rights = rights.split("?")[0]
            if context not in ("patient", "user") or kind not in (resource, "*"):
                continue
            if rights in ("write", "*") or (rights != "read" and right in rights):
                return True
        return False


class EhrWriteBack(models.Model):
    """The write-back of a finalized assessment to the record that launched it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent to the record"
        FAILED = "failed", "Not sent: needs attention"

    launch = models.ForeignKey(SmartLaunch, on_delete=models.CASCADE, related_name="write_backs")
    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    document_reference = models.CharField(
        max_length=300, blank=True, help_text="The DocumentReference the record created."
    )
    questionnaire_response = models.CharField(
        max_length=300, blank=True, help_text="The QuestionnaireResponse the record created."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "write-back to the electronic record"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"write-back of {self.assessment_id}: {self.get_status_display()}"
