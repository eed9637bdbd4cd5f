"""The access log: who viewed which assessment, how, when and from where."""

from django.http import HttpRequest

from accounts import security_log
from assessments.models import AccessLogEntry, Assessment


def access_record(
    *, request: HttpRequest, assessment: Assessment, kind: AccessLogEntry.Kind | str
) -> AccessLogEntry:
    """Record that `request.user` viewed `assessment` (kind: result, pdf, preview or admin)."""
    user = request.user if request.user.is_authenticated else None
    return AccessLogEntry.objects.create(
        user=user, assessment=assessment, kind=kind, ip_address=security_log.client_ip(request)
    )
