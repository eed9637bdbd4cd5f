"""The department audit dashboard and its PDF (same content, same filter).

Reviewers see every clinician by name and every case for the meeting. A clinician sees
the department view: the same figures, the other clinicians as letters, themselves named,
and only their own cases.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessments.reports.pdf import html_to_pdf
from assessments.selectors import user_can_review

from .audit_cache import audit
from .dashboard import dashboard as display
from .forms_audit import AuditFilterForm

REFUSED_STATUS = 400


CLINICIAN_PERMISSION = "assessments.add_assessment"


def _context(request):
    user = request.user
    named = user_can_review(user)
    if not named and not user.has_perm(CLINICIAN_PERMISSION):
        raise PermissionDenied("The outcomes audit is for clinicians and reviewers.")
    form = AuditFilterForm(request.GET, viewer=user, named=named)
    generated_at = timezone.localtime()
    context = {"form": form, "generated_at": generated_at, "named": named}
    if not form.is_valid():
        return {**context, "errors": form.error_summary()}, REFUSED_STATUS
    result = audit(
        form.audit_filter(),
        today=timezone.localdate(),
        case_owner_id=None if named else user.pk,
    )
    context["data_as_of"] = timezone.localtime(result.computed_at)
    context |= display(
        result,
        clinician_names=form.clinician_names,
        viewer_id=user.pk,
        named=named,
        generated_at=generated_at,
    )
    context["filter_text"] = form.description()
    context["query"] = urlencode(
        {name: form.data[name] for name in form.fields if form.data.get(name)}
    )
    return context, 200


@require_safe
@never_cache
@login_required
def dashboard(request):
    context, status = _context(request)
    return render(request, "outcomes/dashboard.html", context, status=status)


@require_safe
@never_cache
@login_required
def dashboard_pdf(request):
    context, status = _context(request)
    if status != 200:
        return render(request, "outcomes/dashboard.html", context, status=status)
    html = render_to_string("outcomes/pdf/dashboard.html", context)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    filename = f"vertebro-outcomes-audit-{context['generated_at']:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=filename
    )
    return response
