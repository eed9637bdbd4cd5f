"""The CSV export carries the procedure and follow-ups: still one row per assessment.

Both ways of exporting (the `export_csv` command and the admin action) pass the outcome
columns to the export; the command is tested here, the admin action in tests/reports."""

import csv
import io
from datetime import date

from django.core.management import call_command

from outcomes.export import CSV_COLUMNS, OUTCOME_COLUMNS
from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure


def _csv_text() -> str:
    stream = io.StringIO()
    call_command("export_csv", "-o", "-", stdout=stream, stderr=io.StringIO())
    return stream.getvalue()


def _rows():
    return list(csv.DictReader(io.StringIO(_csv_text())))


def test_one_row_per_assessment_with_its_procedure_and_three_visits(alice):
    done = final_assessment(alice, patient_ref="DONE")
    make_procedure(done, operator="=HYPERLINK(1)", complication_description="")
    make_follow_up(done, "1m", vas=2, seen_on=date(2026, 11, 19))
    make_follow_up(
        done,
        "3m",
        vas=3,
        seen_on=date(2026, 11, 24),
        new_fracture="adjacent",
        new_fracture_date=date(2026, 11, 20),
    )
    final_assessment(alice, patient_ref="NOTHING")
    rows = {row["patient_ref"]: row for row in _rows()}
    assert len(rows) == 2
    row = rows["DONE"]
    assert row["procedure_performed"] == "yes"
    assert row["procedure_date"] == "2026-10-20"
    assert row["procedure_cement_volume_ml"] == "6.5"
    assert row["procedure_operator"] == "'=HYPERLINK(1)"  # neutralised for spreadsheets
    assert (row["followup_1m_date"], row["followup_1m_vas"]) == ("2026-11-19", "2")
    assert (row["followup_3m_new_fracture"], row["followup_3m_new_fracture_date"]) == (
        "adjacent",
        "2026-11-20",
    )
    assert row["followup_12m_vas"] == ""
    assert len(OUTCOME_COLUMNS) == 31
    assert all(rows["NOTHING"][column] == "" for column in OUTCOME_COLUMNS)


def test_the_added_columns_come_last_in_the_header(alice):
    final_assessment(alice, patient_ref="ANY")
    header = next(csv.reader(io.StringIO(_csv_text())))
    assert tuple(header[-len(CSV_COLUMNS.names) :]) == CSV_COLUMNS.names
    assert header[0] == "id"


def test_an_offered_procedure_not_done_exports_its_reason(alice):
    from tests.outcomes.department import NOT_DONE

    case = final_assessment(alice, patient_ref="OFFERED")
    make_procedure(
        case, performed="no", not_done_reason="other", not_done_detail="Anticoagulation", **NOT_DONE
    )
    row = {row["patient_ref"]: row for row in _rows()}["OFFERED"]
    assert row["procedure_performed"] == "no"
    assert (row["procedure_not_done_reason"], row["procedure_not_done_detail"]) == (
        "other",
        "Anticoagulation",
    )
