"""Pages of the sign-in protection: the lockout page django-axes shows."""

from django.conf import settings
from django.shortcuts import render


def lockout(request, original_response=None, credentials=None):
    """The page shown instead of signing in once a user name is locked out from an address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "lockout_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
