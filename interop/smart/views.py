"""The SMART pages: the record's launch URL and the OAuth 2 redirect back to Vertebro."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts import security_log
from assessments.roles import clinician_required
from assessments.selectors import get_assessment_for_owner

from . import launch as smart_launch
from . import write_back
from .middleware import FRAMED_SESSION_KEY
from .models import EhrWriteBack


def _redirect_uri() -> str:
    return f"{settings.VERTEBRO_PUBLIC_URL}{reverse('smart:callback')}"


def _refused(request, refused: smart_launch.LaunchRefused):
    return render(
        request,
        "smart/refused.html",
        {"title": refused.title, "message": refused.message, "unlinked": refused.unlinked},
        status=refused.status,
    )


@never_cache
@require_safe
def launch(request):
    """EHR launch (SMART App Launch 2.0): `?iss=…&launch=…` from the record."""
    try:
        url = smart_launch.begin(
            session=request.session,
            iss=request.GET.get("iss", "").strip(),
            launch=request.GET.get("launch", "").strip(),
            redirect_uri=_redirect_uri(),
        )
    except smart_launch.LaunchRefused as refused:
        return _refused(request, refused)
    return redirect(url)


@never_cache
@require_safe
def callback(request):
    """The record's answer: sign the practitioner in and open the pre-filled draft."""
    try:
        launched = smart_launch.complete(
            session=request.session, params=request.GET, redirect_uri=_redirect_uri()
        )
    except smart_launch.LaunchRefused as refused:
        return _refused(request, refused)
    login(request, launched.user, backend="django.contrib.auth.backends.ModelBackend")
    security_log.event("smart_sign_in", user=launched.user, detail=launched.launch.issuer[:200])
    draft = smart_launch.start_draft(launched=launched)
    resumed = write_back.resume_with(launched.launch)
    if resumed:
        sent = sum(row.status == row.Status.SENT for row in resumed)
        messages.info(
            request,
            f"{sent} of {len(resumed)} finalized assessments waiting for the record were sent "
            "to it now.",
        )
    request.session[FRAMED_SESSION_KEY] = True
    if launched.launch.prefilled:
        messages.info(
            request,
            "Answers marked “From the EHR” were taken from the electronic record: check "
            "each one, complete the rest and save.",
        )
    return redirect("assessments:step", draft.pk, 1)


@never_cache
@clinician_required
@require_POST
def write_back_retry(request, assessment_id):
    """The owner's "Try again" on the result page of an assessment not yet in the record."""
    assessment = get_assessment_for_owner(user=request.user, assessment_id=assessment_id)
    row = get_object_or_404(EhrWriteBack, assessment=assessment)
    row = write_back.send(row)
    if row.status == EhrWriteBack.Status.SENT:
        messages.success(request, "The assessment is now in the electronic record.")
    else:
        messages.warning(
            request,
            f"The record still did not take it: {row.last_error} The assessment is safe in "
            "Vertebro.",
        )
    return redirect("assessments:result", assessment.pk)
