"""The access log: who viewed which assessment, how, when and from where (issue 5)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from .models import AccessLogEntry, Assessment


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address.

    REMOTE_ADDR, unless settings.VERTEBRO_PROXY_COUNT says that many reverse
    proxies in front of Vertebro append to X-Forwarded-For: then the address
    the outermost of them appended. Earlier entries come from the client and
    can be forged.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "VERTEBRO_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
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
