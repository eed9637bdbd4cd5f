from django.contrib import admin

from .models import EhrWriteBack, SmartIdentity, SmartLaunch


@admin.register(SmartIdentity)
class SmartIdentityAdmin(admin.ModelAdmin):
    list_display = ("fhir_user", "issuer", "user", "created_at")
    list_filter = ("issuer",)
    search_fields = ("fhir_user", "user__username")
    autocomplete_fields = ("user",)


@admin.register(SmartLaunch)
class SmartLaunchAdmin(admin.ModelAdmin):
    list_display = ("launched_at", "issuer", "user", "fhir_user")
    list_filter = ("issuer",)
    # The tokens are never shown.
    fields = ("launched_at", "issuer", "user", "fhir_user", "assessment", "prefilled", "scope")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EhrWriteBack)
class EhrWriteBackAdmin(admin.ModelAdmin):
    list_display = ("created_at", "assessment", "status", "attempts", "last_error", "sent_at")
    list_filter = ("status",)
    readonly_fields = (
        "launch",
        "assessment",
        "status",
        "attempts",
        "last_error",
        "document_reference",
        "questionnaire_response",
        "created_at",
        "last_attempt_at",
        "sent_at",
    )

    def has_add_permission(self, request):
        return False
