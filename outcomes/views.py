"""Pages of the procedure, the follow-ups and the delegations of one final assessment.

The assessment's clinician (and the colleagues they delegate to) record; reviewers
read (a write is 403); anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from accounts import security_log
from assessments.audit.access import access_record
from assessments.models import AccessLogEntry
from assessments.roles import clinician_required

from . import choices, presenters, selectors, services
from .forms import DelegationForm, FollowUpForm, ProcedureForm
from .models import FollowUp, Procedure

REFUSED_STATUS = 400


@login_required
@require_GET
def outcomes_detail(request, assessment_id):
    assessment, may_record = selectors.get_assessment_for_reader(
        user=request.user, assessment_id=assessment_id
    )
    context = {
        **presenters.outcome_summary(assessment),
        "may_record": may_record,
        "may_delegate": selectors.may_delegate(user=request.user, assessment=assessment),
        "delegation_form": DelegationForm(),
    }
    access_record(request=request, assessment=assessment, kind=AccessLogEntry.Kind.OUTCOMES)
    return render(request, "outcomes/detail.html", context)


@clinician_required
@require_http_methods(["GET", "POST"])
def procedure_edit(request, assessment_id):
    assessment = selectors.get_assessment_for_recorder(
        user=request.user, assessment_id=assessment_id
    )
    instance = Procedure.objects.filter(assessment=assessment).first() or Procedure(
        assessment=assessment
    )
    instance.assessment = assessment
    if request.method == "POST":
        form = ProcedureForm(request.POST, instance=instance)
        if form.is_valid():
            try:
                services.procedure_save(procedure=form.instance, user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Procedure saved.")
                return redirect("outcomes:detail", assessment.pk)
        return _render_form(request, assessment, form, "procedure", status=REFUSED_STATUS)
    return _render_form(request, assessment, ProcedureForm(instance=instance), "procedure")


@clinician_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request, assessment_id, interval):
    if interval not in choices.Interval.values:
        raise Http404("No such follow-up.")
    assessment = selectors.get_assessment_for_recorder(
        user=request.user, assessment_id=assessment_id
    )
    if not Procedure.objects.filter(assessment=assessment).exists():
        messages.warning(request, "Record whether the procedure was performed first.")
        return redirect("outcomes:procedure", assessment.pk)
    instance = FollowUp.objects.filter(
        assessment=assessment, interval=interval
    ).first() or FollowUp(assessment=assessment, interval=interval)
    instance.assessment = assessment
    if request.method == "POST":
        form = FollowUpForm(request.POST, instance=instance)
        if form.is_valid():
            try:
                services.follow_up_save(follow_up=form.instance, user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{choices.Interval(interval).label} follow-up saved.")
                return redirect("outcomes:detail", assessment.pk)
        return _render_form(
            request,
            assessment,
            form,
            "follow_up",
            status=REFUSED_STATUS,
            interval=choices.Interval(interval),
        )
    return _render_form(
        request,
        assessment,
        FollowUpForm(instance=instance),
        "follow_up",
        interval=choices.Interval(interval),
    )


def _render_form(request, assessment, form, kind, *, status=200, interval=None):
    context = {
        "assessment": assessment,
        "form": form,
        "kind": kind,
        "interval": interval,
        "errors": form.error_summary() if form.is_bound else [],
    }
    return render(request, "outcomes/form.html", context, status=status)


@clinician_required
@require_POST
def delegation_add(request, assessment_id):
    assessment = selectors.get_assessment_for_recorder(
        user=request.user, assessment_id=assessment_id
    )
    if not selectors.may_delegate(user=request.user, assessment=assessment):
        raise Http404("No such assessment.")
    form = DelegationForm(request.POST)
    if form.is_valid() and _too_many_unknown_names(request.user):
        form.add_error(
            "username",
            "Too many user names tried that are no active clinician's; ask your colleague for "
            "their user name and try again in an hour.",
        )
    elif form.is_valid():
        try:
            delegation = services.delegation_grant(
                assessment=assessment, username=form.cleaned_data["username"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            if "username" in error.message_dict:
                _count_unknown_name(request.user)
        else:
            messages.success(
                request, f"{delegation.delegate.get_username()} may now record these outcomes."
            )
            return redirect("outcomes:detail", assessment.pk)
    context = {
        **presenters.outcome_summary(assessment),
        "may_record": True,
        "may_delegate": True,
        "delegation_form": form,
    }
    return render(request, "outcomes/detail.html", context, status=REFUSED_STATUS)


# The delegation form answers "No active clinician has this user name" for anything but an
# active clinician, so it tells whether a name is one. Tries that find no clinician are
# counted per user and hour: past the limit the form refuses to look names up, and each
# miss is a security event, so the form cannot serve to list the clinicians.
UNKNOWN_NAMES_PER_HOUR = 10


def _unknown_names_key(user) -> str:
    return f"delegation-unknown-names:{user.pk}:{int(timezone.now().timestamp() // 3600)}"


def _too_many_unknown_names(user) -> bool:
    return (cache.get(_unknown_names_key(user)) or 0) >= UNKNOWN_NAMES_PER_HOUR


def _count_unknown_name(user) -> None:
    key = _unknown_names_key(user)
    cache.add(key, 0, timeout=2 * 3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=2 * 3600)
        count = 1
    security_log.event("delegation_unknown_user", user=user, detail=f"{count} this hour")


@clinician_required
@require_POST
def delegation_remove(request, assessment_id, user_id):
    assessment = selectors.get_assessment_for_recorder(
        user=request.user, assessment_id=assessment_id
    )
    if not selectors.may_delegate(user=request.user, assessment=assessment):
        raise Http404("No such assessment.")
    services.delegation_revoke(assessment=assessment, delegate_id=user_id)
    messages.success(request, "Delegation removed.")
    return redirect("outcomes:detail", assessment.pk)
