"""The reviewers' page of the impact report of a rules version (docs/specification.md §9):
what switching to it would change, before the switch."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments import rules_versions
from vertebro_rules import versions

from . import impact

# The page lists the first rows of each kind; the CSV download has them all.
PAGE_ROWS = 200


@login_required
@permission_required("assessments.review_assessment", raise_exception=True)  # Reviewers
@require_GET
def rules_impact(request):
    today = timezone.localdate()
    candidate = request.GET.get("candidate") or None
    try:
        rules = impact.candidate_rules(candidate)
    except versions.UnknownVersion as unknown:
        context = {"versions": versions.list_versions(), "error": str(unknown)}
        return render(request, "assessments/rules_impact.html", context, status=400)
    summary = impact.Summary(rules_version=rules.RULES_VERSION)
    rows = impact.impact_rows(
        impact.finalized_records(rules=rules), summary, today=today, rules=rules
    )
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            impact.csv_lines(rows, summary), content_type="text/csv; charset=utf-8"
        )
        filename = f"vertebro-rules-impact-{summary.rules_version}-{today.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    changed, refused = [], []
    for row in rows:
        kept = refused if row.refused else changed
        if len(kept) < PAGE_ROWS:
            kept.append(row)
    context = {
        "summary": summary,
        "summary_by_kind": [(kind, summary.by_kind[kind]) for kind in impact.KINDS],
        "from_versions": sorted(summary.from_versions.items()),
        "changed": changed,
        "refused": refused,
        "changed_more": summary.changed - len(changed),
        "refused_more": summary.refused - len(refused),
        "page_rows": PAGE_ROWS,
        "versions": versions.list_versions(),
        "candidate": rules.RULES_VERSION,
        "active": rules_versions.active_version(),
    }
    return render(request, "assessments/rules_impact.html", context)
