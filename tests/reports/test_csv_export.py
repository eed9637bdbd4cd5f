"""CSV export: spec column names, formula cells neutralised, numbers kept, streamed."""

import csv
import tracemalloc
from datetime import UTC, date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Assessment
from assessments.reports import export
from assessments.services import assessment_finalize
from tests.factories import make_assessment, valid_inputs
from vertebro_rules import inputs


def read_csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture
def final(alice):
    return assessment_finalize(assessment=make_assessment(alice), user=alice)


def test_the_header_names_every_spec_input_then_status_result_clinician_and_timestamps(
    tmp_path, final
):
    target = tmp_path / "out.csv"
    call_command("export_csv", "-o", str(target))
    with open(target, newline="", encoding="utf-8") as stream:
        header = next(csv.reader(stream))
    assert header[1 : 1 + len(inputs.INPUT_FIELD_NAMES)] == list(inputs.INPUT_FIELD_NAMES)
    for column in (
        "status",
        "scenario",
        "recommendation",
        "deciding_rule",
        "missing",
        "rules_version",
        "clinician",
        "created",
        "updated",
        "finalized_at",
    ):
        assert column in header


def test_a_final_row_carries_its_frozen_result_and_a_draft_row_blanks(tmp_path, alice, final):
    make_assessment(
        alice, patient_ref="MRN-DRAFT", mri_performed=False, active_fracture_location=None
    )
    target = tmp_path / "out.csv"
    call_command("export_csv", "-o", str(target))
    rows = {row["patient_ref"]: row for row in read_csv(target)}
    row = rows["MRN-0001"]
    assert (row["status"], row["scenario"], row["recommendation"], row["deciding_rule"]) == (
        "final",
        "immediate_failure",
        "repeat_indicated",
        "R10",
    )
    assert row["rules_version"] == final.rules_version
    assert row["clinician"] == "alice"
    assert row["treated_level"] == "L1" and row["index_procedure_date"] == "2026-10-01"
    assert row["mri_performed"] == "true" and row["cleft_new_since_index"] == ""
    assert row["finalized_at"] == final.finalized_at.astimezone(UTC).isoformat()
    draft = rows["MRN-DRAFT"]
    assert (draft["status"], draft["recommendation"], draft["finalized_at"]) == ("draft", "", "")


def test_the_missing_work_up_items_are_listed(tmp_path, alice):
    assessment_finalize(
        assessment=make_assessment(
            alice, point_tenderness="not_examined", cement_fill="not_assessed"
        ),
        user=alice,
    )
    target = tmp_path / "out.csv"
    call_command("export_csv", "-o", str(target))
    (row,) = read_csv(target)
    assert row["recommendation"] == "complete_workup"
    assert row["missing"] == "point_tenderness;cement_imaging"


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("x")', "+1+1", "-2+3", "@SUM(A1)", "\tX", "\rX"])
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(dangerous):
    assert export.cell(dangerous) == "'" + dangerous


def test_numbers_are_never_neutralised_a_t_score_of_minus_2_5_stays_a_number(tmp_path, alice):
    make_assessment(alice, patient_ref="=cmd|'/c calc'!A1", bmd_t_score=Decimal("-2.5"))
    target = tmp_path / "out.csv"
    call_command("export_csv", "-o", str(target))
    (row,) = read_csv(target)
    assert row["patient_ref"] == "'=cmd|'/c calc'!A1"
    assert row["bmd_t_score"] == "-2.5"
    assert row["index_cement_volume_ml"] == "4.2"


def test_since_keeps_assessments_changed_on_or_after_the_date(tmp_path, alice):
    import time_machine

    with time_machine.travel("2026-10-20 12:00Z", tick=False):
        make_assessment(alice, patient_ref="MRN-OLD")
    with time_machine.travel("2026-11-20 12:00Z", tick=False):
        make_assessment(alice, patient_ref="MRN-NEW")
    target = tmp_path / "out.csv"
    call_command("export_csv", "--since", "2026-11-01", "-o", str(target))
    assert [row["patient_ref"] for row in read_csv(target)] == ["MRN-NEW"]


