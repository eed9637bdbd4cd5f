"""The PDF summary of an assessment and its HTML preview.

Same access as the result page: the owner or a reviewer; 404 for anyone else.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessments import selectors
from assessments.audit.access import access_record
from assessments.reports import pdf


@require_safe
@never_cache
@login_required
def assessment_pdf(request, assessment_id):
    assessment = selectors.get_assessment_for_viewer(user=request.user, assessment_id=assessment_id)
    response = HttpResponse(pdf.assessment_pdf(assessment), content_type="application/pdf")
    # inline: browsers preview the document instead of only saving it.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=pdf.pdf_filename(assessment)
    )
    access_record(request=request, assessment=assessment, kind="pdf")
    return response


@require_safe
@never_cache
@login_required
def report_preview(request, assessment_id):
    assessment = selectors.get_assessment_for_viewer(user=request.user, assessment_id=assessment_id)
    links = {
        "pdf": reverse("assessments:pdf", args=[assessment.pk]),
        "back": reverse("assessments:result", args=[assessment.pk]),
    }
    response = HttpResponse(pdf.report_html(assessment, preview_links=links))
    access_record(request=request, assessment=assessment, kind="preview")
    return response
