from django.contrib import admin

from accounts.admin_mixins import ReadOnlyAdminMixin

from .models import CdsCall, CdsFeedback


@admin.register(CdsCall)
class CdsCallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The CDS Hooks call log: read only (no patient data in it)."""

    list_display = (
        "called_at",
        "client",
        "service",
        "hook",
        "status",
        "cards",
        "card_kinds",
        "reason",
    )
    list_filter = ("status", "hook", "card_kinds")
    search_fields = ("client", "hook_instance")
    date_hierarchy = "called_at"


@admin.register(CdsFeedback)
class CdsFeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What clinicians did with the cards in the electronic record: read only."""

    list_display = (
        "outcome_timestamp",
        "outcome",
        "recommendation",
        "deciding_rule",
        "override_reason_display",
        "service_id",
    )
    list_filter = ("outcome", "recommendation", "override_reason_code")
    date_hierarchy = "outcome_timestamp"
