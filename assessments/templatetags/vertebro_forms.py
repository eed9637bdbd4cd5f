"""Rendering help for the step forms' radio and checkbox groups.

crispy's Bootstrap 5 template includes a sub-template per option; a step with
a dozen radio groups spent most of its time there. Building each option's
<input> here keeps the markup (and its aria attributes) and costs a fraction.
"""

from django import template
from django.forms.utils import flatatt
from django.forms.widgets import Input, Select
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def choice_options(bound_field) -> list[dict]:
    """Each option of a radio or checkbox group: its id, label and rendered <input>."""
    widget = bound_field.field.widget
    attrs = bound_field.build_widget_attrs({"id": bound_field.auto_id})
    values = widget.format_value(bound_field.value())
    css_class = "form-check-input is-invalid" if bound_field.errors else "form-check-input"
    options = []
    for _group, group_options, _index in widget.optgroups(bound_field.html_name, values, attrs):
        for option in group_options:
            option_attrs = {
                key: value for key, value in option["attrs"].items() if value is not False
            }
            options.append(
                {
                    "id": option_attrs.get("id", ""),
                    "label": option["label"],
                    "input": format_html(
                        '<input type="{}" class="{}" name="{}" value="{}"{}>',
                        option["type"],
                        css_class,
                        option["name"],
                        option["value"],
                        flatatt(option_attrs),
                    ),
                }
            )
    return options


@register.filter
def control(bound_field):
    """A text, number, date or select input with Bootstrap's classes and its aria attributes.

    Inputs and selects are built here, as Django's widget templates would build
    them (one template include per option made the step pages slow).
    """
    widget = bound_field.field.widget
    css_class = "form-select" if bound_field.widget_type == "select" else "form-control"
    if bound_field.errors:
        css_class += " is-invalid"
    attrs = bound_field.build_widget_attrs({"id": bound_field.auto_id, "class": css_class})
    if isinstance(widget, Select):
        return _select(bound_field, widget, attrs)
    if not isinstance(widget, Input):
        return bound_field.as_widget(attrs={"class": css_class})
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    value = context["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', value) if value is not None else "",
        flatatt(context["attrs"]),
    )


def _select(bound_field, widget, attrs):
    values = widget.format_value(bound_field.value())
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (option["value"], " selected" if option["selected"] else "", option["label"])
            for _group, group_options, _index in widget.optgroups(bound_field.html_name, values, {})
            for option in group_options
        ),
    )
    return format_html(
        '<select name="{}"{}>{}</select>',
        bound_field.html_name,
        flatatt({**widget.attrs, **attrs}),
        options,
    )


@register.filter
def date_parts(bound_field) -> dict:
    """The day, month and year boxes of a date (forms.DatePartsWidget), each with its id and
    rendered control; `attrs` carries the data attributes of the date in words."""
    widget = bound_field.field.widget
    css_suffix = " is-invalid" if bound_field.errors else ""
    value = bound_field.value()
    if not isinstance(value, list | tuple):
        value = widget.decompress(value)
    auto_id = bound_field.auto_id
    described = " ".join(
        [f"{auto_id}_words"]
        + ([f"{auto_id}_error"] if bound_field.errors else [])
        + ([f"{auto_id}_helptext"] if bound_field.help_text else [])
    )
    parts = []
    for index, (suffix, sub) in enumerate(zip(widget.widgets_names, widget.widgets, strict=True)):
        part_id = f"{bound_field.auto_id}_{index}"
        name = bound_field.html_name + suffix
        attrs = {**sub.attrs, "id": part_id, "class": ""}
        if bound_field.errors:
            attrs["aria-invalid"] = "true"
        if isinstance(sub, Select):
            attrs["class"] = "form-select" + css_suffix
            selected = "" if value[index] is None else str(value[index])
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (code, " selected" if code == selected else "", label)
                    for code, label in sub.choices
                ),
            )
            rendered = format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)
        else:
            attrs["class"] = "form-control" + css_suffix
            part_value = value[index]
            rendered = format_html(
                '<input type="text" name="{}"{}{}>',
                name,
                format_html(' value="{}"', part_value) if part_value not in (None, "") else "",
                flatatt(attrs),
            )
        parts.append(
            {
                "id": part_id,
                "label": suffix[1:].capitalize(),
                "input": rendered,
                "css": f"date-parts__{suffix[1:]}",
            }
        )
    data = {key: val for key, val in widget.attrs.items() if key.startswith("data-")}
    data["aria-describedby"] = described
    return {"parts": parts, "attrs": flatatt(data)}
