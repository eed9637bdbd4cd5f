"""Security events as structured JSON lines: sign-in, failure, lockout, sign-out, idle expiry,
finalize, amend and export.

Each line names the event, the user id, the assessment id and the client address — never a
patient reference or any other input of an assessment. Settings route the logger
`vertebro.security` to standard error or to a file (VERTEBRO_SECURITY_LOG).
"""

import ipaddress
import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction

LOGGER_NAME = "vertebro.security"
logger = logging.getLogger(LOGGER_NAME)

# The address of the request being served, so that services (which take no request) can log it.
current_ip: ContextVar[str | None] = ContextVar("vertebro_client_ip", default=None)

# Only these keys reach the log line; anything else passed to event() is a programming error.
EVENT_FIELDS = ("user_id", "username", "assessment_id", "ip", "detail")


def client_ip(request) -> str | None:
    """The client's IP address: REMOTE_ADDR, or the address the trusted proxies recorded.

    With VERTEBRO_PROXY_COUNT = n, the n-th entry from the right of X-Forwarded-For is the
    client as seen by the outermost trusted proxy; entries further left are client-supplied.
    Anything that is not an IP address gives None, so it is never logged or stored.
    """
    address = request.META.get("REMOTE_ADDR") or ""
    count = settings.VERTEBRO_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            address = forwarded[-count]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def event(name: str, *, user=None, **fields) -> None:
    """Log one security event; `user` may be a user object (its id is logged) or None."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"security event fields not allowed: {sorted(unknown)}")
    record = {"event": name}
    if user is not None and getattr(user, "pk", None) is not None:
        record["user_id"] = user.pk
    for key in EVENT_FIELDS:
        value = fields.get(key)
        if value is not None:
            record[key] = str(value) if key == "assessment_id" else value
    record.setdefault("ip", current_ip.get())
    logger.info(name, extra={"security": record})


def event_on_commit(name: str, *, user=None, **fields) -> None:
    """Log the event once the surrounding transaction commits (never for a rolled-back write)."""
    ip = fields.pop("ip", None) or current_ip.get()
    transaction.on_commit(lambda: event(name, user=user, ip=ip, **fields))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, then the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        security = getattr(record, "security", None)
        if security is not None:
            line.update(security)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _signed_in(sender, request, user, **kwargs):
    event("sign_in", user=user, ip=client_ip(request) if request is not None else None)


def _signed_out(sender, request, user, **kwargs):
    event("sign_out", user=user, ip=client_ip(request) if request is not None else None)


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the user name is kept.
    event(
        "sign_in_failed",
        username=str(credentials.get("username", ""))[:150] or None,
        ip=client_ip(request) if request is not None else None,
    )


def _locked_out(sender, request, username, ip_address, **kwargs):
    event("lockout", username=username or None, ip=ip_address)


def connect_signals() -> None:
    """Log Django's sign-in signals and django-axes's lockout (called once the apps are ready)."""
    from axes.signals import user_locked_out

    user_logged_in.connect(_signed_in, dispatch_uid="vertebro_security_sign_in")
    user_logged_out.connect(_signed_out, dispatch_uid="vertebro_security_sign_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="vertebro_security_sign_in_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="vertebro_security_lockout")
