"""The clinician's pages: My assessments, the four steps, review, result, finalize.

Views are thin: fetch the assessment for this user (or 404), bind the form,
call a service, redirect. A new assessment and a draft's step share one save flow
(`_save_step`). Drafts live in the database, so an interrupted
clinician loses nothing that was saved when they moved on.
"""

import copy
import functools
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import security_log
from assessments import selectors, services
from assessments.audit.access import access_record
from assessments.audit.amendments import amendment_links
from assessments.models import Assessment
from assessments.questionnaire import list_rows_html, presenters, steps
from assessments.questionnaire.forms import AmendmentForm, WarningsReadForm, form_for
from assessments.reports import display
from assessments.roles import clinician_required, is_clinician
from assessments.selectors import (
    get_assessment_for_owner,
    get_assessment_for_viewer,
    user_can_review,
)
from vertebro_lib.pages import page_of
from vertebro_rules.errors import InvalidInput

# The `go` value of the post the idle sign-out sends (static/js/vertebro.js).
IDLE_SIGN_OUT = "idle-sign-out"
LEAVING_REFUSED = (
    "Nothing was saved and you stayed on this step: correct or clear the answers marked, "
    "then leave it."
)
PAGE_SIZE = 20
# The reviewer's home: the latest final assessments, and the finals counted over a month.
REVIEWER_RECENT_ROWS = 10
RECENT_DAYS = 30
SEARCH_MAX_LENGTH = 64
FINAL_MESSAGE = "This assessment is final and can no longer be changed."
STALE_STATUS = 409
REFUSED_STATUS = 400
GUIDANCE_SO_FAR_FROM_STEP = 2
_FIRST_PAGE = presenters.first_page_of_my_assessments(PAGE_SIZE)


@login_required
@require_GET
def assessment_list(request):
    """The start page: a clinician's own assessments; a reviewer's home for a reviewer who
    does not assess patients (a reviewer who is also a clinician keeps My assessments and
    reaches the reviewer's home from the menu)."""
    if user_can_review(request.user) and not is_clinician(request.user):
        return _reviewer_home(request)
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    assessments = presenters.my_assessments(request.user)
    if query:
        assessments = assessments.filter(patient_ref__icontains=query)
    page = page_of(
        assessments,
        PAGE_SIZE,
        request.GET.get("page"),
        # Without a search, the first page (the start page) is read with SQL written once.
        first_rows=None if query else functools.partial(_FIRST_PAGE, request.user.pk),
    )
    rows = presenters.list_rows(page)
    context = {
        "page": page,
        "rows": rows,
        "rows_html": list_rows_html.rows_html(rows),
        "query": query,
    }
    return render(request, "assessments/list.html", context)


@login_required
@require_GET
def reviewer_home(request):
    if not user_can_review(request.user):
        raise PermissionDenied
    return _reviewer_home(request)


