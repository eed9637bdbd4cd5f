"""Sign-in lockout (django-axes, database handler, so every app server sees the same counts).

Two limits, both over the cool-off window (AXES_COOLOFF_TIME):
- AXES_FAILURE_LIMIT failures for one user name from one address lock that pair;
- VERTEBRO_LOCKOUT_ADDRESS_FAILURES failures from one address, whatever the user names, lock
  that address for every user name: spraying a few passwords over many accounts is slowed
  down as much as guessing one account's password.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from accounts import security_log


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with the per-address limit added."""

    @staticmethod
    def address_failures(request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        )
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.VERTEBRO_LOCKOUT_ADDRESS_FAILURES:
            # The address is over its limit: every user name from it counts as locked.
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # Logged beside django-axes' own `lockout` event, each time a locked address tries.
        if (
            request is not None
            and getattr(request, "axes_locked_out", False)
            and self.address_failures(request) >= settings.VERTEBRO_LOCKOUT_ADDRESS_FAILURES
        ):
            security_log.event(
                "address_lockout",
                ip=request.axes_ip_address,
                detail=f"{settings.VERTEBRO_LOCKOUT_ADDRESS_FAILURES} failed sign-ins "
                "from this address across user names",
            )
