"""The step forms' HTML, as `{% crispy form %}` renders it, at almost no cost per request.

What a step form shows is mostly the same for every request of one step under one rules
version: its layout (forms._layout), its questions' labels and help texts, its options and
the wrappers (rows, columns, fieldsets, conditional blocks). Each form class is compiled
once (`compile_form`) into static HTML segments and slots; a request only fills the slots:

- a field: its value (typed or saved), the options checked or selected, whether it is
  required (a draft save requires nothing), its errors with `aria-invalid` and
  `aria-describedby`, the "From the EHR" mark, and the data attributes of a date in words;
- a conditional block: shown, or `hidden`, from the current answer.

Guarantees:
- The HTML is byte for byte that of crispy-forms with our field templates
  (templates/assessments/crispy/), which stay the reference:
  tests/questionnaire/test_step_rendering.py compares the two for every step, rules version
  and state. A change of markup goes into the template and here; the test says if they differ.
- What comes from an answer, a message or the rules version is escaped as Django's templates
  escape it (`conditional_escape`); attributes are written as Django's `flatatt` writes them.
- What a compiled form keeps is read from the form class (labels, help texts, options, widget
  attributes of inputs without per-request data); what an instance may change (`required`,
  `from_record`, a date's data attributes, the errors and the values) is read per request.
- A layout object or a widget this module does not know is rendered as crispy renders it.
"""

import functools
from dataclasses import dataclass

from crispy_forms.layout import Div, Fieldset, Layout, LayoutObject
from crispy_forms.templatetags.crispy_forms_utils import remove_spaces
from crispy_forms.utils import TEMPLATE_PACK, render_field
from django import forms
from django.forms.utils import pretty_name
from django.forms.widgets import Input
from django.template import Context
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from assessments.questionnaire.forms import Choices, Conditional, Control, DatePartsWidget
from assessments.templatetags.vertebro_forms import flat_attrs

# crispy-bootstrap5's block of the errors that belong to no single field.
NON_FIELD_ERRORS_TEMPLATE = f"{TEMPLATE_PACK}/errors.html"
# Stands for a wrapper's content while its template is rendered once, at compile time.
_CONTENT = "\x00content\x00"

REQUIRED_MARK = '<span class="asteriskField">*</span>'
FROM_RECORD_MARK = ' <span class="badge text-bg-info from-record">From the EHR</span>'


def render_form(form) -> SafeString:
    """The form's fields in its helper's layout, with the errors of no single field above."""
    parts = compile_form(form.helper.layout, type(form), form.auto_id, form.prefix)
    html = "".join(part if type(part) is str else part.render(form) for part in parts)
    if form.non_field_errors():
        errors = get_template(NON_FIELD_ERRORS_TEMPLATE).render({"form": form})
        html = f"{errors}\n\n{html}"
    # The blank lines around it are those of crispy's form template.
    return mark_safe(f"\n\n{remove_spaces(html.strip())}\n")


@functools.cache
def compile_form(layout, form_class, auto_id, prefix) -> tuple:
    """A form class's layout as static HTML (str) and slots (objects with `render(form)`),
    adjacent static pieces joined. The layout is the class's (forms._helper), shared by
    every instance and never changed."""
    form = _Shape(form_class, auto_id, prefix)
    parts: list = []
    for part in _compile_items(layout.fields, form):
        if type(part) is str and parts and type(parts[-1]) is str:
            parts[-1] += part
        else:
            parts.append(part)
    return tuple(parts)


@dataclass(frozen=True)
class _Shape:
    """What compiling reads of a form: its class's fields and how it names their inputs."""

    form_class: type
    auto_id: str | bool
    prefix: str | None

    def html_name(self, name: str) -> str:
        return f"{self.prefix}-{name}" if self.prefix else name

    def auto_id_of(self, name: str) -> str:
        html_name = self.html_name(name)
        if self.auto_id and "%s" in str(self.auto_id):
            return str(self.auto_id) % html_name
        return html_name if self.auto_id else ""


def _compile_items(items, form: _Shape) -> list:
    return [part for item in items for part in _compile(item, form)]


def _wrapped(template_name: str, context: dict, inner: list) -> list:
    """`inner` inside a wrapper template rendered once around a marker."""
    html = get_template(template_name).render({**context, "fields": SafeString(_CONTENT)})
    opening, closing = html.split(_CONTENT)
    return [opening, *inner, closing]


