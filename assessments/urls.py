from django.urls import path

from assessments.audit import views as audit_views
from assessments.questionnaire import views
from assessments.reports import views as report_views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("assessments/new/", views.assessment_new, name="new"),
    path("assessments/<uuid:assessment_id>/", views.assessment_open, name="open"),
    path(
        "assessments/<uuid:assessment_id>/step/<int:step>/",
        views.assessment_step,
        name="step",
    ),
    path("assessments/<uuid:assessment_id>/review/", views.assessment_review, name="review"),
    path("assessments/<uuid:assessment_id>/result/", views.assessment_result, name="result"),
    path("assessments/<uuid:assessment_id>/finalize/", views.assessment_finalize, name="finalize"),
    path("assessments/<uuid:assessment_id>/amend/", views.assessment_amend, name="amend"),
    path("assessments/<uuid:assessment_id>/reassess/", views.assessment_reassess, name="reassess"),
    path("assessments/<uuid:assessment_id>/discard/", views.assessment_discard, name="discard"),
    path(
        "assessments/<uuid:assessment_id>/rules-version/",
        views.assessment_move_rules,
        name="move_rules",
    ),
    path("assessments/<uuid:assessment_id>/report.pdf", report_views.assessment_pdf, name="pdf"),
    path(
        "assessments/<uuid:assessment_id>/report/",
        report_views.report_preview,
        name="report_preview",
    ),
    path("review/", views.reviewer_home, name="reviewer_home"),
    path("review/rules-impact/", audit_views.rules_impact, name="rules_impact"),
]
