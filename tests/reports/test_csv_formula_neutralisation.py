"""Formula neutralisation, tested on the export as produced (`export_csv` and the admin's CSV
action): every text column of an assessment, its clinician, its procedure and its follow-ups
is filled, straight in the database, with a value starting with each character of OWASP's
CSV-injection list, and no cell of the file may start with one unless it is a number."""

import csv
import io
from decimal import Decimal, InvalidOperation

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import assessment_finalize
from outcomes.models import FollowUp, Procedure
from tests.factories import make_assessment
from tests.outcomes.factories import make_follow_up, make_procedure

# OWASP, CSV Injection: cells beginning with these are run as formulas.
OWASP_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField)) and field.name != "status"
    ]


def _dangerous(prefix: str, field) -> str:
    value = f'{prefix}HYPERLINK("http://x.example")'
    return value[: field.max_length] if field.max_length else value


def _seed_one_row_per_prefix() -> dict[str, int]:
    """One finalized assessment per prefix, every text column holding a formula."""
    filled = {}
    for number, prefix in enumerate(OWASP_PREFIXES):
        clinician = get_user_model().objects.create_user(username=f"{prefix}clinician{number}")
        final = assessment_finalize(assessment=make_assessment(clinician), user=clinician)
        make_procedure(final)
        make_follow_up(final)
        for model, rows in (
            (Assessment, Assessment.objects.filter(pk=final.pk)),
            (Procedure, Procedure.objects.filter(assessment=final)),
            (FollowUp, FollowUp.objects.filter(assessment=final)),
        ):
            fields = [f for f in _text_fields(model) if f.name not in ("interval",)]
            rows.update(**{f.name: _dangerous(prefix, f) for f in fields})
            filled[model.__name__] = len(fields)
        Assessment.objects.filter(pk=final.pk).update(contraindications=[f"{prefix}1+1"])
    return filled


def _is_number(cell: str) -> bool:
    try:
        Decimal(cell)
    except InvalidOperation:
        return False
    return True


def _formula_cells(text: str) -> list[tuple[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return [
        (column, cell)
        for row in reader
        for column, cell in zip(header, row, strict=True)
        if cell.startswith(OWASP_PREFIXES) and not _is_number(cell)
    ]


def _neutralised_cells(text: str) -> int:
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    return sum(
        1
        for row in reader
        for cell in row
        if cell.startswith("'") and cell[1:].startswith(OWASP_PREFIXES)
    )


@pytest.mark.django_db
def test_the_export_command_writes_no_cell_a_spreadsheet_would_run(tmp_path):
    filled = _seed_one_row_per_prefix()
    target = tmp_path / "export.csv"
    call_command("export_csv", "-o", str(target))
    # newline="": a CSV is read with its line breaks as written (a "\r" inside a cell stays).
    with target.open(encoding="utf-8", newline="") as export:
        text = export.read()
    assert _formula_cells(text) == []
    # Every filled column of every row is there, neutralised (not dropped or emptied): the
    # inputs, codes and usernames of the assessment, the procedure's texts and codes, and at
    # least the first follow-up's codes.
    assert _neutralised_cells(text) >= len(OWASP_PREFIXES) * (
        filled["Assessment"] + filled["Procedure"] + 1
    )


@pytest.mark.django_db
def test_the_admin_csv_action_writes_no_cell_a_spreadsheet_would_run(client, reviewer):
    _seed_one_row_per_prefix()
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:assessments_assessment_changelist"),
        {
            "action": "export_selected_as_csv",
            "_selected_action": list(Assessment.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert _formula_cells(text) == []
    assert _neutralised_cells(text) > 0
