"""The SMART pages: the record's launch URL and the OAuth 2 redirect back to Vertebro."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import security_log
from assessments.questionnaire.presenters import FROM_RECORD_SESSION_KEY

from . import launch as smart_launch
from .middleware import FRAMED_SESSION_KEY


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
    request.session[FRAMED_SESSION_KEY] = True
    request.session[FROM_RECORD_SESSION_KEY] = {str(draft.pk): list(launched.launch.prefilled)}
    if launched.launch.prefilled:
        messages.info(
            request,
            "Answers marked “From the EHR” were taken from the electronic record: check "
            "each one, complete the rest and save.",
        )
    for note in launched.notes:
        messages.warning(request, note)
    return redirect("assessments:step", draft.pk, 1)
