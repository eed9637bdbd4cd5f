from django.urls import path

from . import views, views_audit

app_name = "outcomes"

urlpatterns = [
    path("assessments/<uuid:assessment_id>/outcomes/", views.outcomes_detail, name="detail"),
    path(
        "assessments/<uuid:assessment_id>/outcomes/procedure/",
        views.procedure_edit,
        name="procedure",
    ),
    path(
        "assessments/<uuid:assessment_id>/outcomes/follow-up/<str:interval>/",
        views.follow_up_edit,
        name="follow_up",
    ),
    path(
        "assessments/<uuid:assessment_id>/outcomes/delegates/",
        views.delegation_add,
        name="delegation_add",
    ),
    path(
        "assessments/<uuid:assessment_id>/outcomes/delegates/<int:user_id>/remove/",
        views.delegation_remove,
        name="delegation_remove",
    ),
    path("audit/outcomes/", views_audit.dashboard, name="dashboard"),
    path("audit/outcomes.pdf", views_audit.dashboard_pdf, name="dashboard_pdf"),
]
