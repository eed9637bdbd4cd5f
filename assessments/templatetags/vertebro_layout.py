"""`{% step_form form %}`: a step form's fields in its layout (questionnaire/rendering.py)."""

from django import template

from assessments.questionnaire.rendering import render_form

register = template.Library()


@register.simple_tag
def step_form(form):
    """The form's fields as `{% crispy form %}` renders them, at a fraction of the cost."""
    return render_form(form)
