"""The clinician's pages: My assessments, the four steps, review, result, finalize.

Views are thin: fetch the assessment for this user (or 404), bind the form,
call a service, redirect. Drafts live in the database, so an interrupted
clinician loses nothing that was saved when they moved on.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import services
from assessments.audit.access import access_record
from assessments.audit.amendments import amendment_links
from assessments.models import Assessment
from assessments.questionnaire import presenters, steps
from assessments.questionnaire.forms import AmendmentForm, WarningsReadForm, form_for
from assessments.reports import display
from assessments.roles import clinician_required
from assessments.selectors import get_assessment_for_owner, get_assessment_for_viewer
from vertebro_rules.errors import InvalidInput

PAGE_SIZE = 20
SEARCH_MAX_LENGTH = 64
FINAL_MESSAGE = "This assessment is final and can no longer be changed."
STALE_STATUS = 409
REFUSED_STATUS = 400
GUIDANCE_SO_FAR_FROM_STEP = 2


@login_required
@require_GET
def assessment_list(request):
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    assessments = (
        Assessment.objects.owned_by(request.user)
        .select_related("amends", "amendment")  # the amendment chain, in the same query
        # Every answer (for the steps done); not the frozen JSON, nor more of the chain
        # than a line shows.
        .defer(*presenters.LIST_DEFERRED)
    )
    if query:
        assessments = assessments.filter(patient_ref__icontains=query)
    page = Paginator(assessments.order_by("-updated", "-created"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "rows": presenters.list_rows(page),
        "query": query,
    }
    return render(request, "assessments/list.html", context)


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
    if request.method == "POST":
        form = form_class(request.POST, instance=draft)
        if form.is_valid():
            try:
                assessment = services.assessment_save_step(
                    assessment=form.instance,
                    fields=form.Meta.fields,
                    expected_version=None,
                    user=request.user,
                )
            except ValidationError as error:
                form.add_model_errors(error)
            else:
                messages.success(request, "Step 1 saved.")
                following = steps.STEPS_BY_NUMBER[1].following(assessment)
                return redirect("assessments:step", assessment.pk, following.number)
        return _render_step(request, form, None, 1, _saved_state(None, 1), status=REFUSED_STATUS)
    form = form_class(instance=draft)
    return _render_step(request, form, None, 1, _saved_state(None, 1))


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
    # Read before the form is bound: binding writes the posted answers into the instance.
    saved = _saved_state(assessment, step)
    form_class = form_for(step, assessment)
    if request.method == "GET":
        return _render_step(request, form_class(instance=assessment), assessment, step, saved)

    form = form_class(request.POST, instance=assessment)
    if not form.is_valid():
        return _render_step(request, form, assessment, step, saved, status=REFUSED_STATUS)
    try:
        services.assessment_save_step(
            assessment=form.instance,
            fields=form.Meta.fields,
            expected_version=form.submitted_version(),
            user=request.user,
        )
    except services.StaleAssessment:
        return _render_step(request, form, assessment, step, saved, status=STALE_STATUS, stale=True)
    except services.AssessmentNotEditable:
        messages.warning(request, FINAL_MESSAGE)
        return redirect("assessments:result", assessment.pk)
    except ValidationError as error:
        form.add_model_errors(error)
        return _render_step(request, form, assessment, step, saved, status=REFUSED_STATUS)
    messages.success(request, f"Step {step} saved.")
    following = steps.STEPS_BY_NUMBER[step].following(form.instance)
    if following is None:
        return redirect("assessments:review", assessment.pk)
    return redirect("assessments:step", assessment.pk, following.number)


def _saved_state(assessment, step) -> dict:
    """What a step page shows of the saved answers, not of what the request tries to save:
    the step indicator, from step 2 on the guidance so far, and on every step a red flag
    the saved answers raise (§6: at the top of the step, whatever is still missing)."""
    so_far = (
        presenters.guidance_so_far(assessment, today=timezone.localdate())
        if assessment is not None
        else None
    )
    return {
        "indicator": steps.indicator(assessment, current=step),
        "guidance_so_far": so_far if step >= GUIDANCE_SO_FAR_FROM_STEP else None,
        "red_flag": so_far.red_flag if so_far is not None else None,
    }


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
    context = {
        "assessment": assessment,
        "form": form,
        "step": current,
        "step_count": len(steps.STEPS),
        **saved,
        # A draft started under an earlier rules version than the active one says so.
        "rules_notice": (
            presenters.rules_version_notice(assessment) if assessment is not None else None
        ),
        "errors": form.error_summary() if form.is_bound else [],
        # §8: a refused step still shows the red flags its valid answers raise.
        "red_flags": _red_flags(form) if form.is_bound and form.errors else [],
        "action": action,
        "back_url": back_url,
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
