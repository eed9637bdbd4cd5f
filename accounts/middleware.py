"""Request-wide security behaviour: the client address for the security log, idle sign-out,
no caching of pages, request limits."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, ValidationError
from django.db import DataError
from django.utils.cache import add_never_cache_headers
from django.views.defaults import bad_request

from accounts import security_log

LAST_ACTIVITY_KEY = "vertebro_last_activity"
logger = logging.getLogger("django.security.BadRequest")


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


class NoStoreMiddleware:
    """Tell browsers and proxies to keep no copy of any page Vertebro builds.

    Nearly every page shows patient data (lists, steps, results, the admin, PDFs, exports), and
    a shared workstation's cache or a proxy must not keep them. Static files are served by
    WhiteNoise before this middleware runs, so they stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class RequestLimitsMiddleware:
    """Refuse, before anything reads it, a request that no page of Vertebro needs.

    - A body longer than DATA_UPLOAD_MAX_MEMORY_SIZE, whatever its type: Django's own limit
      leaves out the file parts of a multipart body. Paths listed in
      VERTEBRO_OWN_BODY_LIMIT_PATHS check their own (larger) limit.
    - A query string holding a NUL character: PostgreSQL refuses NUL in text, and no field of
      Vertebro can contain one.
    Both answer with the 400 page (RequestDataTooBig and SuspiciousOperation are 400s).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise SuspiciousOperation("The Content-Length header is not a number.") from None
        # Endpoints that enforce a body limit of their own (the CDS Hooks service).
        if request.path.startswith(tuple(settings.VERTEBRO_OWN_BODY_LIMIT_PATHS)):
            limit = None
        if limit is not None and length > limit:
            raise RequestDataTooBig(
                f"Request body of {length} bytes exceeds DATA_UPLOAD_MAX_MEMORY_SIZE ({limit})."
            )
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise SuspiciousOperation("A query parameter contains a NUL character.")
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A value from the URL that cannot be converted (an id that is not a UUID, a year past
        any calendar, an address the database cannot read as one) is the client's error: the
        400 page, not a server error. Views of our own turn such values into form errors; this
        catches the admin's and its add-ons'. A database DataError counts only for a read
        (GET, HEAD): a write that fails on its data is a validation gap, left a 500."""
        if isinstance(exception, (ValidationError, OverflowError)) or (
            isinstance(exception, DataError) and request.method in ("GET", "HEAD")
        ):
            logger.warning(
                "Bad request to %s: %s", request.path, exception, extra={"request": request}
            )
            return bad_request(request, SuspiciousOperation(str(exception)))
        return None
