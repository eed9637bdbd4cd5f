"""One form per questionnaire step and rules version (spec §1), built from the input
definitions (`FIELDS`) of the assessment's rules version.

Labels, required-ness and ranges come from the spec's field table; the
model's field validators and `Assessment.clean` (the cross-field rules) run
when the form validates, so the forms refuse exactly what `evaluate` and
finalization refuse.
"""

import functools
import re
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Fieldset, Layout, Row
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from assessments import rules_versions
from assessments.models import UNANSWERED, Assessment

# Help texts written for the clinician filling the form (what counts as what).
HELP_TEXTS = {
    "patient_ref": "The chart identifier (MRN) as it should appear on the report.",
    "treated_level": "The vertebra treated at the first (index) vertebroplasty.",
    "index_procedure_date": "Date of the first vertebroplasty at this level.",
    "index_cement_volume_ml": "Cement injected at the index procedure, from the procedure note, "
    "e.g. 4.2. Leave empty if not recorded.",
    "bmd_t_score": "Lowest T-score on the most recent DXA scan (hip or spine), e.g. -2.8.",
    "prior_vertebral_fractures": "Vertebral fractures known before the index procedure, "
    "not counting the treated one.",
    "assessment_date": "The day you assess the patient (today unless you record an earlier visit).",
    "initial_response": "How the pain at the treated level evolved after the index procedure.",
    "recurrence_date": "When the pain at the treated level came back after the relief.",
    "vas_before_index": "Pain on a 0–10 visual analogue scale before the index procedure.",
    "vas_current": "Pain on a 0–10 visual analogue scale today; 0 means no pain.",
    "conservative_therapy_weeks": "Count the weeks of conservative medical therapy for the "
    "current pain: analgesics, rest or activity modification, bracing, physiotherapy. "
    "Count from when this episode of pain began; 0 if none.",
    "mri_performed": "An MRI of the spine since the pain returned or persisted.",
    "active_fracture_location": "Where the MRI shows an active (edematous) fracture.",
    "cleft_sign": "A fluid- or gas-filled intravertebral cleft at the treated level: a "
    "linear or cavitary T2/STIR-bright (fluid) or dark (gas) space in the vertebral body, "
    "often next to the cement.",
    "cleft_new_since_index": "Yes when pre-index imaging showed no cleft at this level.",
    "marrow_edema": "Bone marrow edema at the treated level: T1-hypointense and "
    "T2/STIR-hyperintense marrow in the vertebral body. Indeterminate when the images "
    "do not allow a definite reading.",
    "fluid_at_cement_interface": "T2/STIR-bright fluid signal along the border between "
    "cement and bone, a sign of a progressing fracture.",
    "cement_fill": "From CT or radiographs of the index cement. Adequate: the cement fills "
    "the fractured zone of the vertebral body (typically from end plate to end plate across "
    "the fracture). Inadequate: incomplete filling, or cement that misses the fracture "
    "or the cleft.",
    "prior_cement_leakage": "Cement leakage seen at the index procedure, symptomatic or not.",
    "point_tenderness": "Tenderness on pressing or percussing the spinous process of the "
    "treated vertebra.",
    "neuro_exam": "Neurological examination today (lower limbs, and trunk for thoracic "
    "levels): it excludes a new deficit and serves as the baseline.",
    "contraindications": "Tick every one that applies; leave all unticked when there is none.",
}

# Where the form's own help describes the finding in more detail than the rules version's.
FORM_HELP_FIRST = frozenset(
    {
        "index_cement_volume_ml",
        "cleft_sign",
        "marrow_edema",
        "cement_fill",
        "conservative_therapy_weeks",
    }
)


def _help_text(spec) -> str:
    """The help under a question: the words of its rules version where it gives them (2026.3:
    the definitions of the fracture etiologies, why the VAS before the index procedure is
    recommended, what the neurological examination is for), else the form's own."""
    own = getattr(spec, "help_text", "")
    if spec.name in FORM_HELP_FIRST:
        return HELP_TEXTS.get(spec.name) or own
    return own or HELP_TEXTS.get(spec.name, "")


