"""The admin: reviewers look back over assessments and the access log.

Final and superseded assessments are read-only here for everyone, superusers
included; a draft is changed only by its owner; reviewers (view permissions only)
change nothing. Opening an
assessment or its history in the admin is recorded in the access log.
"""

from datetime import date, datetime, timedelta

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from accounts import security_log
from accounts.admin_mixins import ReadOnlyAdminMixin
from assessments import integrity
from assessments.audit.access import access_record
from assessments.models import AccessLogEntry, Assessment, RulesVersionSwitch
from assessments.questionnaire.steps import STEPS
from assessments.reports import display, export
from assessments.roles import is_clinician
from outcomes.export import CSV_COLUMNS
from vertebro_lib.codes import is_blank
from vertebro_lib.people import person_name
from vertebro_rules import vocabulary

RECORD_FIELDS = (
    "owner",
    "status",
    "version",
    "created",
    "updated",
    "finalized_at",
    "finalized_by",
    "amends",
    "amended_by",
)
RESULT_FIELDS = (
    "scenario",
    "recommendation",
    "deciding_rule",
    "rules_version",
    "headline",
    "digest",
)


def _app_link(route: str, assessment: Assessment, text: str) -> str:
    """A link to one of the app's pages for this assessment, or nothing if the route is absent."""
    try:
        url = reverse(route, args=[assessment.pk])
    except NoReverseMatch:
        return ""
    return format_html('<a href="{}">{}</a>', url, text)


def _admin_link(assessment: Assessment | None) -> str:
    if assessment is None:
        return "—"
    url = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    return format_html('<a href="{}">{}</a>', url, assessment)


EMPTY = "—"


def person(user) -> str:
    """A user as people read it: the full name, else the user name; "—" for nobody."""
    return person_name(user, nobody=EMPTY)


def describe(assessment: Assessment) -> str:
    """One assessment told apart from its amendments: reference, level, status and date."""
    level = f", {assessment.treated_level}" if assessment.treated_level else ""
    when = (
        " " + date_format(timezone.localtime(assessment.finalized_at), "DATETIME_FORMAT")
        if assessment.finalized_at
        else ""
    )
    amendment = ", amendment" if assessment.amends_id else ""
    status = assessment.get_status_display().lower()
    return f"{assessment.patient_ref or '(no reference)'}{level} ({status}{when}{amendment})"


