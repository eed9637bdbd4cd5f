"""What every page needs to know about the session: how long until the idle sign-out."""

import time

from django.conf import settings

from accounts.middleware import LAST_ACTIVITY_KEY


def idle_sign_out(request) -> dict:
    """`idle_seconds_left`: seconds until the idle sign-out (static/js/vertebro.js warns a
    minute before, and saves a step's unsaved typing as a draft just before it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    limit = settings.VERTEBRO_SESSION_IDLE_MINUTES * 60
    last = request.session.get(LAST_ACTIVITY_KEY)
    left = limit - (int(time.time()) - last) if isinstance(last, int) else limit
    return {"idle_seconds_left": max(left, 0)}
