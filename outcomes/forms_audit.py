"""The dashboard's filter: period (assessment or procedure date), clinician, level, etiology,
scenario."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.formats import date_format

from assessments.roles import CLINICIANS
from vertebro_rules import vocabulary

from . import wording
from .audit import ASSESSMENT_DATE, PROCEDURE_DATE, AuditFilter

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_BASES = [
    (ASSESSMENT_DATE, "Assessment date"),
    (PROCEDURE_DATE, "Repeat procedure date"),
]


class AuditFilterForm(forms.Form):
    date_basis = forms.ChoiceField(
        label="Period applies to",
        required=False,
        choices=DATE_BASES,
        initial=ASSESSMENT_DATE,
    )
    date_from = forms.DateField(label="From", required=False, widget=DATE)
    date_to = forms.DateField(label="Until", required=False, widget=DATE)
    # The clinicians are read once, for the options, the names and checking the answer.
    clinician = forms.TypedChoiceField(
        label="Clinician", required=False, coerce=int, empty_value=None
    )
    treated_level = forms.ChoiceField(
        label="Treated level",
        required=False,
        choices=[("", "All levels"), *vocabulary.VertebralLevel.choices],
    )
    fracture_etiology = forms.ChoiceField(
        label="Etiology",
        required=False,
        choices=[("", "All etiologies"), *wording.etiology_choices()],
    )
    scenario = forms.ChoiceField(
        label="Scenario",
        required=False,
        choices=[("", "All scenarios"), *wording.scenario_choices()],
    )

    def __init__(self, *args, viewer=None, named: bool = True, **kwargs):
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
        offered = self.clinician_names.items()
        if not named:
            # The department view names nobody but the viewer: they may narrow it to themselves.
            offered = [(pk, name) for pk, name in offered if viewer and pk == viewer.pk]
        self.fields["clinician"].choices = [("", "All clinicians"), *offered]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Must be on or after the start of the period.")
        return cleaned

    def audit_filter(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            date_basis=data.get("date_basis") or ASSESSMENT_DATE,
            clinician_id=data.get("clinician"),
            treated_level=data.get("treated_level") or None,
            fracture_etiology=data.get("fracture_etiology") or None,
            scenario=data.get("scenario") or None,
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
            what = (
                "repeat procedure performed"
                if data.get("date_basis") == PROCEDURE_DATE
                else "assessed"
            )
            parts.append(f"{what} from {start} to {end}")
        if data.get("clinician"):
            parts.append(f"clinician {self.clinician_names[data['clinician']]}")
        if data.get("treated_level"):
            parts.append(f"treated level {data['treated_level']}")
        if data.get("fracture_etiology"):
            parts.append(f"etiology {wording.etiology_label(data['fracture_etiology']).lower()}")
        if data.get("scenario"):
            parts.append(f"scenario “{wording.scenario_label(data['scenario'])}”")
        return "; ".join(parts) or "all final assessments"
