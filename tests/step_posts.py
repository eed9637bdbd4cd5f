"""Form posts for the questionnaire's steps, as a browser sends them."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from assessments import rules_versions
from tests.factories import valid_inputs


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