def _compile(item, form: _Shape) -> list:
    if isinstance(item, Control | Choices) and not item.attrs and not item.wrapper_class:
        inline = isinstance(item, Choices) and item.inline
        return [_field_slot(item, name, form, inline) for name in item.fields]
    if isinstance(item, Conditional):
        inner = _compile_items(item.fields, form)
        template = item.get_template_name(TEMPLATE_PACK)
        shown = _wrapped(template, {"div": item, "hidden": False}, inner)
        hidden = _wrapped(template, {"div": item, "hidden": True}, inner)
        return [_Shown(item.when, item.equals, shown[0], hidden[0]), *inner, shown[-1]]
    if isinstance(item, Fieldset):
        legend = SafeString(str(item.legend)) if item.legend else SafeString("")
        context = {"fieldset": item, "legend": legend}
        return _wrapped(
            item.get_template_name(TEMPLATE_PACK), context, _compile_items(item.fields, form)
        )
    if isinstance(item, Div):
        return _wrapped(
            item.get_template_name(TEMPLATE_PACK), {"div": item}, _compile_items(item.fields, form)
        )
    if isinstance(item, Layout):
        return _compile_items(item.fields, form)
    if isinstance(item, LayoutObject | str):
        return [_CrispySlot(item)]
    raise TypeError(f"Not a layout object: {item!r}")


def _field_slot(item, name: str, form: _Shape, inline: bool):
    field = form.form_class.base_fields[name]
    widget = field.widget
    if isinstance(item, Choices):
        if (
            isinstance(widget, forms.RadioSelect)
            and widget.option_inherits_attrs
            and not any(isinstance(label, list | tuple) for _value, label in widget.choices)
        ):
            return _ChoiceGroup(name, form, inline)
    elif isinstance(widget, DatePartsWidget):
        return _DateParts(name, form)
    elif (
        isinstance(widget, forms.Select)
        and not widget.allow_multiple_selected
        and not any(isinstance(label, list | tuple) for _value, label in widget.choices)
    ):
        return _Control(name, form, select=True)
    elif isinstance(widget, Input):
        return _Control(name, form, select=False)
    return _TemplateSlot(item, name, inline)


class _Shown:
    """The opening of a conditional block: shown when field `when` has the value `equals`."""

    def __init__(self, when: str, equals: str, shown: str, hidden: str):
        self.when, self.equals, self.shown, self.hidden = when, equals, shown, hidden

    def render(self, form) -> str:
        value = form[self.when].value()
        return self.shown if value is not None and str(value) == self.equals else self.hidden


class _CrispySlot:
    """A layout object this module does not compile, rendered as crispy renders it."""

    def __init__(self, item):
        self.item = item

    def render(self, form) -> str:
        return render_field(self.item, form, Context(), template_pack=TEMPLATE_PACK)


class _TemplateSlot:
    """A field whose widget this module does not compile, through its own template."""

    def __init__(self, item, name: str, inline: bool):
        self.template_name = item.get_template_name(TEMPLATE_PACK)
        self.name = name
        self.extra = {"inline": inline} if isinstance(item, Choices) else {}

    def render(self, form) -> str:
        context = {"field": form[self.name], **self.extra}
        return get_template(self.template_name).render(context)


class _Field:
    """What every field's markup shares: its id, label, help text and error messages."""

    def __init__(self, name: str, form: _Shape):
        field = form.form_class.base_fields[name]
        self.name = name
        self.html_name = form.html_name(name)
        self.auto_id = form.auto_id_of(name)
        self.id = conditional_escape(self.auto_id)
        label = pretty_name(name) if field.label is None else field.label
        self.label = conditional_escape(label)
        help_text = field.help_text or ""
        self.help = (
            f'<div id="{self.id}_helptext" class="form-text">{conditional_escape(help_text)}</div>'
            if help_text
            else ""
        )

    def heading(self, field) -> str:
        """The label's text with the required mark and the "From the EHR" mark."""
        required = REQUIRED_MARK if field.required else ""
        from_record = FROM_RECORD_MARK if getattr(field, "from_record", False) else ""
        return f"{self.label}{required}{from_record}"

    def messages(self, errors, css_class: str, indent: str) -> str:
        """The errors and the help text under the input, each on its line."""
        return f"{indent}{self.errors(errors, css_class)}\n{indent}{self.help}\n"

    def errors(self, errors, css_class: str) -> str:
        if not errors:
            return ""
        messages = "".join(
            f'<p class="mb-0" id="error_{number}_{self.id}"><strong>'
            f"{conditional_escape(error)}</strong></p>"
            for number, error in enumerate(errors, start=1)
        )
        return f'<div id="{self.id}_error" class="{css_class}">{messages}</div>'


