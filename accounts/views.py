"""Pages of the sign-in protection: the lockout page django-axes shows, the password change."""

import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import security_log
from accounts.middleware import LAST_ACTIVITY_KEY


def lockout(request, original_response=None, credentials=None):
    """The page shown instead of signing in once a user name is locked out from an address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.VERTEBRO_LOCKOUT_ADDRESS_FAILURES,
            "lockout_minutes": minutes,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with wrong old passwords counted as failed sign-ins.

    A wrong "old password" is a guess at the password like a failed sign-in, so it goes to
    the same django-axes counter (user name and address): after AXES_FAILURE_LIMIT wrong
    guesses the user is signed out and sees the lockout page, and signing in again is locked
    for the same cool-off. Failures and changes are in the security log.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and AxesProxyHandler.is_locked(
            request, self._credentials(request)
        ):
            return self._locked_out(request)
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def _credentials(request) -> dict:
        return {settings.AXES_USERNAME_FORM_FIELD: request.user.get_username()}

    def _locked_out(self, request):
        user = request.user
        logout(request)
        security_log.event("password_change_locked", user=user)
        return lockout(request)

    def form_invalid(self, form):
        if "old_password" in form.errors:
            request = self.request
            security_log.event("password_change_failed", user=request.user)
            AxesProxyHandler.user_login_failed(
                sender=type(self), credentials=self._credentials(request), request=request
            )
            if getattr(request, "axes_locked_out", False):
                return self._locked_out(request)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        security_log.event("password_changed", user=self.request.user)
        return response


@login_required
@require_GET
def keep_alive(request):
    """ "Stay signed in" of the idle warning: counts as activity now, and says how many
    seconds are left until the idle sign-out."""
    request.session[LAST_ACTIVITY_KEY] = int(time.time())
    return JsonResponse({"seconds_left": settings.VERTEBRO_SESSION_IDLE_MINUTES * 60})
