"""Form posts for the questionnaire's steps, as a browser sends them."""

from datetime import date, timedelta
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import timezone

from assessments import rules_versions
from tests.factories import ANSWERED_NO, valid_inputs


def relative_inputs(**overrides) -> dict:
    """The factories' R10 case with dates counted back from today (never in the future)."""
    today = timezone.localdate()
    dates = {"index_procedure_date": today - timedelta(days=17), "assessment_date": today}
    return valid_inputs(**{**ANSWERED_NO, **dates, **overrides})


def as_post(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, list) else str(value)


def step_post(
    step: int, *, version: int | None = None, rules_version: str | None = None, **overrides
) -> dict:
    """The POST body of one step under a rules version (the active one unless named): its
    fields from `relative_inputs(**overrides)`."""
    values = relative_inputs(**overrides)
    edition = rules_versions.edition(rules_version or rules_versions.active_version())
    data = {name: as_post(values.get(name)) for name in edition.fields_of_step(step)}
    if not data.get("contraindications"):
        data.pop("contraindications", None)
    if version is not None:
        data["version"] = str(version)
    return data


def step_url(assessment, step: int) -> str:
    return reverse("assessments:step", args=[assessment.pk, step])


class _DatePartsFinder(HTMLParser):
    """The values shown in the day, month and year boxes of one date field."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.parts = {"day": "", "month": "", "year": ""}
        self._select = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        field = attributes.get("name", "")
        if tag == "input" and field in (f"{self.name}_day", f"{self.name}_year"):
            self.parts[field.rsplit("_", 1)[1]] = attributes.get("value") or ""
        elif tag == "select":
            self._select = field == f"{self.name}_month"
        elif tag == "option" and self._select and "selected" in attributes:
            self.parts["month"] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = False


def shown_date(response, name: str) -> date | None:
    """The date a step page shows in the boxes of field `name` (None when they are empty)."""
    finder = _DatePartsFinder(name)
    finder.feed(response.content.decode())
    parts = finder.parts
    if not all(parts.values()):
        return None
    return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))


def date_parts_post(name: str, value: date) -> dict:
    """A date as the browser sends it: day, month (its number) and year boxes."""
    return {
        f"{name}_day": str(value.day),
        f"{name}_month": str(value.month),
        f"{name}_year": str(value.year),
    }