def readable_value(field, value) -> str:
    """A stored value as the pages show it: labels for codes, dates in words, "—" for none."""
    if is_blank(value):
        return EMPTY
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field.name == "contraindications":
        labels = dict(vocabulary.Contraindication.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if field.name == "guidance":
        return "recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value)
    if field.is_relation:
        if isinstance(value, get_user_model()):
            return person(value)
        return EMPTY if getattr(value, "pk", None) is None else str(value)
    return str(value)


class ReadableHistory(HistoricalRecordContextHelper):
    """The admin history's changes with field labels and readable values."""

    def context_for_delta_changes(self, delta):
        changes = []
        for change in delta.changes:
            field = self.model._meta.get_field(change.field)
            old, new = readable_value(field, change.old), readable_value(field, change.new)
            if old != new:
                changes.append({"field": capfirst(field.verbose_name), "old": old, "new": new})
        return changes


# The app list beside every admin page would leave the reviewers' tables too little room;
# the breadcrumbs and the index lead to the same pages.
admin.site.enable_nav_sidebar = False


class FilterLookupsOnly:
    """Filter a changelist only by what its filters offer; any other lookup in the query string
    is refused (400) instead of reaching the database (where, say, `?ip_address=abc` fails)."""

    def lookup_allowed(self, lookup, value, request=None):
        allowed = {self.date_hierarchy}
        for item in self.list_filter:
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                allowed.add(item.parameter_name)
            else:
                allowed.add(item[0] if isinstance(item, (list, tuple)) else item)
        if lookup.split(LOOKUP_SEP, 1)[0] not in allowed:
            return False
        return super().lookup_allowed(lookup, value, request)


class AssessmentPeriodFilter(admin.SimpleListFilter):
    """Assessment dates relative to today: what a reviewer looks back over."""

    title = "assessment period"
    parameter_name = "period"

    def lookups(self, request, model_admin):
        return (
            ("30d", "Past 30 days"),
            ("last_month", "Last calendar month"),
            ("12m", "Past 12 months"),
        )

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "30d":
            return queryset.filter(assessment_date__gt=today - timedelta(days=30))
        if self.value() == "last_month":
            end = today.replace(day=1)
            start = (end - timedelta(days=1)).replace(day=1)
            return queryset.filter(assessment_date__gte=start, assessment_date__lt=end)
        if self.value() == "12m":
            return queryset.filter(assessment_date__gt=today - timedelta(days=365))
        return queryset


@admin.action(description="Export the selected assessments as CSV", permissions=["view"])
def export_selected_as_csv(modeladmin, request, queryset):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    security_log.event("export", user=request.user, detail="admin CSV export of a selection")
    response = StreamingHttpResponse(
        export.csv_lines(queryset, CSV_COLUMNS), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="assessments-{stamp}.csv"'
    return response


class AssessmentChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # The frozen guidance JSON is the largest column and the list does not show it.
        return super().get_queryset(request, exclude_parameters).defer("guidance")


@admin.register(Assessment)
class AssessmentAdmin(FilterLookupsOnly, SimpleHistoryAdmin):
    list_display = (
        "patient",
        "level",
        "clinician",
        "status",
        "result",
        "assessed",
        "finalized",
        "links",
    )
    list_filter = (
        "status",
        "recommendation",
        "scenario",
        "treated_level",
        "fracture_etiology",
        ("owner", admin.RelatedOnlyFieldListFilter),
        AssessmentPeriodFilter,
    )
    list_display_links = ("patient",)
    date_hierarchy = "assessment_date"
    search_fields = ("patient_ref", "owner__username", "owner__first_name", "owner__last_name")
    list_select_related = ("owner",)
    list_per_page = 50
    # The exact total without filters would cost a second COUNT over every assessment.
    show_full_result_count = False
    empty_value_display = "—"
    actions = (export_selected_as_csv,)
    fieldsets = (
        ("Record", {"fields": RECORD_FIELDS}),
        ("Pages of this assessment", {"fields": ("pages",)}),
        ("Result (frozen at finalization)", {"fields": (*RESULT_FIELDS, "guidance_in_words")}),
        *((step.heading, {"fields": step.fields}) for step in STEPS),
    )
    history_list_display = ("status", "version")
    object_history_list_template = "admin/assessments/history_list.html"

    def get_changelist(self, request, **kwargs):
        return AssessmentChangeList

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def get_fieldsets(self, request, obj=None):
        """An assessment shows the questions of its own rules version (a 2026.2 record has
        no 2026.3 question to show empty); a new one, those of every version."""
        if obj is None:
            return self.fieldsets
        return (
            *self.fieldsets[:3],
            *((step.heading, {"fields": step.fields_for(obj)}) for step in STEPS),
        )

    # Finalization, amendment and the record fields only change through the services.
    def get_readonly_fields(self, request, obj=None):
        fields = (*RECORD_FIELDS, *RESULT_FIELDS, "guidance", "pages", "guidance_in_words")
        if obj is not None and not obj.is_draft:
            # Every answer of the record's own rules version (2026.3 adds five).
            return fields + tuple(obj.rules().INPUT_FIELD_NAMES)
        return fields

    @admin.display(description="Clinician", ordering="owner__last_name")
    def clinician(self, assessment: Assessment) -> str:
        return person_name(assessment.owner)

    @admin.display(description="Patient", ordering="patient_ref")
    def patient(self, assessment: Assessment) -> str:
        return assessment.patient_ref or "(no reference)"

    @admin.display(description="Level", ordering="treated_level")
    def level(self, assessment: Assessment) -> str:
        return assessment.treated_level or EMPTY

    @admin.display(description="Recommendation and scenario", ordering="recommendation")
    def result(self, assessment: Assessment) -> str:
        if not assessment.recommendation:
            return EMPTY
        return format_html(
            '{}<br><span class="scenario">{}</span>',
            assessment.get_recommendation_display(),
            assessment.get_scenario_display(),
        )

    @admin.display(description="Assessed", ordering="assessment_date")
    def assessed(self, assessment: Assessment) -> str:
        if assessment.assessment_date is None:
            return EMPTY
        return format_html(
            '<span class="nowrap">{}</span>', date_format(assessment.assessment_date)
        )

    @admin.display(description="Finalized", ordering="finalized_at")
    def finalized(self, assessment: Assessment) -> str:
        if assessment.finalized_at is None:
            return EMPTY
        return format_html(
            '<span class="nowrap">{}</span>',
            date_format(timezone.localtime(assessment.finalized_at)),
        )

    @admin.display(description="Open")
    def links(self, assessment: Assessment) -> str:
        items = [
            _app_link("assessments:result", assessment, "Result"),
            _app_link("assessments:pdf", assessment, "PDF"),
        ]
        links = format_html_join(" · ", "{}", ((item,) for item in items if item))
        return format_html('<span class="nowrap">{}</span>', links) if links else EMPTY

    @admin.display(description="Open")
    def pages(self, assessment: Assessment) -> str:
        """The result page, the PDF, the history and the access log of this assessment."""
        if assessment.pk is None:
            return EMPTY
        log = reverse("admin:assessments_accesslogentry_changelist")
        items = [
            _app_link("assessments:result", assessment, "Result page"),
            _app_link("assessments:pdf", assessment, "PDF"),
            format_html(
                '<a href="{}">History</a>',
                reverse("admin:assessments_assessment_history", args=[assessment.pk]),
            ),
            format_html('<a href="{}?q={}">Access log</a>', log, assessment.patient_ref or ""),
        ]
        return format_html_join(" · ", "{}", ((item,) for item in items if item))

    @admin.display(description="Guidance")
    def guidance_in_words(self, assessment: Assessment) -> str:
        """The guidance as the result page words it (frozen words for a final assessment)."""
        if assessment.pk is None:
            return EMPTY
        guidance = display.guidance_section(assessment, today=timezone.localdate()).guidance
        if guidance is None:
            return "No guidance yet: the assessment is incomplete."
        parts = [
            format_html("<p><strong>{}.</strong> {}</p>", guidance.label, guidance.headline),
            *(format_html("<p>Reason: {}</p>", reason.text) for reason in guidance.reasons),
            *(format_html("<p>Warning: {}</p>", warning.text) for warning in guidance.warnings),
            format_html(
                "<p>Work-up still missing: {}</p>", "; ".join(guidance.missing_workup) or "none"
            ),
            format_html("<p>Rules version {}.</p>", guidance.rules_version),
        ]
        return format_html_join("", "{}", ((part,) for part in parts))

    @admin.display(description="Headline")
    def headline(self, assessment: Assessment) -> str:
        return (assessment.guidance or {}).get("headline", "")

    @admin.display(description="Record seal (HMAC-SHA256)")
    def digest(self, assessment: Assessment) -> str:
        # The short form, as on the PDF; `manage.py verify_records` checks the full seal.
        return integrity.short_digest(assessment.record_digest) or "—"

    @admin.display(description="Amended by")
    def amended_by(self, assessment: Assessment) -> str:
        return _admin_link(Assessment.objects.filter(amends=assessment).first())

    def has_add_permission(self, request):
        # Assessments are entered by clinicians through the questionnaire.
        return False

    # Object-level rights: only the owner of a draft changes or deletes it, here as in the app
    # (a clinician with staff status reviews colleagues' drafts but does not edit them;
    # superusers manage users, not other clinicians' assessments).
    @staticmethod
    def _is_own_draft(request, obj: Assessment) -> bool:
        return obj.is_draft and obj.owner_id == request.user.pk and is_clinician(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self._is_own_draft(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self._is_own_draft(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # A bulk delete would not ask each assessment whether it is final.
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        # Checked against the database row: the object in hand may be an old draft version.
        if not Assessment.objects.drafts().filter(pk=obj.pk).exists():
            raise PermissionDenied("A final assessment is never changed; amend it instead.")
        if not Assessment.objects.filter(pk=obj.pk, owner=request.user).exists():
            raise PermissionDenied("Only the clinician who owns a draft changes it.")
        obj.version += 1
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if not Assessment.objects.drafts().filter(pk=obj.pk).exists():
            raise PermissionDenied("A final assessment is never deleted.")
        if not Assessment.objects.filter(pk=obj.pk, owner=request.user).exists():
            raise PermissionDenied("Only the clinician who owns a draft deletes it.")
        super().delete_model(request, obj)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old version would bypass validation, versioning and finalization.
        if request.method == "POST":
            raise PermissionDenied("Old versions are shown, never restored.")
        if not str(version_id).isdigit():
            raise Http404("No such version.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.method == "GET":
            access_record(request=request, assessment=obj, kind=AccessLogEntry.Kind.ADMIN)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            assessment = self.get_object(request, unquote(object_id))
            if assessment is not None:
                access_record(
                    request=request, assessment=assessment, kind=AccessLogEntry.Kind.ADMIN
                )
        return response


class WhoFilter(admin.RelatedOnlyFieldListFilter):
    """The people in the log by name; every entry has one (sign-in is required to view)."""

    include_empty_choice = False

    def field_choices(self, field, request, model_admin):
        ids = model_admin.get_queryset(request).values_list("user_id", flat=True).distinct()
        users = get_user_model().objects.filter(pk__in=ids)
        return sorted(((user.pk, person(user)) for user in users), key=lambda item: item[1])


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdminMixin, FilterLookupsOnly, admin.ModelAdmin):
    list_display = ("when", "who", "kind", "assessment_link", "ip_address")
    list_filter = ("kind", "accessed_at", ("user", WhoFilter))
    date_hierarchy = "accessed_at"
    search_fields = ("assessment__patient_ref", "user__username", "ip_address")
    list_select_related = ("user", "assessment")
    show_full_result_count = False
    fields = ("when", "who", "kind", "assessment_link", "ip_address")
    readonly_fields = fields

    @admin.display(description="When", ordering="accessed_at")
    def when(self, entry: AccessLogEntry) -> str:
        return date_format(timezone.localtime(entry.accessed_at), "DATETIME_FORMAT")

    @admin.display(description="Who", ordering="user__last_name")
    def who(self, entry: AccessLogEntry) -> str:
        return person(entry.user)

    @admin.display(description="Assessment", ordering="assessment__patient_ref")
    def assessment_link(self, entry: AccessLogEntry) -> str:
        url = reverse("admin:assessments_assessment_change", args=[entry.assessment_id])
        return format_html('<a href="{}">{}</a>', url, describe(entry.assessment))


@admin.register(RulesVersionSwitch)
class RulesVersionSwitchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which rules version was active when: recorded by `manage.py rules_version --activate`."""

    list_display = ("when", "previous_version", "version", "by", "reason")
    list_select_related = ("switched_by",)
    fields = list_display
    readonly_fields = fields

    @admin.display(description="When", ordering="switched_at")
    def when(self, switch: RulesVersionSwitch) -> str:
        return date_format(timezone.localtime(switch.switched_at), "DATETIME_FORMAT")

    @admin.display(description="By")
    def by(self, switch: RulesVersionSwitch) -> str:
        return person(switch.switched_by)


# django-axes' lists of sign-in attempts (superusers only) get the same strict filtering:
# their address fields fail on PostgreSQL for a value that is not an address.
for _model in list(admin.site._registry):
    if _model._meta.app_label == "axes":
        _base = type(admin.site._registry[_model])
        admin.site.unregister(_model)
        admin.site.register(_model, type(_base.__name__, (FilterLookupsOnly, _base), {}))