class _ChoiceGroup(_Field):
    """A radio or checkbox group (templates/assessments/crispy/choice_group.html); each
    option's <input> is written once for each set of attributes a request gives it."""

    def __init__(self, name: str, form: _Shape, inline: bool):
        super().__init__(name, form)
        widget = form.form_class.base_fields[name].widget
        self.widget = widget
        self.option_start = (
            f'\n      <div class="form-check{" form-check-inline" if inline else ""}">'
        )
        self.options = [
            (
                "" if value is None else str(value),
                f' <label for="{conditional_escape(self._option_id(index))}" '
                f'class="form-check-label">{conditional_escape(label)}</label></div>',
            )
            for index, (value, label) in enumerate(widget.choices)
        ]
        self._inputs: dict[tuple, list[tuple[str, str]]] = {}

    def _option_id(self, index: int) -> str:
        return self.widget.id_for_label(self.auto_id, str(index))

    def _option_inputs(self, attrs: dict, invalid: bool) -> list[tuple[str, str]]:
        """Each option's <input>, not checked and checked, as `choice_options` builds it."""
        key = (invalid, *sorted(attrs.items()))
        inputs = self._inputs.get(key)
        if inputs is None:
            css_class = "form-check-input is-invalid" if invalid else "form-check-input"
            start = (
                f'<input type="{conditional_escape(self.widget.input_type)}" '
                f'class="{conditional_escape(css_class)}" '
                f'name="{conditional_escape(self.html_name)}" value="'
            )
            base = {**self.widget.attrs, **attrs}
            inputs = []
            for index, (value, _label) in enumerate(self.options):
                option_attrs = {**base, "id": self._option_id(index)}
                checked = {**option_attrs, **self.widget.checked_attribute}
                inputs.append(
                    tuple(
                        f'{start}{conditional_escape(value)}"'
                        f"{flat_attrs({k: v for k, v in each.items() if v is not False})}>"
                        for each in (option_attrs, checked)
                    )
                )
            self._inputs[key] = inputs
        return inputs

    def render(self, form) -> str:
        bound = form[self.name]
        field = bound.field
        errors = bound.errors
        # As Django's BoundField builds them (required, disabled, aria-invalid), without the id.
        attrs = bound.build_widget_attrs({})
        inputs = self._option_inputs(attrs, bool(errors))
        values = self.widget.format_value(bound.value())
        multiple = self.widget.allow_multiple_selected
        options = []
        has_selected = False
        for (value, label_html), (unchecked, checked) in zip(self.options, inputs, strict=True):
            selected = (not has_selected or multiple) and value in values
            has_selected |= selected
            options.append(f"{self.option_start}{checked if selected else unchecked}{label_html}")
        described = bound.aria_describedby
        described_html = f' aria-describedby="{conditional_escape(described)}"' if described else ""
        required_class = " requiredField" if field.required else ""
        return (
            f'<div id="div_{self.id}" class="mb-3">\n'
            f"  <fieldset{described_html}>\n"
            f'    <legend class="form-label fs-6{required_class}">{self.heading(field)}</legend>\n'
            f"    <div>{''.join(options)}\n    </div>\n"
            f"{self.messages(errors, 'invalid-feedback', '    ')}"
            "  </fieldset>\n</div>\n"
        )


class _Control(_Field):
    """A text input or a drop-down (templates/assessments/crispy/control.html, the
    `control` filter); a number that may be negative gets its sign button."""

    def __init__(self, name: str, form: _Shape, *, select: bool):
        super().__init__(name, form)
        field = form.form_class.base_fields[name]
        widget = field.widget
        self.widget = widget
        self.select = select
        self.css_class = "form-select" if select else "form-control"
        self.label_for = conditional_escape(
            widget.id_for_label(widget.attrs.get("id") or self.auto_id)
        )
        self.signed = bool(getattr(field, "signed", False))
        name_html = conditional_escape(self.html_name)
        if select:
            self.start = f'<select name="{name_html}"'
            self.choices = [
                (str(value), conditional_escape(value), conditional_escape(label))
                for value, label in (("" if v is None else v, text) for v, text in widget.choices)
            ]
        else:
            self.start = f'<input type="{conditional_escape(widget.input_type)}" name="{name_html}"'
        self.sign_button = (
            f'<button type="button" class="btn btn-outline-secondary" '
            f'data-toggle-sign="{self.id}" aria-controls="{self.id}" tabindex="-1" hidden>'
            '<span aria-hidden="true">±</span><span class="visually-hidden">Change the sign of '
            f"{self.label}</span></button>"
        )
        self._attrs: dict[tuple, str] = {}

    def _flat(self, attrs: dict) -> str:
        """The input's attributes as `flatatt` writes them, once for each set."""
        key = tuple(attrs.items())
        flat = self._attrs.get(key)
        if flat is None:
            flat = self._attrs[key] = flat_attrs({**self.widget.attrs, **attrs})
        return flat

    def _input(self, bound, invalid: bool) -> str:
        css_class = f"{self.css_class} is-invalid" if invalid else self.css_class
        attrs = self._flat(bound.build_widget_attrs({"id": self.auto_id, "class": css_class}))
        if self.select:
            values = self.widget.format_value(bound.value())
            options = []
            has_selected = False
            for value, value_html, label_html in self.choices:
                selected = not has_selected and value in values
                has_selected |= selected
                mark = " selected" if selected else ""
                options.append(f'<option value="{value_html}"{mark}>{label_html}</option>')
            return f"{self.start}{attrs}>{''.join(options)}</select>"
        value = self.widget.format_value(bound.value())
        value_html = f' value="{conditional_escape(value)}"' if value is not None else ""
        return f"{self.start}{value_html}{attrs}>"

    def render(self, form) -> str:
        bound = form[self.name]
        field = bound.field
        errors = bound.errors
        control = self._input(bound, bool(errors))
        if self.signed:
            control = (
                '<div class="input-group has-validation signed-number">'
                f"{control}{self.sign_button}</div>"
            )
        error_class = "invalid-feedback d-block" if self.signed else "invalid-feedback"
        required_class = " requiredField" if field.required else ""
        return (
            f'<div id="div_{self.id}" class="mb-3">\n'
            f'  <label for="{self.label_for}" class="form-label{required_class}">'
            f"{self.heading(field)}</label>\n"
            f"  {control}\n"
            f"{self.messages(errors, error_class, '  ')}"
            "</div>\n"
        )


