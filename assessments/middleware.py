"""Request-wide security behaviour: the client address for the security log, idle sign-out."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from . import security_log

LAST_ACTIVITY_KEY = "vertebro_last_activity"


class RequestContextMiddleware:
    """Make the client address known to code that has no request (services, signals)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = security_log.current_ip.set(security_log.client_ip(request))
        try:
            return self.get_response(request)
        finally:
            security_log.current_ip.reset(token)


class IdleTimeoutMiddleware:
    """Sign the user out after VERTEBRO_SESSION_IDLE_MINUTES without a request.

    The time of the last request is kept in the session, refreshed at most once per
    VERTEBRO_SESSION_ACTIVITY_RESOLUTION seconds so that most requests write nothing.
    Drafts are saved in the database, so signing in again finds them intact.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            idle_limit = settings.VERTEBRO_SESSION_IDLE_MINUTES * 60
            if isinstance(last, int) and now - last > idle_limit:
                security_log.event("session_idle_expired", user=request.user)
                logout(request)
                messages.info(
                    request,
                    f"You were signed out after {settings.VERTEBRO_SESSION_IDLE_MINUTES} "
                    "minutes without activity. Your saved drafts are kept; sign in to continue.",
                )
                return redirect_to_login(request.get_full_path())
            if (
                not isinstance(last, int)
                or now - last >= settings.VERTEBRO_SESSION_ACTIVITY_RESOLUTION
            ):
                request.session[LAST_ACTIVITY_KEY] = now
        response = self.get_response(request)
        # Signing in counts as activity: the clock starts at sign-in, not at the next request.
        if request.user.is_authenticated and LAST_ACTIVITY_KEY not in request.session:
            request.session[LAST_ACTIVITY_KEY] = int(time.time())
        return response
