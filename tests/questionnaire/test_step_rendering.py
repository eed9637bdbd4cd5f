"""The step forms render as `{% crispy form %}` would render them, byte for byte.

The step page renders its form with `{% step_form form %}` (questionnaire/rendering.py),
which compiles each step's layout once into static HTML and fills only the answers, marks
and messages per request. crispy stays the reference: for every step under every rules
version, empty, answered, refused (words for numbers, impossible dates, unknown choices, a
signed number, boxes ticked), unanswered, saved as a draft on leaving, marked "From the EHR"
and with an error of no single field, the two give the same HTML.
"""

import pytest
from crispy_forms.utils import render_crispy_form

from assessments import rules_versions
from assessments.models import Assessment
from assessments.questionnaire.forms import form_for
from assessments.questionnaire.rendering import render_form
from tests.factories import NO_MRI, RECURRENCE, make_assessment

VERSIONS = rules_versions.known_versions()
STEPS = (1, 2, 3, 4)

# Posted answers every step refuses somewhere (a word for a number, an impossible date,
# an unknown choice), beside valid ones.
REFUSED_POST = {
    "patient_age": "seventy",
    "sex": "female",
    "index_procedure_date_day": "31",
    "index_procedure_date_month": "2",
    "index_procedure_date_year": "2026",
    "vas_current": "99",
    "assessment_date_day": "40",
    "initial_response": "no_relief",
    "mri_performed": "True",
    "cleft_sign": "maybe",
    "cement_fill": "bogus",
    "neuro_exam": "nope",
    "contraindications": ["not-a-contraindication"],
}


def _assessment(alice, version, **answers):
    assessment = make_assessment(alice, **answers)
    Assessment.objects.filter(pk=assessment.pk).update(rules_version=version)
    return Assessment.objects.get(pk=assessment.pk)


def _same(form):
    ours = render_form(form)
    assert ours == render_crispy_form(form)
    return ours


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize(
    "answers", [{}, NO_MRI, RECURRENCE], ids=["answered", "no-mri", "recurrence"]
)
def test_an_answered_step_renders_as_crispy_does(alice, version, step, answers):
    assessment = _assessment(alice, version, **answers)
    html = _same(form_for(step, assessment)(instance=assessment))
    assert 'name="' in html


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("step", STEPS)
def test_an_empty_step_renders_as_crispy_does(alice, version, step):
    assessment = Assessment.objects.create(owner=alice, patient_ref="EMPTY", rules_version=version)
    _same(form_for(step, assessment)(instance=assessment))


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("step", STEPS)
def test_a_refused_step_renders_its_messages_as_crispy_does(alice, version, step):
    assessment = _assessment(alice, version)
    form = form_for(step, assessment)(REFUSED_POST, instance=assessment)
    assert not form.is_valid()
    html = _same(form)
    assert "invalid-feedback" in html


@pytest.mark.parametrize("version", VERSIONS)
def test_an_error_of_no_single_field_shows_above_the_fields_as_crispy_does(alice, version):
    assessment = _assessment(alice, version)
    form = form_for(2, assessment)({}, instance=assessment)
    form.is_valid()
    form.add_error(None, "These answers contradict each other.")
    html = _same(form)
    assert html.index("These answers contradict each other.") < html.index('name="')


def test_the_step_page_carries_the_form_as_rendered(signed_in, alice):
    """The page shows the whole form, in its layout, inside the step's <form>."""
    assessment = make_assessment(alice)
    form = form_for(3, assessment)(instance=assessment)
    response = signed_in.get(f"/assessments/{assessment.pk}/step/3/")
    assert response.status_code == 200
    page = response.content.decode()
    assert render_form(form) in page
    assert page.index('id="step-form"') < page.index(render_form(form))