YES, NO = "True", "False"
# Choice values are the str() of the Python value, so a saved answer shows as chosen.
YES_NO = [(YES, "Yes"), (NO, "No")]
YES_NO_UNKNOWN = [(YES, "Yes"), (NO, "No"), ("", "Unknown / not recorded")]
NOT_RECORDED = ("", "Not recorded")
# Long option lists are drop-downs; short ones are radio buttons (one click, visible at once).
SELECT_FIELDS = frozenset({"treated_level"})


# Minus signs a keyboard or a copy from a letter may give for "-": the minus sign, en and em
# dashes, and the small and full-width hyphen-minus.
MINUS_SIGNS = str.maketrans(
    {"\u2212": "-", "\u2013": "-", "\u2014": "-", "\ufe63": "-", "\uff0d": "-"}
)
# A comma followed by exactly three digits ("1,500") is read as a thousands separator by some
# and as a decimal comma by others: refused, never guessed.
AMBIGUOUS_COMMA = re.compile(r"^[-+]?\d+,\d{3}$")
DECIMAL_MARK_MESSAGE = (
    "Write the number with one decimal mark, a point or a comma (1.5 or 1,5), "
    "and no thousands separator."
)


def normalise_number(text: str) -> str:
    """The typed number with "." as its decimal mark, whatever the clinician's habit.

    "1,5" (a decimal comma, as most of Europe writes it) reads as 1.5, never 15; "−2,9"
    with a typographic minus reads as -2.9. A number whose decimal mark is in doubt
    ("1,500", "1.234,5", "1,2,3") raises ValidationError saying how to write it.
    """
    text = text.strip().translate(MINUS_SIGNS)
    text = re.sub(r"^([-+])\s+", r"\1", text)  # "- 2.9": a space after the sign
    if "," not in text:
        return text
    if "." in text or text.count(",") > 1 or AMBIGUOUS_COMMA.match(text):
        raise ValidationError(DECIMAL_MARK_MESSAGE, code="decimal_mark")
    return text.replace(",", ".")


class DecimalTextField(forms.DecimalField):
    """A decimal typed in a text box (inputmode=decimal), the comma read as a decimal point.

    A number input is not used: an en-US browser drops the comma of "1,5" and sends 15.
    """

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = normalise_number(value)
        return super().to_python(value)

    def run_validators(self, value):
        # Too many decimals first: Django counts the digits first and would call "-2.85" out
        # of range (a T-score of two digits at most) rather than say how to write it.
        if value not in self.empty_values and self.decimal_places is not None:
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > self.decimal_places:
                message = self.error_messages.get(
                    "max_decimal_places", f"Enter {self.decimal_places} decimal at most."
                )
                raise ValidationError(message, code="max_decimal_places")
        super().run_validators(value)


class IntegerTextField(forms.IntegerField):
    """A whole number typed in a text box (inputmode=numeric); "2,5" weeks is refused, not 25."""

    widget = forms.TextInput
    default_error_messages = {"invalid": "Enter a whole number (no decimal mark)."}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().translate(MINUS_SIGNS)
            if "," in value or "." in value:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