def _reviewer_home(request):
    """What a reviewer does, one link each, and the latest final assessments of every
    clinician, each with its result, PDF and admin page."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    context = {
        "rows": presenters.final_rows(selectors.recent_finals(limit=REVIEWER_RECENT_ROWS)),
        "recent_days": RECENT_DAYS,
        "finalized_recently": Assessment.objects.finalized()
        .filter(finalized_at__gte=since)
        .count(),
        "drafts_in_progress": Assessment.objects.drafts().count(),
    }
    return render(request, "assessments/reviewer_home.html", context)


@login_required
@require_GET
def assessment_open(request, assessment_id):
    """Where a line of My assessments leads: the result, the first incomplete step, or review."""
    assessment = get_assessment_for_owner(user=request.user, assessment_id=assessment_id)
    if assessment.is_final:
        return redirect("assessments:result", assessment.pk)
    first_open = steps.first_incomplete_step(assessment)
    if first_open is None:
        return redirect("assessments:review", assessment.pk)
    return redirect("assessments:step", assessment.pk, first_open)


@clinician_required
@require_http_methods(["GET", "POST"])
def assessment_new(request):
    """Step 1 of a new assessment; the assessment exists once step 1 is valid."""
    draft = Assessment(owner=request.user)
    form_class = form_for(1, draft)
    saved = _saved_state(None, 1)
    if request.method == "GET":
        return _render_step(request, form_class(instance=draft), None, 1, saved)
    form = form_class(request.POST, instance=draft)
    return _save_step(request, form, None, 1, saved, expected_version=None)


@clinician_required
@require_http_methods(["GET", "POST"])
def assessment_step(request, assessment_id, step):
    if step not in steps.STEPS_BY_NUMBER:
        raise Http404("No such step.")
    assessment = get_assessment_for_owner(user=request.user, assessment_id=assessment_id)
    if assessment.is_final:
        messages.warning(request, FINAL_MESSAGE)
        return redirect("assessments:result", assessment.pk)
    first_open = steps.first_incomplete_step(assessment)
    if first_open is not None and first_open < step:
        messages.warning(
            request,
            f"Complete step {first_open} ({steps.STEPS_BY_NUMBER[first_open].title}) first.",
        )
        return redirect("assessments:step", assessment.pk, first_open)
    # Taken before the form is bound: binding writes the posted answers into the instance.
    saved = _saved_state(assessment, step)
    form_class = form_for(step, assessment)
    if request.method == "GET":
        return _render_step(request, form_class(instance=assessment), assessment, step, saved)
    form = form_class(request.POST, instance=assessment)
    leaving_to = _leaving_to(request, assessment)
    if leaving_to == IDLE_SIGN_OUT:
        return _save_and_sign_out(request, form, assessment, step)
    return _save_step(
        request,
        form,
        assessment,
        step,
        saved,
        expected_version=form.submitted_version(),
        leaving_to=leaving_to,
    )


def _save_step(request, form, assessment, step, saved, *, expected_version, leaving_to=None):
    """The one save flow of a step (step 1 of a new assessment, or any step of a draft).

    Valid answers are saved by `services.assessment_save_step`, then the clinician is sent to
    the step that follows (or the review), or to `leaving_to` (a link followed with unsaved
    typing). Refused answers (400), a stale page (409) or a final assessment get the step
    page again, or the result, and nothing is saved.
    """
    if not form.is_valid():
        if leaving_to:
            messages.warning(request, LEAVING_REFUSED)
        return _render_step(request, form, assessment, step, saved, status=REFUSED_STATUS)
    try:
        saved_assessment = services.assessment_save_step(
            assessment=form.instance,
            fields=form.Meta.fields,
            expected_version=expected_version,
            user=request.user,
            validated=True,  # the valid form has run the model's validation of its fields
        )
    except services.StaleAssessment:
        return _render_step(request, form, assessment, step, saved, status=STALE_STATUS, stale=True)
    except services.AssessmentNotEditable:
        messages.warning(request, FINAL_MESSAGE)
        return redirect("assessments:result", form.instance.pk)
    except ValidationError as error:
        form.add_model_errors(error)
        return _render_step(request, form, assessment, step, saved, status=REFUSED_STATUS)
    messages.success(request, f"Step {step} saved.")
    if leaving_to:
        return redirect(leaving_to)
    following = steps.STEPS_BY_NUMBER[step].following(saved_assessment)
    if following is None:
        return redirect("assessments:review", saved_assessment.pk)
    return redirect("assessments:step", saved_assessment.pk, following.number)


def _leaving_to(request, assessment) -> str | None:
    """Where a post that leaves the step goes once its answers are saved as a draft: the
    `go` field names a page of this site (the Back button, a step link or a menu link, which
    static/js/vertebro.js turns into a save when something was typed), or IDLE_SIGN_OUT."""
    go = request.POST.get("go", "")
    if not go:
        return None
    if go == IDLE_SIGN_OUT:
        return IDLE_SIGN_OUT
    if go.startswith("/") and url_has_allowed_host_and_scheme(
        go, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return go
    return reverse("assessments:open", args=[assessment.pk])


def _save_and_sign_out(request, form, assessment, step):
    """The idle sign-out of a step with unsaved typing: keep every valid answer as a draft,
    then sign out as the idle timeout would have, and come back to this step after sign-in."""
    valid = form.is_valid()
    fields = (
        form.Meta.fields if valid else tuple(f for f in form.Meta.fields if f not in form.errors)
    )
    saved = False
    if valid or not form.non_field_errors():
        try:
            services.assessment_save_step(
                assessment=form.instance,
                fields=fields,
                expected_version=form.submitted_version(),
                user=request.user,
            )
            saved = True
        except (ValidationError, services.StaleAssessment, services.AssessmentNotEditable):
            saved = False
    minutes = settings.VERTEBRO_SESSION_IDLE_MINUTES
    security_log.event("session_idle_expired", user=request.user)
    logout(request)
    if saved and valid:
        text = "What you had typed on this step was saved as a draft."
    elif saved:
        text = (
            "Your valid answers on this step were saved as a draft; the ones marked wrong "
            "were not, so check this step."
        )
    else:
        text = (
            "Your answers on this step could not be saved; the draft keeps what was saved before."
        )
    messages.info(
        request,
        f"You were signed out after {minutes} minutes without activity. {text} Sign in to continue.",
    )
    return redirect_to_login(reverse("assessments:step", args=[assessment.pk, step]))


def _saved_state(assessment, step):
    """What a step page shows of the saved answers, not of what the request tries to save:
    the step indicator, from step 2 on the guidance so far, and on every step a red flag
    the saved answers raise (§6: at the top of the step, whatever is still missing).

    Read from a copy of the assessment taken now (binding the form writes the posted answers
    into the instance), and computed only when the page is rendered: a POST that saves and
    redirects computes none of it. Returns the function that computes them.
    """
    snapshot = copy.copy(assessment)

    def state() -> dict:
        so_far = (
            presenters.guidance_so_far(snapshot, today=timezone.localdate())
            if snapshot is not None
            else None
        )
        return {
            "indicator": steps.indicator(snapshot, current=step),
            "guidance_so_far": so_far if step >= GUIDANCE_SO_FAR_FROM_STEP else None,
            "red_flag": so_far.red_flag if so_far is not None else None,
        }

    return state


def _render_step(request, form, assessment, step, saved, *, status=200, stale=False):
    current = steps.STEPS_BY_NUMBER[step]
    if assessment is None:
        action = reverse("assessments:new")
        back_url = reverse("assessments:list")
    else:
        action = reverse("assessments:step", args=[assessment.pk, step])
        back_url = (
            reverse("assessments:step", args=[assessment.pk, step - 1])
            if step > 1
            else reverse("assessments:list")
        )
    # Answers a launch from the electronic record filled in, still as the record sent them,
    # are marked "From the EHR" on the step, for the clinician to check.
    from_record = (
        assessment.answers_from_record() if assessment is not None and not form.is_bound else []
    )
    for name in from_record:
        if name in form.fields:
            form.fields[name].from_record = True
    context = {
        "assessment": assessment,
        "form": form,
        "step": current,
        "step_count": len(steps.STEPS),
        **saved(),
        # A draft started under an earlier rules version than the active one says so.
        "rules_notice": (
            presenters.rules_version_notice(assessment) if assessment is not None else None
        ),
        # What the launch from the record said of its answers (a level treated twice, …).
        "record_notes": (
            (assessment.from_record or {}).get("notes", [])
            if assessment is not None and step == 1
            else []
        ),
        "errors": form.error_summary() if form.is_bound else [],
        # §8: a refused step still shows the red flags its valid answers raise.
        "red_flags": _red_flags(form) if form.is_bound and form.errors else [],
        "action": action,
        "back_url": back_url,
        # Back saves what was typed as a draft (an existing draft only; a new one has none).
        "back_saves": assessment is not None,
        "is_last_step": step == steps.STEP_NUMBERS[-1],
        "stale": stale,
    }
    return render(request, "assessments/step.html", context, status=status)


def _red_flags(form) -> list[str]:
    """The §8 red-flag lines of the answers saved and posted (a refused answer is not read)."""
    values = form.instance.input_values()
    return form.edition.red_flag_lines(values, today=timezone.localdate())


@login_required
@require_GET
def assessment_review(request, assessment_id):
    assessment = get_assessment_for_owner(user=request.user, assessment_id=assessment_id)
    if assessment.is_final:
        messages.warning(request, FINAL_MESSAGE)
        return redirect("assessments:result", assessment.pk)
    section = display.guidance_section(assessment, today=timezone.localdate())
    context = {
        "assessment": assessment,
        "groups": display.answer_groups(assessment),
        "indicator": steps.indicator(assessment, current="review"),
        "rules_notice": presenters.rules_version_notice(assessment),
        # No guidance yet (an answer missing or refused): a red flag still shows at once.
        "red_flag": (
            presenters.guidance_so_far(assessment, today=timezone.localdate()).red_flag
            if section.guidance is None
            else None
        ),
        **section.as_context(),
    }
    return render(request, "assessments/review.html", context)


@login_required
@require_GET
def assessment_result(request, assessment_id):
    assessment = get_assessment_for_viewer(user=request.user, assessment_id=assessment_id)
    # A final assessment shows what was frozen, never a re-evaluation.
    section = display.guidance_section(assessment, today=timezone.localdate())
    context = {
        "assessment": assessment,
        "is_owner": assessment.owner_id == request.user.pk,
        "links": amendment_links(assessment, user=request.user),
        # Reassessments at later visits, both ways (not part of the amendment chain).
        "reassesses": assessment.reassesses,
        "reassessments": selectors.reassessments_of(assessment),
        "can_reassess": assessment.is_current_final and assessment.owner_id == request.user.pk,
        "groups": display.answer_groups(assessment),
        "chart_note": (
            presenters.chart_note(assessment, section.guidance) if section.guidance else ""
        ),
        **section.as_context(),
    }
    access_record(request=request, assessment=assessment, kind="result")
    return render(request, "assessments/result.html", context)


@clinician_required
@require_http_methods(["GET", "POST"])
def assessment_finalize(request, assessment_id):
    assessment = get_assessment_for_owner(user=request.user, assessment_id=assessment_id)
    if assessment.is_final:
        messages.warning(request, FINAL_MESSAGE)
        return redirect("assessments:result", assessment.pk)
    section = display.guidance_section(assessment, today=timezone.localdate())
    if section.guidance is None:
        messages.warning(request, "Complete every step before finalizing.")
        return redirect("assessments:review", assessment.pk)
    form = WarningsReadForm(
        request.POST if request.method == "POST" else None, warnings=section.guidance.warnings
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_finalize(
                assessment=assessment, user=request.user, acknowledged=form.acknowledged()
            )
        except services.AssessmentNotEditable:
            messages.warning(request, FINAL_MESSAGE)
        except services.WarningsNotAcknowledged as refusal:
            # The warnings changed since the page was shown (another tab saved an answer).
            messages.error(request, f"{refusal} The warnings below are those of now.")
            return redirect("assessments:finalize", assessment.pk)
        except InvalidInput:
            messages.error(request, "This assessment cannot be finalized yet; see below.")
            return redirect("assessments:review", assessment.pk)
        else:
            messages.success(request, "Assessment finalized. Its guidance is now frozen.")
        return redirect("assessments:result", assessment.pk)
    context = {
        "assessment": assessment,
        "form": form,
        "errors": form.error_summary() if form.is_bound else [],
        **section.as_context(),
    }
    status = REFUSED_STATUS if form.is_bound else 200
    return render(request, "assessments/finalize.html", context, status=status)


@clinician_required
@require_POST
def assessment_move_rules(request, assessment_id):
    """Move a draft started under an earlier rules version to the active one (its owner's
    explicit choice, from the notice on its steps and review)."""
    assessment = get_assessment_for_owner(user=request.user, assessment_id=assessment_id)
    raw = request.POST.get("version", "")
    expected = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None
    try:
        moved = services.assessment_move_to_rules_version(
            assessment=assessment, user=request.user, expected_version=expected
        )
    except services.NotMovable as refusal:
        messages.warning(request, str(refusal))
        return redirect("assessments:open", assessment.pk)
    except services.StaleAssessment:
        messages.warning(
            request,
            "This draft was changed elsewhere since the page was loaded; it was not moved. "
            "Check it, then move it again.",
        )
        return redirect("assessments:open", assessment.pk)
    first_open = steps.first_incomplete_step(moved)
    follow = (
        f" Answer the new questions of step {first_open} next."
        if first_open is not None
        else " Review the guidance under these rules before finalizing."
    )
    messages.success(
        request, f"This draft now follows rules version {moved.rules_version}.{follow}"
    )
    return redirect("assessments:open", moved.pk)


@clinician_required
@require_http_methods(["GET", "POST"])
def assessment_discard(request, assessment_id):
    """Discard a draft, after a confirmation page; only its owner may, never a final one."""
    assessment = get_assessment_for_owner(user=request.user, assessment_id=assessment_id)
    if assessment.is_final:
        messages.warning(request, "A final assessment is never discarded; amend it instead.")
        return redirect("assessments:result", assessment.pk)
    if request.method == "POST":
        try:
            services.assessment_discard(assessment=assessment, user=request.user)
        except services.NotDiscardable as refusal:
            messages.warning(request, str(refusal))
            return redirect("assessments:list")
        messages.success(
            request,
            f"The draft {assessment.patient_ref or 'without a reference'} was discarded. "
            "It no longer appears here; the audit history keeps it.",
        )
        return redirect("assessments:list")
    context = {"assessment": assessment, "steps_done": len(steps.completed_steps(assessment))}
    return render(request, "assessments/discard.html", {**context, "step_count": len(steps.STEPS)})


@clinician_required
@require_http_methods(["GET", "POST"])
def assessment_amend(request, assessment_id):
    """Start (with a reason) or resume the amendment of a final assessment; only its owner may."""
    assessment = get_assessment_for_owner(user=request.user, assessment_id=assessment_id)
    links = amendment_links(assessment, user=request.user)
    if links.can_amend:
        form = AmendmentForm(request.POST if request.method == "POST" else None)
        if not form.is_valid():
            status = REFUSED_STATUS if form.is_bound else 200
            context = {"assessment": assessment, "form": form, "errors": form.error_summary()}
            return render(request, "assessments/amend.html", context, status=status)
        reason = form.cleaned_data["reason"]
    elif links.successor_in_progress:
        return redirect("assessments:open", links.successor.pk)  # resume the amendment
    elif request.method == "GET":
        return redirect("assessments:result", assessment.pk)
    else:
        reason = ""  # refused below, with the reason why
    try:
        amendment = services.assessment_amend(
            assessment=assessment, user=request.user, reason=reason
        )
    except services.NotAmendable as refusal:
        messages.warning(request, str(refusal))
        return redirect("assessments:result", assessment.pk)
    messages.success(
        request,
        "Amendment started: a new draft pre-filled from the final assessment, which stays "
        "unchanged. Correct what needs correcting, then finalize the amendment.",
    )
    return redirect("assessments:step", amendment.pk, 1)


@clinician_required
@require_POST
def assessment_reassess(request, assessment_id):
    """Start (or resume) the reassessment of a final assessment at a later visit; only its
    owner, while a member of the Clinicians group, may. The earlier assessment stays final and unchanged."""
    assessment = get_assessment_for_owner(user=request.user, assessment_id=assessment_id)
    try:
        reassessment = services.assessment_reassess(assessment=assessment, user=request.user)
    except services.NotReassessable as refusal:
        messages.warning(request, str(refusal))
        return redirect("assessments:result", assessment.pk)
    messages.success(
        request,
        "Reassessment started: a new draft pre-filled from the final assessment, which stays "
        "final and unchanged. The patient, the index procedure and the course of the pain are "
        "copied; today's findings (pain now, weeks of therapy, examination, infection, "
        "complications, contraindications) and the MRI reading are left empty to be asked "
        "again. Enter them, then finalize it.",
    )
    return redirect("assessments:open", reassessment.pk)