class _DateParts(_Field):
    """A date as day, month and year boxes (control.html's date branch, the `date_parts`
    filter); its data attributes (what the date in words counts from) are the instance's."""

    def __init__(self, name: str, form: _Shape):
        super().__init__(name, form)
        widget = form.form_class.base_fields[name].widget
        self.widget = widget
        self.parts = []
        for index, (suffix, sub) in enumerate(
            zip(widget.widgets_names, widget.widgets, strict=True)
        ):
            part_id = f"{self.auto_id}_{index}"
            select = isinstance(sub, forms.Select)
            css_class = "form-select" if select else "form-control"
            attrs = {
                invalid: flat_attrs(
                    {
                        **sub.attrs,
                        "id": part_id,
                        "class": f"{css_class} is-invalid" if invalid else css_class,
                        **({"aria-invalid": "true"} if invalid else {}),
                    }
                )
                for invalid in (False, True)
            }
            name_html = conditional_escape(self.html_name + suffix)
            label = (
                f'\n      <div class="date-parts__{suffix[1:]}"><label for="'
                f'{conditional_escape(part_id)}" class="form-label small mb-1">'
                f"{suffix[1:].capitalize()}</label>"
            )
            options = None
            if select:
                choices = [
                    (str(code), conditional_escape(code), conditional_escape(text))
                    for code, text in sub.choices
                ]
                options = {
                    code: "".join(
                        f'<option value="{each_html}"{" selected" if each == code else ""}>'
                        f"{text_html}</option>"
                        for each, each_html, text_html in choices
                    )
                    for code, _code_html, _text_html in [(None, "", ""), *choices]
                }
            self.parts.append((label, name_html, attrs, options))

    def render(self, form) -> str:
        bound = form[self.name]
        field = bound.field
        errors = bound.errors
        invalid = bool(errors)
        value = bound.value()
        if not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        parts = []
        for (label, name_html, attrs, options), part_value in zip(self.parts, value, strict=True):
            if options is not None:
                selected = "" if part_value is None else str(part_value)
                choices = options.get(selected, options[None])
                parts.append(
                    f'{label}<select name="{name_html}"{attrs[invalid]}>{choices}</select></div>'
                )
            else:
                value_html = (
                    f' value="{conditional_escape(part_value)}"'
                    if part_value not in (None, "")
                    else ""
                )
                parts.append(
                    f'{label}<input type="text" name="{name_html}"{value_html}{attrs[invalid]}></div>'
                )
        described = " ".join(
            [f"{self.auto_id}_words"]
            + ([f"{self.auto_id}_error"] if invalid else [])
            + ([f"{self.auto_id}_helptext"] if bound.help_text else [])
        )
        data = {key: val for key, val in field.widget.attrs.items() if key.startswith("data-")}
        data["aria-describedby"] = described
        required_class = " requiredField" if field.required else ""
        return (
            f'<div id="div_{self.id}" class="mb-3">\n'
            f'  <fieldset class="date-parts" id="{self.id}" data-date-parts{flat_attrs(data)}>\n'
            f'    <legend class="form-label fs-6{required_class}">{self.heading(field)}</legend>\n'
            f'    <div class="d-flex flex-wrap gap-2">{"".join(parts)}\n    </div>\n'
            f'    <p id="{self.id}_words" class="form-text date-words mb-0" aria-live="polite"></p>\n'
            f"{self.messages(errors, 'invalid-feedback d-block', '    ')}"
            "  </fieldset>\n</div>\n"
        )
