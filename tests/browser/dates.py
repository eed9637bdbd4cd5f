"""Filling and reading a date of the questionnaire: day, month (by its name) and year boxes."""

import re
from datetime import date

from playwright.sync_api import expect


def date_group(page, label: str):
    """The fieldset of the date whose legend is `label` (a required one ends with "*", an
    answer taken from the electronic record with its "From the EHR" mark)."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(label)}\*?(?: From the EHR)?$"))


def fill_date(page, label: str, value: date | None) -> None:
    group = date_group(page, label)
    group.get_by_label("Day").fill("" if value is None else str(value.day))
    group.get_by_label("Month").select_option("" if value is None else str(value.month))
    group.get_by_label("Year").fill("" if value is None else str(value.year))


def expect_date(page, label: str, value: date) -> None:
    group = date_group(page, label)
    expect(group.get_by_label("Day")).to_have_value(str(value.day))
    expect(group.get_by_label("Month")).to_have_value(str(value.month))
    expect(group.get_by_label("Year")).to_have_value(str(value.year))
