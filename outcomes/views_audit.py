"""The reviewers' audit dashboard and its PDF (same content, same filter)."""

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

from .audit import audit
from .dashboard import dashboard as display
from .forms_audit import AuditFilterForm

REFUSED_STATUS = 400


def _context(request):
    if not user_can_review(request.user):
        raise PermissionDenied("The outcomes audit is for reviewers.")
    form = AuditFilterForm(request.GET)
    context = {"form": form, "generated_at": timezone.localtime()}
    if not form.is_valid():
        return {**context, "errors": form.error_summary()}, REFUSED_STATUS
    context |= display(audit(form.audit_filter()))
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