# The months as the app writes them ("3 Jul 2026"); English whatever the browser's locale.
# (Written out: the calendar module's names follow the process locale.)
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class DatePartsWidget(forms.MultiWidget):
    """A date as three boxes: day (a number), month (by its name) and year (four digits).

    No order of day and month to guess and no browser date picker whose format follows
    the browser's locale (mm/dd/yyyy in en-US, dd.mm.yyyy in de-DE). A request that posts
    the field's own name with an ISO date (scripts, tests, older pages) is read too.
    """

    def __init__(self, attrs=None):
        number = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        widgets = {
            "day": forms.TextInput(attrs={**number, "maxlength": "2", "size": "2"}),
            "month": forms.Select(choices=[("", "Month"), *MONTH_CHOICES]),
            "year": forms.TextInput(attrs={**number, "maxlength": "4", "size": "4"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str):
            try:
                return self.decompress(date.fromisoformat(value))
            except ValueError:
                return [None, None, None]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if not any(name + suffix in data for suffix in self.widgets_names) and name in data:
            return self.decompress(data.get(name)) if data.get(name) else [None, None, None]
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


MONTH_CHOICES = [(str(number), name) for number, name in enumerate(MONTH_NAMES, start=1)]


class DatePartsField(forms.Field):
    """A date from day, month and year boxes; each wrong part is named, the year has 4 digits."""

    widget = DatePartsWidget

    def to_python(self, value):
        if isinstance(value, date) or value in self.empty_values:
            return value or None
        if isinstance(value, str):
            value = DatePartsWidget().decompress(value)
        day, month, year = ((part or "").strip() for part in [*value, "", "", ""][:3])
        if not (day or month or year):
            return None
        problems = []
        if not day:
            problems.append("the day")
        if not month:
            problems.append("the month")
        if not year:
            problems.append("the year")
        if problems:
            raise ValidationError(
                "Enter " + " and ".join(problems) + " as well.", code="incomplete"
            )
        if not (day.isascii() and day.isdigit() and 1 <= int(day) <= 31):
            raise ValidationError("Enter the day as a number from 1 to 31.", code="invalid")
        if not (month.isascii() and month.isdigit() and 1 <= int(month) <= 12):
            raise ValidationError("Choose the month from the list.", code="invalid")
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise ValidationError(
                "Enter the year with four digits, e.g. 2026 (not 26).", code="invalid"
            )
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(
                f"There is no {int(day)} {MONTH_NAMES[int(month) - 1]} {int(year)}.",
                code="invalid",
            ) from None


def _to_bool(value: str) -> bool:
    return value == YES


# An example of each decimal answer, for the message that says how to write it.
DECIMAL_EXAMPLES = {"index_cement_volume_ml": "4.2", "bmd_t_score": "-2.8"}


def _decimal_messages(spec) -> dict:
    """The messages of a decimal answer in the clinician's words (not Django's "Ensure that
    there are no more than 1 decimal place."): how to write it, and its range."""
    example = DECIMAL_EXAMPLES.get(spec.name, "1.5")
    out_of_range = f"Enter a value from {spec.minimum} to {spec.maximum}."
    return {
        "max_decimal_places": f"Enter one decimal at most, e.g. {example}.",
        "max_digits": out_of_range,
        "max_whole_digits": out_of_range,
    }


def _absent_is_a_choice(spec) -> bool:
    """Whether the rules read the empty answer of a choice as one of its own values."""
    return spec.absent is not None and spec.absent in spec.vocabulary.values


def _formfield(db_field, *, fields, **kwargs):
    """The form field of a model field, shaped by its input definition in `fields` (those of
    one rules version)."""
    spec = fields.get(db_field.name)
    if spec is None:
        return db_field.formfield(**kwargs)
    common = {
        "label": spec.label,
        "required": spec.required_always,
        "help_text": _help_text(spec),
    }
    kind = type(spec).__name__
    if kind == "BooleanInput":
        if spec.absent is False:
            # A yes/no the rules read as "no" when absent: asked explicitly, neither answer
            # chosen in advance, so a skipped question is never filed as a negative finding
            # (Assessment.unanswered_questions; StepForm.clean requires it where it is asked).
            return forms.TypedChoiceField(
                choices=YES_NO,
                coerce=_to_bool,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={"required": UNANSWERED},
                **{**common, "required": spec.applies_when is None},
            )
        options = YES_NO if spec.required_always else YES_NO_UNKNOWN
        return forms.TypedChoiceField(
            choices=options, coerce=_to_bool, empty_value=None, widget=forms.RadioSelect, **common
        )
    if kind == "MultipleChoiceInput":
        return forms.MultipleChoiceField(
            choices=spec.vocabulary.choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "ChoiceInput":
        if spec.name in SELECT_FIELDS:
            # Only the levels in scope are offered (2026.3 knows the others only to refuse
            # them with the scope message).
            codes = getattr(spec.vocabulary, "in_scope_choices", spec.vocabulary.choices)
            options = [("", "Choose…"), *codes]
            widget = forms.Select
        else:
            # A conditional choice that is required when it applies (the MRI findings) has
            # no empty option: it is asked only then (otherwise StepForm.clean empties it).
            blank = spec.required_always or (spec.required and spec.applies_when is not None)
            # A choice whose empty answer the rules read as one of its values (infection of
            # the treated vertebra: empty is "not assessed") offers that value, not also a
            # "Not recorded" that would mean the same under another name.
            blank = blank or _absent_is_a_choice(spec)
            options = [*spec.vocabulary.choices, *([] if blank else [NOT_RECORDED])]
            widget = forms.RadioSelect
        return forms.TypedChoiceField(choices=options, empty_value=None, widget=widget, **common)
    if kind == "DateInput":
        return DatePartsField(**common)
    if kind == "DecimalInput":
        field = db_field.formfield(
            form_class=DecimalTextField, error_messages=_decimal_messages(spec), **common
        )
    elif kind == "IntegerInput":
        field = db_field.formfield(form_class=IntegerTextField, **common)
    else:
        field = db_field.formfield(**common)
    if kind in ("IntegerInput", "DecimalInput"):
        # Text boxes (see DecimalTextField): the range is checked on the server and said in
        # the message. A phone's decimal keypad (iOS) has no minus key: a field that takes
        # negative numbers gets a sign button beside it (static/js/vertebro.js).
        field.widget.attrs.update(
            {
                "inputmode": "numeric" if kind == "IntegerInput" else "decimal",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        )
        field.signed = spec.minimum < 0
    if kind == "TextInput":
        field.widget.attrs["autocomplete"] = "off"
    return field


class Choices(Field):
    """A radio or checkbox group, one option under the other (see vertebro_forms.py)."""

    template = "assessments/crispy/choice_group.html"
    inline = False

    def render(self, form, context, template_pack=TEMPLATE_PACK, extra_context=None, **kwargs):
        extra_context = {**(extra_context or {}), "inline": self.inline}
        return super().render(form, context, template_pack, extra_context=extra_context, **kwargs)


class Control(Field):
    """A text, number, date or select input with its label, message and help text."""

    template = "assessments/crispy/control.html"


class InlineChoices(Choices):
    """A radio or checkbox group with its options side by side."""

    inline = True


class Conditional(Div):
    """A block shown only while field `when` has the value `equals`.

    The server renders it `hidden` unless the form's current answer (posted, or else
    saved) is `equals`, so the page does not shift when static/js/vertebro.js takes over
    (it shows and hides the block as the answer changes, and disables the inputs of a
    hidden block). The answer is read at render time: the layout is shared by every
    request and never changes.
    """

    template = "assessments/crispy/conditional.html"
    css_class = "conditional"

    def __init__(self, *fields, when: str, equals: str, **kwargs):
        super().__init__(*fields, data_show_when=when, data_show_value=str(equals), **kwargs)
        self.when = when
        self.equals = str(equals)

    def shown(self, form) -> bool:
        value = form[self.when].value()
        return value is not None and str(value) == self.equals

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        fields = self.get_rendered_fields(form, context, template_pack, **kwargs)
        return render_to_string(
            self.get_template_name(template_pack),
            {"div": self, "fields": fields, "hidden": not self.shown(form)},
        )


class _Layout:
    """The layout of one step under one rules version: the spec's fields of that version,
    each in its place. A field that applies only after another answer (`applies_when`) sits
    in a conditional block shown while that answer is given; the MRI findings share one."""

    def __init__(self, edition):
        self.fields = edition.FIELDS_BY_NAME
        self.mri_only = set(edition.MRI_ONLY_FIELDS)

    def __call__(self, kind, name, css_class=None):
        """`kind(name)` in a column of `css_class`, in its conditional block; None if the
        version does not ask it."""
        spec = self.fields.get(name)
        if spec is None:
            return None
        item = kind(name)
        if css_class:
            item = Row(Column(item, css_class=css_class))
        condition = spec.applies_when
        if condition is not None and name not in self.mri_only:
            item = Conditional(item, when=condition.field, equals=condition.value)
        return item


def _present(*items):
    return [item for item in items if item is not None]


def _layout(step: int, edition) -> Layout:
    field = _Layout(edition)
    if step == 1:
        return Layout(
            Row(
                Column(Control("patient_ref"), css_class="col-md-8"),
                Column(Control("patient_age"), css_class="col-md-4"),
            ),
            InlineChoices("sex"),
            Row(
                Column(Control("treated_level"), css_class="col-md-4"),
                Column(Control("index_procedure_date"), css_class="col-md-8"),
            ),
            InlineChoices("fracture_etiology"),
            Row(
                Column(Control("index_cement_volume_ml"), css_class="col-md-4"),
                Column(Control("bmd_t_score"), css_class="col-md-4"),
                Column(Control("prior_vertebral_fractures"), css_class="col-md-4"),
            ),
        )
    if step == 2:
        return Layout(
            Row(Column(Control("assessment_date"), css_class="col-md-6")),
            Choices("initial_response"),
            *_present(
                field(Control, "recurrence_date", "col-md-6"),
                field(Control, "conservative_therapy_weeks", "col-md-8")
                if field.fields["conservative_therapy_weeks"].applies_when
                else None,
            ),
            Row(
                Column(Control("vas_before_index"), css_class="col-md-6"),
                Column(Control("vas_current"), css_class="col-md-6"),
            ),
            *_present(
                None
                if field.fields["conservative_therapy_weeks"].applies_when
                else field(Control, "conservative_therapy_weeks", "col-md-8"),
                field(InlineChoices, "mobility"),
                field(InlineChoices, "analgesics"),
                field(Choices, "opioid_failure"),
            ),
        )
    if step == 3:
        findings = _present(
            field(Choices, "active_fracture_location"),
            field(InlineChoices, "cleft_sign"),
            field(InlineChoices, "cleft_new_since_index"),
            field(InlineChoices, "marrow_edema"),
            field(InlineChoices, "fluid_at_cement_interface"),
        )
        return Layout(
            InlineChoices("mri_performed"),
            *_present(field(InlineChoices, "mri_not_possible")),
            Conditional(
                Fieldset("MRI findings", *findings, css_class="mri-findings"),
                when="mri_performed",
                equals=YES,
            ),
            Choices("cement_fill"),
            InlineChoices("prior_cement_leakage"),
        )
    return Layout(
        *_present(
            field(InlineChoices, "point_tenderness"),
            field(Choices, "neuro_exam"),
            field(InlineChoices, "infection_signs"),
            field(Choices, "vertebral_infection"),
            field(Choices, "complication_assessed"),
            field(InlineChoices, "contraindications"),
        )
    )


@functools.cache
def _helper(step: int, edition) -> FormHelper:
    """The crispy helper of a step under a rules version, built once: rendering only reads
    it (a posted form that saves and redirects never renders)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = _layout(step, edition)
    return helper


# A cross-field error about a field of another step is shown on the field of this
# step that causes it (e.g. a new index date that falls after the saved assessment date).
RELATED_FIELDS = {
    "assessment_date": ("index_procedure_date",),
    "recurrence_date": ("index_procedure_date", "initial_response", "assessment_date"),
    # Ongoing relief (step 2) beside an active fracture at the treated level (step 3).
    "initial_response": ("active_fracture_location",),
    "conservative_therapy_weeks": ("recurrence_date", "initial_response", "assessment_date"),
}

# What the date in words under a date field counts the days from (static/js/vertebro.js):
# a saved answer, as the words name it. "17 days after the index procedure" is
# days_since_index (or days_to_recurrence), which decides the scenario (specification §2–3).
DATE_WORDS_REFERENCES = {
    "index_procedure_date": ("assessment_date", "the assessment date"),
    "assessment_date": ("index_procedure_date", "the index procedure"),
    "recurrence_date": ("index_procedure_date", "the index procedure"),
}


class StepForm(forms.ModelForm):
    """Base of the step forms; `step`, `edition` (the rules version's core) and `Meta.fields`
    are set per step and version (`step_form`)."""

    step: int = 0
    edition = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_draft_save:
            # Leaving the step (Back, a step link, the idle sign-out): what is typed is kept as
            # a draft, unanswered questions included; a wrong answer is still refused.
            for field in self.fields.values():
                field.required = False
        if "assessment_date" in self.fields and self.instance.assessment_date is None:
            self.initial["assessment_date"] = timezone.localdate()
        for name in self.fields.keys() & self.edition.FIELDS_BY_NAME.keys():
            spec = self.edition.FIELDS_BY_NAME[name]
            # A choice whose empty answer is read as one of its values: that value is shown
            # chosen (and saved as the spec's value) until another is recorded.
            if (
                type(spec).__name__ == "ChoiceInput"
                and _absent_is_a_choice(spec)
                and self.initial.get(name) in (None, "")
            ):
                self.initial[name] = str(spec.absent)
        for name in DATE_WORDS_REFERENCES.keys() & self.fields.keys():
            reference, label = self._date_words_reference(name)
            if reference is not None:
                self.fields[name].widget.attrs.update(
                    {
                        "data-words-reference": reference.isoformat(),
                        "data-words-reference-label": label,
                    }
                )
        self.helper = _helper(self.step, self.edition)

    def _date_words_reference(self, name: str):
        """The saved date the words of field `name` count from, and how they name it.

        Read from the instance before any posted answer reaches it: the words compare
        with what is saved, not with what is being typed on the same page.
        """
        reference_field, label = DATE_WORDS_REFERENCES[name]
        reference = getattr(self.instance, reference_field)
        if reference is None and reference_field == "assessment_date":
            # No assessment date yet: step 2 proposes today.
            return timezone.localdate(), "today"
        return reference, label

    def clean(self):
        cleaned = super().clean()
        # No MRI: its findings do not apply, whatever the page sent (without JavaScript they
        # stay on screen); the spec wants them empty, and with them what depends on them.
        if "mri_performed" in self.fields and cleaned.get("mri_performed") is False:
            emptied: set[str] = set()
            for name in self.Meta.fields:
                spec = self.edition.FIELDS_BY_NAME[name]
                depends = spec.applies_when is not None and spec.applies_when.field in emptied
                if name in self.edition.MRI_ONLY_FIELDS or depends:
                    emptied.add(name)
                    # Empty, not "no": a finding not looked for (the rules read it as "no").
                    cleaned[name] = None if spec.absent is False else spec.absent
        if not self.is_draft_save:
            self._require_asked_questions(cleaned)
        return cleaned

    def _require_asked_questions(self, cleaned: dict) -> None:
        """A yes/no question asked on this page (its condition holds on the answers as they
        will be saved) must be answered: the rules would read an empty answer as "no"."""
        values = {**self.instance.input_values(), **cleaned}
        for name in self.Meta.fields:
            spec = self.edition.FIELDS_BY_NAME[name]
            if spec.absent is not False or name in self.errors or cleaned.get(name) is not None:
                continue
            if spec.applies_when is None or spec.applies_when.holds(values):
                self.add_error(name, ValidationError(UNANSWERED, code="required"))

    def add_error(self, field, error) -> None:
        """Add an error as Django does; errors that name fields of other steps (Model.clean()
        checks the whole assessment) are shown on the related field of this form, or above it."""
        if field is not None or not hasattr(error, "error_dict"):
            return super().add_error(field, error)
        errors = error
        mapped: dict[str, list] = {}
        for name, messages in errors.error_dict.items():
            if name == NON_FIELD_ERRORS or name in self.fields:
                mapped.setdefault(name, []).extend(messages)
                continue
            target = next((f for f in RELATED_FIELDS.get(name, ()) if f in self.fields), None)
            spec = self.edition.FIELDS_BY_NAME.get(name)
            label = spec.label if spec is not None else name
            step = spec.step if spec is not None else 0
            for message in messages:
                text = " ".join(message.messages)
                mapped.setdefault(target or NON_FIELD_ERRORS, []).append(
                    ValidationError(f"{label}: {text}", code="cross_field", params={"step": step})
                )
        return super().add_error(None, ValidationError(mapped))

    def add_model_errors(self, errors: ValidationError) -> None:
        """Show errors raised by the model (or a service) on this form's fields."""
        self.add_error(None, errors)

    @property
    def is_draft_save(self) -> bool:
        """A post that leaves the step (it names where to go, field `go`) of a saved draft."""
        return self.is_bound and bool(self.data.get("go")) and not self.instance._state.adding

    # The page carries the assessment's version (a hidden input named "version", outside
    # the form's fields so that no junk in it can become an error the clinician cannot
    # see): a save from a page built on an older version is refused.
    def submitted_version(self) -> int | None:
        """The version the page was built from; None (treated as stale) when absent or garbled."""
        raw = self.data.get("version", "") if self.is_bound else ""
        # At most 10 digits (a PositiveIntegerField): int() of a huge string raises ValueError.
        if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 10:
            return int(raw)
        return None

    @property
    def page_version(self) -> int | str:
        """The version to put in the page: what was posted back, or the instance's."""
        if self.is_bound:
            return self.submitted_version() or ""
        return "" if self.instance._state.adding else self.instance.version

    def error_summary(self) -> list[dict]:
        """Every error, in form order, with the id of the input it concerns (for the summary)."""
        summary = [
            {"anchor": "step-form", **_summary_line("", error)}
            for error in self.non_field_errors().as_data()
        ]
        for name in self.Meta.fields:
            bound = self[name]
            if not bound.errors:
                continue
            multiple = isinstance(
                bound.field.widget,
                forms.RadioSelect | forms.CheckboxSelectMultiple | DatePartsWidget,
            )
            anchor = f"{bound.auto_id}_0" if multiple else bound.auto_id
            for error in bound.errors.as_data():
                summary.append({"anchor": anchor, **_summary_line(bound.label, error)})
        return summary


def _summary_line(label: str, error: ValidationError) -> dict:
    """One line of the error summary. An error about an answer of another step already
    names that answer (not this field's label again) and links to its step."""
    message = " ".join(error.messages)
    step = (error.params or {}).get("step") if error.code == "cross_field" else None
    if step:
        return {"label": "", "message": message, "step": step}
    return {"label": label, "message": message, "step": None}


@functools.cache
def step_form(step: int, version: str) -> type[StepForm]:
    """The form of one step under one rules version: the questions that version asks."""
    edition = rules_versions.edition(version)
    fields = edition.fields_of_step(step)

    def formfield(db_field, **kwargs):
        return _formfield(db_field, fields=edition.FIELDS_BY_NAME, **kwargs)

    meta = type(
        "Meta", (), {"model": Assessment, "fields": fields, "formfield_callback": formfield}
    )
    name = f"Step{step}Form_{version.replace('.', '_')}"
    return type(name, (StepForm,), {"Meta": meta, "step": step, "edition": edition})


def form_for(step: int, assessment: Assessment) -> type[StepForm]:
    """The form of a step for an assessment: that of its rules version (a new one: active)."""
    assessment.rules()
    return step_form(step, assessment.rules_version)


class AmendmentForm(forms.Form):
    """Why a final assessment is amended: required, kept on the amendment and its history."""

    reason = forms.CharField(
        label="Reason for the amendment",
        max_length=500,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text="What was wrong or missing, e.g. “wrong treated level entered (L2, not L1)”.",
        error_messages={"required": "Give the reason for the amendment."},
    )

    def error_summary(self) -> list[dict]:
        return [
            {"anchor": "id_reason", "label": "Reason for the amendment", "message": message}
            for message in self.errors.get("reason", [])
        ]


def _opening(text: str, words: int = 8) -> str:
    """The first words of a warning, to name it in a message without its code."""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


class WarningsReadForm(forms.Form):
    """Finalizing: one box per warning of the guidance (§5a), each to tick as read."""

    def __init__(self, *args, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = tuple(warnings)
        for warning in self.warnings:
            self.fields[f"read_{warning.label}"] = forms.BooleanField(
                label="I have read this warning",
                required=True,
                error_messages={
                    "required": f"Tick the warning “{_opening(warning.text)}” as read before "
                    "finalizing."
                },
            )

    def rows(self) -> list[dict]:
        """Each warning with its box: name, id, whether ticked (as posted) and refused."""
        rows = []
        for warning in self.warnings:
            bound = self[f"read_{warning.label}"]
            rows.append(
                {
                    "warning": warning,
                    "name": bound.html_name,
                    "id": bound.auto_id,
                    "checked": bool(bound.value()),
                    "invalid": bool(bound.errors),
                }
            )
        return rows

    def acknowledged(self) -> list[str]:
        return [
            warning.label
            for warning in self.warnings
            if self.cleaned_data.get(f"read_{warning.label}")
        ]

    def error_summary(self) -> list[dict]:
        return [
            {"anchor": f"id_read_{warning.label}", "label": "", "message": message}
            for warning in self.warnings
            for message in self.errors.get(f"read_{warning.label}", [])
        ]
