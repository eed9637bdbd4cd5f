"""Rendering help for the step forms' radio and checkbox groups.

crispy's Bootstrap 5 template includes a sub-template per option; a step with
a dozen radio groups spent most of its time there. Building each option's
<input> here keeps the markup (and its aria attributes) and costs a fraction.
"""

from django import template
from django.forms.utils import flatatt
from django.forms.widgets import Input, Select
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def choice_options(bound_field) -> list[dict]:
    """Each option of a radio or checkbox group: its id, label and rendered <input>.

    The inputs are what Django's `optgroups` and `flatatt` would give (ids `<id>_<n>`, the
    field's aria attributes, `checked`), written straight into strings: a step shows up to a
    dozen groups and Django's option dicts and format_html calls were most of their cost.
    """
    widget = bound_field.field.widget
    attrs = bound_field.build_widget_attrs({"id": bound_field.auto_id})
    values = widget.format_value(bound_field.value())
    css_class = "form-check-input is-invalid" if bound_field.errors else "form-check-input"
    if not widget.option_inherits_attrs or any(
        isinstance(label, list | tuple) for _value, label in widget.choices
    ):
        return _grouped_choice_options(bound_field, widget, attrs, values, css_class)
    base = {**widget.attrs, **attrs}
    start = f'<input type="{escape(widget.input_type)}" class="{escape(css_class)}" name="{escape(bound_field.html_name)}" value="'
    options = []
    has_selected = False
    for index, (value, label) in enumerate(widget.choices):
        if value is None:
            value = ""
        selected = (not has_selected or widget.allow_multiple_selected) and str(value) in values
        has_selected |= selected
        option_attrs = dict(base)
        if selected:
            option_attrs.update(widget.checked_attribute)
        if "id" in option_attrs:
            option_attrs["id"] = widget.id_for_label(option_attrs["id"], str(index))
        option_attrs = {key: val for key, val in option_attrs.items() if val is not False}
        options.append(
            {
                "id": option_attrs.get("id", ""),
                "label": label,
                "input": SafeString(
                    f'{start}{conditional_escape(value)}"{flat_attrs(option_attrs)}>'
                ),
            }
        )
    return options


def _grouped_choice_options(bound_field, widget, attrs, values, css_class) -> list[dict]:
    """choice_options through Django's `optgroups`, for grouped choices."""
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


def flat_attrs(attrs: dict) -> str:
    """Django's `flatatt` (key="value" pairs sorted, then the true boolean attributes sorted;
    None and False left out), escaped the same way, without a format_html call per pair."""
    pairs = sorted(
        (key, value)
        for key, value in attrs.items()
        if value is not None and not isinstance(value, bool)
    )
    flags = sorted(key for key, value in attrs.items() if value is True)
    return "".join(
        [f' {conditional_escape(key)}="{conditional_escape(value)}"' for key, value in pairs]
        + [f" {conditional_escape(key)}" for key in flags]
    )


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
