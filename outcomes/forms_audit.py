"""The dashboard's filter: period (assessment date), clinician, treated level."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.formats import date_format

from assessments.roles import CLINICIANS
from vertebro_rules import vocabulary

from .audit import AuditFilter

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label="Assessed from", required=False, widget=DATE)
    date_to = forms.DateField(label="Assessed until", required=False, widget=DATE)
    # The clinicians are read once, for the options and for checking the answer.
    clinician = forms.TypedChoiceField(
        label="Clinician", required=False, coerce=int, empty_value=None
    )
    treated_level = forms.ChoiceField(
        label="Treated level",
        required=False,
        choices=[("", "All levels"), *vocabulary.VertebralLevel.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clinicians = (
            get_user_model()
            .objects.filter(groups__name=CLINICIANS)
            .order_by("last_name", "first_name", "username")
            .values_list("pk", "first_name", "last_name", "username")
        )
        self.clinician_names = {
            pk: f"{first} {last}".strip() or username for pk, first, last, username in clinicians
        }
        self.fields["clinician"].choices = [("", "All clinicians"), *self.clinician_names.items()]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Must be on or after the start of the period.")
        return cleaned

    def audit_filter(self) -> AuditFilter:
        data = self.cleaned_data
        clinician = data.get("clinician")
        return AuditFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            clinician_id=clinician,
            treated_level=data.get("treated_level") or None,
        )

    def error_summary(self) -> list[dict]:
        return [
            {"anchor": self[name].auto_id, "label": self[name].label, "message": message}
            for name in self.fields
            for message in self[name].errors
        ]

    def description(self) -> str:
        """The filter in words, for the page and the PDF."""
        if not self.is_valid():
            return ""
        data = self.cleaned_data
        parts = []
        if data.get("date_from") or data.get("date_to"):
            start = date_format(data["date_from"]) if data.get("date_from") else "the start"
            end = date_format(data["date_to"]) if data.get("date_to") else "today"
            parts.append(f"assessed from {start} to {end}")
        if data.get("clinician"):
            parts.append(f"clinician {self.clinician_names[data['clinician']]}")
        if data.get("treated_level"):
            parts.append(f"treated level {data['treated_level']}")
        return "; ".join(parts) or "all final assessments"
