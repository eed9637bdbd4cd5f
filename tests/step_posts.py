"""Form posts for the questionnaire's steps, as a browser sends them."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from tests.factories import valid_inputs
from vertebro_rules import inputs


def relative_inputs(**overrides) -> dict:
    """The factories' R10 case with dates counted back from today (never in the future)."""
    today = timezone.localdate()
    dates = {"index_procedure_date": today - timedelta(days=17), "assessment_date": today}
    return valid_inputs(**{**dates, **overrides})


def as_post(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, list) else str(value)


def step_post(step: int, *, version: int | None = None, **overrides) -> dict:
    """The POST body of one step: its fields from `relative_inputs(**overrides)`."""
    values = relative_inputs(**overrides)
    data = {name: as_post(values[name]) for name in inputs.fields_of_step(step)}
    if not data.get("contraindications"):
        data.pop("contraindications", None)
    if version is not None:
        data["version"] = str(version)
    return data


def step_url(assessment, step: int) -> str:
    return reverse("assessments:step", args=[assessment.pk, step])
