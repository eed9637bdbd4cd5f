"""Deployment checks of the FHIR settings (`manage.py check --deploy` names them)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def fhir_settings(app_configs, **kwargs):
    found = []
    if not settings.VERTEBRO_MRN_SYSTEM:
        found.append(
            checks.Warning(
                "VERTEBRO_MRN_SYSTEM is not set: exports carry the MRN without an identifier "
                "system, and a receiving system cannot tell whose number it is.",
                hint="Set it to the hospital's MRN identifier system (a URI or urn:oid:).",
                id="interop.W001",
            )
        )
    if settings.VERTEBRO_FHIR_CANONICAL_BASE.startswith(("http://127.", "http://localhost")):
        found.append(
            checks.Warning(
                "VERTEBRO_FHIR_CANONICAL_BASE is a local address: the Questionnaire and code "
                "systems of every export would be named after it.",
                hint="Set it once to the stable public address of this server's /fhir.",
                id="interop.W002",
            )
        )
    return found
