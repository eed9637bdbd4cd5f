"""The procedure and follow-up forms; the models' clean() decides what is refused."""

from django import forms

from .models import FollowUp, Procedure

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RADIO_FIELDS = (
    "performed",
    "not_done_reason",
    "leakage",
    "cleft_filled",
    "complications",
    "mobility",
    "analgesics",
    "cleft_on_imaging",
    "new_fracture",
)


class ErrorSummaryMixin:
    """Every error in form order, with the id of the input it concerns (for the summary box)."""

    def error_summary(self) -> list[dict]:
        summary = [
            {"anchor": "outcome-form", "label": "", "message": message}
            for message in self.non_field_errors()
        ]
        for bound in self:
            if not bound.errors:
                continue
            radio = isinstance(bound.field.widget, forms.RadioSelect)
            anchor = f"{bound.auto_id}_0" if radio else bound.auto_id
            for message in bound.errors:
                summary.append({"anchor": anchor, "label": bound.label, "message": message})
        return summary


def _shape(form: forms.ModelForm) -> None:
    """Radio buttons without an empty choice where an answer is required; dates as date inputs."""
    for name, field in form.fields.items():
        if name in RADIO_FIELDS:
            options = [(value, label) for value, label in field.choices if value != ""]
            if not field.required:
                options.append(("", "Not recorded"))
            field.choices = options
            field.widget = forms.RadioSelect(choices=options)
        if isinstance(field, forms.DateField):
            field.widget = DATE
        if isinstance(field, forms.DecimalField):
            field.widget.attrs.update({"step": "0.1", "inputmode": "decimal"})
        if isinstance(field, forms.IntegerField):
            field.widget.attrs["inputmode"] = "numeric"


class ProcedureForm(ErrorSummaryMixin, forms.ModelForm):
    class Meta:
        model = Procedure
        fields = (
            "performed",
            "not_done_reason",
            "not_done_detail",
            "performed_on",
            "cement_volume_ml",
            "leakage",
            "cleft_filled",
            "complications",
            "complication_description",
            "operator",
        )
        help_texts = {
            "performed": "Offered, not done: offered, and not carried out for a reason other "
            "than the patient's refusal (unfit, deferred, other). Not offered: the clinician "
            "decided against it. Declined by the patient: offered and refused.",
            "not_done_reason": "Only when the procedure was offered, not done. Deferred: change "
            "this record to “Yes, performed” once it is done.",
            "not_done_detail": "Only when the reason is “Other”: a few words.",
            "performed_on": "Only when the procedure was performed.",
            "cement_volume_ml": "Cement injected at the repeat procedure, e.g. 6.8 (0.5–20.0).",
            "leakage": "On post-procedure imaging. Symptomatic: caused symptoms (pain, "
            "neurological, pulmonary); asymptomatic: seen on imaging only.",
            "cleft_filled": "Whether the cement filled the intravertebral cleft.",
            "complications": "Major (SIR): needed major therapy, an unplanned higher level of care "
            "or a stay prolonged beyond 48 hours, or left permanent harm or death. Minor: no or "
            "nominal therapy, including an overnight stay for observation.",
            "complication_description": "A few words, when there was a complication.",
            "operator": "Who performed the procedure.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _shape(self)
        self.fields["operator"].widget.attrs["autocomplete"] = "off"


class FollowUpForm(ErrorSummaryMixin, forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = (
            "seen_on",
            "vas",
            "mobility",
            "analgesics",
            "cleft_on_imaging",
            "new_fracture",
            "new_fracture_date",
        )
        help_texts = {
            "vas": "Pain at the treated level today, 0 (none) to 10.",
            "new_fracture": "A new symptomatic vertebral fracture confirmed on imaging, "
            "diagnosed since the previous visit (record each fracture once); at the treated "
            "level: further collapse or a refracture of the treated vertebra.",
            "new_fracture_date": "When the new fracture was diagnosed.",
            "cleft_on_imaging": "Asked because a cleft was recorded at the assessment: is it "
            "still seen on the latest imaging?",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.asks_about_cleft:
            self.fields["cleft_on_imaging"].required = True
        else:
            # No cleft before the procedure: nothing to see on the imaging after it.
            del self.fields["cleft_on_imaging"]
        _shape(self)
        self.fields["vas"].widget.attrs.update({"min": "0", "max": "10"})


class DelegationForm(forms.Form):
    username = forms.CharField(label="Colleague's user name", max_length=150)
