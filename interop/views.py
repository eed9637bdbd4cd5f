"""Pages of the interoperability layer a clinician opens in the browser."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import launch

GONE = 410


@never_cache
@login_required
@permission_required("assessments.add_assessment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def launch_open(request, handle):
    """From an app-link card: confirm, then a new draft with step 1 pre-filled from the record.

    GET only asks (a link preview must not use the handle up); POST uses it.
    """
    now = timezone.now()
    if request.method == "GET":
        if not launch.launch_is_open(handle=handle, now=now):
            return render(request, "interop/launch_gone.html", status=GONE)
        return render(request, "interop/launch.html")
    try:
        draft = launch.launch_consume(handle=handle, user=request.user, now=now)
    except launch.LaunchUnavailable:
        return render(request, "interop/launch_gone.html", status=GONE)
    messages.info(
        request,
        "Step 1 holds the answers taken from the electronic record. Check each one, "
        "complete the rest and save.",
    )
    return redirect("assessments:step", draft.pk, 1)
