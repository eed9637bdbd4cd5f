from django.contrib import admin

from accounts.admin_mixins import ReadOnlyAdminMixin

from .models import CdsCall


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
