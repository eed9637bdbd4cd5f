"""The step forms' layout rendered to HTML, as `{% crispy form %}` renders it, at less cost.

crispy-forms renders each field through `render_field`, which flattens the whole page
context into a new dict for every field and every row, column and fieldset; on a step page
that was about half of the page's time. Here the same layout objects (forms._layout) are
walked once and each piece is rendered with the very template crispy would use — ours for the
fields and the conditional blocks, crispy-bootstrap5's for rows, columns and fieldsets —
given only what that template reads. The HTML is the same as crispy's
(tests/test_step_rendering.py compares the two for every step).
"""

from crispy_forms.layout import Div, Fieldset, Layout, LayoutObject
from crispy_forms.templatetags.crispy_forms_utils import remove_spaces
from crispy_forms.utils import TEMPLATE_PACK, render_field
from django.template import Context
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from assessments.questionnaire.forms import Choices, Conditional, Control

# crispy-bootstrap5's block of the errors that belong to no single field.
NON_FIELD_ERRORS_TEMPLATE = f"{TEMPLATE_PACK}/errors.html"


def render_form(form) -> SafeString:
    """The form's fields in its helper's layout, with the errors of no single field above."""
    html = _render_items(form.helper.layout.fields, form)
    if form.non_field_errors():
        errors = get_template(NON_FIELD_ERRORS_TEMPLATE).render({"form": form})
        html = f"{errors}\n\n{html}"
    # The blank lines around it are those of crispy's form template.
    return mark_safe(f"\n\n{remove_spaces(html.strip())}\n")


def _render_items(items, form) -> str:
    return "".join(_render(item, form) for item in items)


def _render(item, form) -> str:
    if isinstance(item, Control | Choices) and not item.attrs and not item.wrapper_class:
        # Our own field templates, which read the bound field (and a group's `inline`) only.
        extra = {"inline": item.inline} if isinstance(item, Choices) else {}
        template = get_template(item.get_template_name(TEMPLATE_PACK))
        return "".join(template.render({"field": form[name], **extra}) for name in item.fields)
    if isinstance(item, Conditional):
        context = {
            "div": item,
            "fields": SafeString(_render_items(item.fields, form)),
            "hidden": not item.shown(form),
        }
        return get_template(item.get_template_name(TEMPLATE_PACK)).render(context)
    if isinstance(item, Fieldset):
        context = {
            "fieldset": item,
            "legend": SafeString(str(item.legend)) if item.legend else SafeString(""),
            "fields": SafeString(_render_items(item.fields, form)),
        }
        return get_template(item.get_template_name(TEMPLATE_PACK)).render(context)
    if isinstance(item, Div):
        context = {"div": item, "fields": SafeString(_render_items(item.fields, form))}
        return get_template(item.get_template_name(TEMPLATE_PACK)).render(context)
    if isinstance(item, Layout):
        return _render_items(item.fields, form)
    # Any other layout object (or a bare field name) as crispy renders it.
    if isinstance(item, LayoutObject | str):
        return render_field(item, form, Context(), template_pack=TEMPLATE_PACK)
    raise TypeError(f"Not a layout object: {item!r}")
