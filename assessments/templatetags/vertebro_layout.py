"""`{% step_form form %}`: a step form's fields in its layout (questionnaire/rendering.py);
`{% step_indicator indicator assessment %}`: the steps of the assessment
(questionnaire/step_indicator_html.py); `{% guidance_so_far so_far assessment %}`: the panel
beside steps 2 to 4 (questionnaire/guidance_so_far_html.py)."""

from django import template

from assessments.questionnaire.guidance_so_far_html import guidance_so_far_html
from assessments.questionnaire.rendering import render_form
from assessments.questionnaire.step_indicator_html import step_indicator_html

register = template.Library()


@register.simple_tag
def step_form(form):
    """The form's fields as `{% crispy form %}` renders them, at a fraction of the cost."""
    return render_form(form)


@register.simple_tag
def step_indicator(indicator, assessment):
    """`step_indicator.html`: every step and the review, complete, current or not yet open."""
    return step_indicator_html(indicator, assessment.pk if assessment is not None else None)


@register.simple_tag
def guidance_so_far(so_far, assessment):
    """`guidance_so_far.html`: what the saved answers already decide and still need."""
    return guidance_so_far_html(so_far, assessment.pk)