def _choice_fields(form):
    return [
        form[name]
        for name, field in form.fields.items()
        if hasattr(field.widget, "optgroups") and field.widget.input_type in ("radio", "checkbox")
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("posted", [False, True], ids=["saved", "refused"])
def test_each_option_input_is_what_django_s_optgroups_give(alice, version, step, posted):
    """The radio and checkbox inputs are written straight into strings; Django's optgroups
    and flatatt (the path grouped choices still take) give the very same inputs."""
    from assessments.templatetags.vertebro_forms import _grouped_choice_options, choice_options

    assessment = _assessment(alice, version, contraindications=["cement_allergy"])
    form_class = form_for(step, assessment)
    form = (
        form_class(REFUSED_POST, instance=assessment) if posted else form_class(instance=assessment)
    )
    form.is_valid()
    fields = _choice_fields(form)
    assert fields
    for field in fields:
        widget = field.field.widget
        attrs = field.build_widget_attrs({"id": field.auto_id})
        values = widget.format_value(field.value())
        css = "form-check-input is-invalid" if field.errors else "form-check-input"
        reference = _grouped_choice_options(field, widget, attrs, values, css)
        assert choice_options(field) == reference
    if not posted:  # the saved answers are ticked
        assert any(" checked" in option["input"] for f in fields for option in choice_options(f))


# Posted answers that reach the slots the other states leave empty: a signed number refused
# (its message under the sign button), a date refused part by part, two boxes ticked.
MORE_REFUSED_POST = {
    "bmd_t_score": "-2,85",
    "index_cement_volume_ml": "1,500",
    "prior_vertebral_fractures": "2.5",
    "treated_level": "C1",
    "index_procedure_date_day": "",
    "index_procedure_date_month": "13",
    "index_procedure_date_year": "26",
    "recurrence_date_day": "3",
    "conservative_therapy_weeks": "-1",
    "mri_performed": "False",
    "cement_fill": "adequate",
    "contraindications": ["cement_allergy", "canal_compromise", "<script>"],
    "patient_ref": '<b>"R&D"</b>',
}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("step", STEPS)
def test_answers_marked_from_the_record_render_as_crispy_does(alice, version, step):
    """Every question of the step marked "From the EHR" (a launch from the record filled it)."""
    assessment = _assessment(
        alice, version, contraindications=["cement_allergy", "canal_compromise"]
    )
    form = form_for(step, assessment)(instance=assessment)
    for field in form.fields.values():
        field.from_record = True
    assert "From the EHR" in _same(form)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("step", STEPS)
def test_more_refused_answers_render_as_crispy_does(alice, version, step):
    assessment = _assessment(alice, version, **RECURRENCE)
    form = form_for(step, assessment)(MORE_REFUSED_POST, instance=assessment)
    form.is_valid()
    html = _same(form)
    assert "<script>" not in html and "<b>" not in html


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("step", STEPS)
def test_a_step_left_unanswered_renders_as_crispy_does(alice, version, step):
    """Saved empty and posted empty: every question that is asked and not answered says so."""
    assessment = Assessment.objects.create(owner=alice, patient_ref="EMPTY", rules_version=version)
    form = form_for(step, assessment)({"version": "1"}, instance=assessment)
    assert not form.is_valid()
    _same(form)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("step", STEPS)
def test_a_draft_save_that_requires_nothing_renders_as_crispy_does(alice, version, step):
    """Leaving the step (`go`): no question is marked required, a wrong answer still is."""
    assessment = _assessment(alice, version)
    post = {**REFUSED_POST, "go": "/assessments/"}
    form = form_for(step, assessment)(post, instance=assessment)
    assert form.is_draft_save
    form.is_valid()
    html = _same(form)
    assert "requiredField" not in html


def test_a_field_s_markup_is_compiled_once_per_step_and_rules_version(alice):
    """The static HTML of a step is built once: a second form of the same step and version
    reuses it, whatever its answers."""
    from assessments.questionnaire.rendering import compile_form

    first = _assessment(alice, VERSIONS[-1])
    second = _assessment(alice, VERSIONS[-1], **NO_MRI)
    compile_form.cache_clear()
    for assessment in (first, second):
        render_form(form_for(3, assessment)(instance=assessment))
    assert compile_form.cache_info().misses == 1
    assert compile_form.cache_info().hits == 1
