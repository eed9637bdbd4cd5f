"""The access log: who viewed which assessment, how, when and from where (issue 5)."""

import ipaddress

from django.http import HttpRequest

from . import security_log
from .models import AccessLogEntry, Assessment


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address as the security log sees it, or None if it is not one.

    REMOTE_ADDR, or with VERTEBRO_PROXY_COUNT set the address the outermost
    trusted proxy put in X-Forwarded-For (see `security_log.client_ip`);
    anything that is not an IP address is not stored.
    """
    try:
        return str(ipaddress.ip_address(security_log.client_ip(request) or ""))
    except ValueError:
        return None


def access_record(
    *, request: HttpRequest, assessment: Assessment, kind: AccessLogEntry.Kind | str
) -> AccessLogEntry:
    """Record that `request.user` viewed `assessment` (kind: result, pdf, preview or admin)."""
    user = request.user if request.user.is_authenticated else None
    return AccessLogEntry.objects.create(
        user=user, assessment=assessment, kind=kind, ip_address=client_ip(request)
    )
