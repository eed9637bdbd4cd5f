"""Who a practitioner of the electronic record is in Vertebro, for the other ways the record
reaches Vertebro (a CDS Hooks call names its user as `context.userId`)."""

from .models import SmartIdentity


def linked_user(fhir_server: str, user_reference: str):
    """The active Vertebro user linked to the practitioner `user_reference` ("Practitioner/123",
    or an absolute URL) of the record at `fhir_server`, or None."""
    if not fhir_server or not user_reference:
        return None
    base = fhir_server.rstrip("/")
    absolute = (
        user_reference
        if user_reference.startswith(("https://", "http://"))
        else f"{base}/{user_reference.lstrip('/')}"
    )
    identity = (
        SmartIdentity.objects.select_related("user")
        .filter(issuer=base, fhir_user=absolute, user__is_active=True)
        .first()
    )
    return identity.user if identity is not None else None
