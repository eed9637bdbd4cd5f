"""Numbers and dates that cannot be misread, whatever the clinician's locale or keyboard.

A number is typed in a text box and read on the server: a decimal comma is a decimal
point ("1,5" mL is 1.5, never 15), a number whose decimal mark is in doubt is refused
with a message that says how to write it. A date is three boxes (day, month by its name,
four-digit year): no order of day and month to guess, no two-digit year.
"""

from datetime import date
from decimal import Decimal

import pytest

from assessments.models import Assessment
from assessments.questionnaire.forms import (
    DECIMAL_MARK_MESSAGE,
    DatePartsField,
    form_for,
    normalise_number,
)
from tests.factories import make_assessment
from tests.step_posts import date_parts_post, relative_inputs, shown_date, step_post, step_url
from vertebro_rules import inputs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1,5", "1.5"),
        ("1.5", "1.5"),
        (" 4,2 ", "4.2"),
        ("-2,9", "-2.9"),
        ("\u22122.9", "-2.9"),  # the minus sign of a word processor
        ("\u20132,9", "-2.9"),  # an en dash
        ("- 2.9", "-2.9"),
        ("+1,0", "+1.0"),
        ("12", "12"),
    ],
)
def test_a_decimal_comma_is_a_decimal_point(typed, read):
    assert normalise_number(typed) == read


@pytest.mark.parametrize("typed", ["1,500", "1.234,5", "1,2,3", "1,234"])
def test_a_number_whose_decimal_mark_is_in_doubt_is_refused(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refusal:
        normalise_number(typed)
    assert refusal.value.messages == [DECIMAL_MARK_MESSAGE]


@pytest.mark.parametrize(
    ("typed", "saved"), [("1,5", Decimal("1.5")), ("3,5", Decimal("3.5")), ("4.2", Decimal("4.2"))]
)
def test_the_cement_volume_typed_with_a_comma_is_saved_as_written(signed_in, alice, typed, saved):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(1, version=assessment.version, index_cement_volume_ml=None)
    post["index_cement_volume_ml"] = typed
    response = signed_in.post(step_url(assessment, 1), post)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.index_cement_volume_ml == saved


def test_an_ambiguous_volume_is_refused_naming_the_field_and_the_decimal_mark(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(index_cement_volume_ml=Decimal("4.0")))
    post = step_post(1, version=assessment.version)
    post["index_cement_volume_ml"] = "1,500"
    response = signed_in.post(step_url(assessment, 1), post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Index cement volume (mL)" in page
    assert "one decimal mark" in page
    assessment.refresh_from_db()
    assert assessment.index_cement_volume_ml == Decimal("4.0")  # nothing saved


def test_a_t_score_typed_with_a_comma_and_a_typographic_minus_is_negative(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(1, version=assessment.version)
    post["bmd_t_score"] = "\u22122,9"
    assert signed_in.post(step_url(assessment, 1), post).status_code == 302
    assessment.refresh_from_db()
    assert assessment.bmd_t_score == Decimal("-2.9")


def test_weeks_with_a_decimal_mark_are_refused_not_multiplied(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(conservative_therapy_weeks=3))
    post = step_post(2, version=assessment.version)
    post["conservative_therapy_weeks"] = "2,5"
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 400
    assert "Enter a whole number (no decimal mark)." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.conservative_therapy_weeks == 3


def test_numbers_are_text_boxes_with_the_keypad_of_their_kind(signed_in, alice):
    """Driven by the field kinds, not by names: every decimal answer opens the decimal
    keypad, every whole number the numeric one, and a field that takes negative numbers
    has a sign button (a phone's decimal keypad may have no minus key)."""
    assessment = make_assessment(alice, **relative_inputs())
    for step in (1, 2, 3, 4):
        form_class = form_for(step, assessment)
        page = signed_in.get(step_url(assessment, step)).content.decode()
        for name in form_class.Meta.fields:
            spec = form_class.edition.FIELDS_BY_NAME[name]
            if not isinstance(spec, inputs.DecimalInput | inputs.IntegerInput):
                continue
            mode = "decimal" if isinstance(spec, inputs.DecimalInput) else "numeric"
            assert f'<input type="text" name="{name}"' in page, name
            tag = page.split(f'name="{name}"', 1)[1].split(">", 1)[0]
            assert f'inputmode="{mode}"' in tag, name
            assert ('data-toggle-sign="id_' + name + '"' in page) is (spec.minimum < 0), name
    assert 'type="number"' not in page


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["3", "7", "26"], "Enter the year with four digits, e.g. 2026 (not 26)."),
        (["3", "7", "0026"], None),  # four digits, refused later as before 1985
        (["31", "2", "2026"], "There is no 31 Feb 2026."),
        (["", "7", "2026"], "Enter the day as well."),
        (["3", "", ""], "Enter the month and the year as well."),
        (["32", "7", "2026"], "Enter the day as a number from 1 to 31."),
        (["3", "13", "2026"], "Choose the month from the list."),
        (["x", "7", "2026"], "Enter the day as a number from 1 to 31."),
    ],
)
def test_each_wrong_part_of_a_date_is_named(parts, message):
    from django.core.exceptions import ValidationError

    field = DatePartsField(required=True)
    if message is None:
        assert field.clean(parts) == date(26, 7, 3)
        return
    with pytest.raises(ValidationError) as refusal:
        field.clean(parts)
    assert refusal.value.messages == [message]


def test_a_date_posted_as_three_boxes_is_saved_and_shown_again(signed_in, alice):
    assessment = make_assessment(alice, index_procedure_date=date(2026, 1, 5))
    post = step_post(1, version=assessment.version)
    post.pop("index_procedure_date")
    post.update(date_parts_post("index_procedure_date", date(2026, 7, 3)))
    # 3 July, whatever a browser's locale would have made of 03/07.
    assert signed_in.post(step_url(assessment, 1), post).status_code == 302
    assessment.refresh_from_db()
    assert assessment.index_procedure_date == date(2026, 7, 3)
    page = signed_in.get(step_url(assessment, 1))
    assert shown_date(page, "index_procedure_date") == date(2026, 7, 3)
    assert '<option value="7" selected>Jul</option>' in page.content.decode()


def test_a_two_digit_year_is_refused_and_nothing_is_saved(signed_in, alice):
    assessment = make_assessment(alice, index_procedure_date=date(2026, 1, 5))
    post = step_post(1, version=assessment.version)
    post.pop("index_procedure_date")
    post.update({"index_procedure_date_day": "3", "index_procedure_date_month": "7"})
    post["index_procedure_date_year"] = "26"
    response = signed_in.post(step_url(assessment, 1), post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "four digits" in page
    assert 'href="#id_index_procedure_date_0"' in page  # the summary leads to the day box
    assert Assessment.objects.get(pk=assessment.pk).index_procedure_date == date(2026, 1, 5)
