"""`{% answer_groups %}`, `{% guidance_card %}` and `{% guidance_warnings %}`: the answers and
the guidance of the review and result pages, written by `reports/display_html.py` (the same
HTML as the partial templates they replace, which stay as the reference)."""

from django import template

from assessments.reports import display_html

register = template.Library()


@register.simple_tag
def answer_groups(groups, assessment, *, editable=False, heading_level=2):
    """`answer_groups.html`: one card per step; `editable` adds the Edit links."""
    return display_html.answer_groups_html(
        groups, assessment_id=assessment.pk, editable=editable, heading_level=heading_level
    )


@register.simple_tag
def guidance_card(guidance, new_level, acknowledgements, *, warnings_above=False):
    """`guidance_card.html`: the recommendation and the reasons, steps, notes and references."""
    return display_html.guidance_card_html(
        guidance,
        new_level=new_level,
        acknowledgements=acknowledgements,
        warnings_above=warnings_above,
    )


@register.simple_tag
def guidance_warnings(guidance, acknowledgements):
    """`warnings.html`: the warnings to check, with who read each one."""
    return display_html.warnings_html(guidance, acknowledgements)