def test_since_sees_a_follow_up_or_procedure_recorded_after_the_date(tmp_path, alice):
    import time_machine

    from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure

    with time_machine.travel("2026-10-20 12:00Z", tick=False):
        followed = final_assessment(alice, patient_ref="MRN-FOLLOWED")
        operated = final_assessment(alice, patient_ref="MRN-OPERATED")
        final_assessment(alice, patient_ref="MRN-QUIET")
        make_procedure(followed, performed_on=date(2026, 10, 20))
    with time_machine.travel("2026-11-20 12:00Z", tick=False):
        make_follow_up(followed, "1m", seen_on=date(2026, 11, 19))
        make_procedure(operated, performed_on=date(2026, 10, 20))
    target = tmp_path / "out.csv"
    call_command("export_csv", "--since", "2026-11-01", "-o", str(target))
    rows = read_csv(target)
    assert sorted(row["patient_ref"] for row in rows) == ["MRN-FOLLOWED", "MRN-OPERATED"]
    by_ref = {row["patient_ref"]: row for row in rows}
    assert by_ref["MRN-FOLLOWED"]["followup_1m_date"] == "2026-11-19"


def test_discarded_drafts_are_left_out_unless_discarded_since_the_date(tmp_path, alice):
    import time_machine

    from assessments.services import assessment_discard

    with time_machine.travel("2026-10-20 12:00Z", tick=False):
        make_assessment(alice, patient_ref="MRN-DRAFT")
        old = make_assessment(alice, patient_ref="MRN-GONE-LONG-AGO")
        assessment_discard(assessment=old, user=alice)
        recent = make_assessment(alice, patient_ref="MRN-GONE-TODAY")
    with time_machine.travel("2026-11-20 12:00Z", tick=False):
        assessment_discard(assessment=recent, user=alice)
    target = tmp_path / "out.csv"
    call_command("export_csv", "-o", str(target))
    assert [row["patient_ref"] for row in read_csv(target)] == ["MRN-DRAFT"]
    call_command("export_csv", "--since", "2026-11-01", "-o", str(target))
    assert [(row["patient_ref"], row["status"]) for row in read_csv(target)] == [
        ("MRN-GONE-TODAY", "discarded")
    ]


def test_a_bad_since_is_a_clear_error_naming_the_option(tmp_path):
    with pytest.raises(CommandError, match=r"--since.*YYYY-MM-DD.*'last week'"):
        call_command("export_csv", "--since", "last week", "-o", str(tmp_path / "out.csv"))
    assert not (tmp_path / "out.csv").exists()


def test_an_unwritable_output_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="-o/--output"):
        call_command("export_csv", "-o", str(tmp_path / "missing" / "out.csv"))


def test_the_export_is_produced_row_by_row_from_a_database_iterator(alice, monkeypatch):
    for number in range(5):
        make_assessment(alice, patient_ref=f"MRN-{number}")
    monkeypatch.setattr(export, "CHUNK_SIZE", 2)
    lines = export.csv_lines(Assessment.objects.all())
    assert next(lines).startswith("id,patient_ref,")  # nothing fetched yet beyond the header
    first = next(lines)
    assert "MRN-0" in first
    assert len(list(lines)) == 4


def peak_bytes(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_writing_5000_rows_keeps_memory_well_below_what_the_rows_take(tmp_path, alice):
    values = valid_inputs()
    Assessment.objects.bulk_create(
        Assessment(owner=alice, **{**values, "patient_ref": f"MRN-{n:06d}"}) for n in range(5000)
    )
    target = tmp_path / "out.csv"
    call_command("export_csv", "-o", str(tmp_path / "warm-up.csv"))  # imports, caches
    streamed = peak_bytes(lambda: call_command("export_csv", "-o", str(target)))
    held = peak_bytes(lambda: list(export.rows(Assessment.objects.all())))
    with open(target, encoding="utf-8") as stream:
        assert sum(1 for _ in stream) == 5001
    assert streamed < held / 3, (streamed, held)


def test_a_user_name_that_starts_like_a_formula_is_neutralised_too(tmp_path, db):
    from django.contrib.auth import get_user_model

    clinician = get_user_model().objects.create_user(username="@clinician", password="x")
    assessment_finalize(assessment=make_assessment(clinician), user=clinician)
    target = tmp_path / "out.csv"
    call_command("export_csv", "-o", str(target))
    (row,) = read_csv(target)
    assert (row["clinician"], row["finalized_by"]) == ("'@clinician", "'@clinician")
