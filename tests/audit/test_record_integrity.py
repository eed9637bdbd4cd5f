"""Tamper-evident finalized records: the SHA-256 digest of the frozen record, stored at
finalization, recomputed by `manage.py verify_records`, shown in the admin and the PDF."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from assessments import integrity
from assessments.models import Assessment
from assessments.services import assessment_amend, assessment_finalize
from tests.factories import make_assessment

# Tests of rules 2026.2 behaviour through the web (2026.3 changes it on purpose).
pytestmark = pytest.mark.usefixtures("rules_2026_2")


def _verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_records", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue() + err.getvalue()


def _raw_update(sql_set: str, params: list, pk) -> None:
    table = Assessment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sql_set} WHERE id = %s",
            [*params, pk.hex if connection.vendor == "sqlite" else pk],
        )


@pytest.fixture
def finals(alice, bob):
    return [
        assessment_finalize(assessment=make_assessment(owner, patient_ref=ref), user=owner)
        for owner, ref in ((alice, "MRN-A"), (bob, "MRN-B"), (alice, "MRN-C"))
    ]


def test_finalization_stores_the_sha256_of_the_canonical_json(finals):
    stored = Assessment.objects.get(pk=finals[0].pk)
    expected = hashlib.sha256(integrity.canonical_json(stored)).hexdigest()
    assert stored.record_digest == expected
    assert len(stored.record_digest) == 64


def test_the_canonical_record_covers_inputs_guidance_rules_version_who_and_when(finals):
    record = integrity.canonical_record(Assessment.objects.get(pk=finals[0].pk))
    assert record["inputs"]["patient_ref"] == "MRN-A"
    assert record["guidance"]["recommendation"] == record["recommendation"]
    assert record["rules_version"] == finals[0].rules_version
    assert record["finalized_by"] == finals[0].finalized_by_id
    assert record["finalized_at"].startswith(str(finals[0].finalized_at.year))


def test_verify_records_finds_no_mismatch_in_untouched_records(finals):
    code, output = _verify()
    assert code == 0
    assert "3 finalized records checked, 0 mismatches." in output


@pytest.mark.parametrize(
    ("sql_set", "params"),
    [
        ("patient_age = %s", [31]),
        ("recommendation = %s", ["refer"]),
        ("guidance = %s", ['{"recommendation": "refer"}']),
        ("rules_version = %s", ["1999.1"]),
    ],
)
def test_a_raw_sql_update_is_named_by_verify_records(finals, sql_set, params):
    tampered = finals[1]
    _raw_update(sql_set, params, tampered.pk)
    code, output = _verify()
    assert code == 1
    assert f"MISMATCH {tampered.pk}" in output
    assert str(finals[0].pk) not in output and str(finals[2].pk) not in output
    assert "1 mismatches" in output


def test_a_record_without_a_digest_is_named(finals):
    Assessment.objects.filter(pk=finals[2].pk).update(record_digest="")
    code, output = _verify()
    assert code == 1
    assert f"MISMATCH {finals[2].pk}" in output
    assert "no digest stored" in output


def test_superseding_keeps_the_original_digest_valid(alice):
    original = assessment_finalize(assessment=make_assessment(alice), user=alice)
    amendment = assessment_amend(assessment=original, user=alice)
    assessment_finalize(assessment=amendment, user=alice)
    original.refresh_from_db()
    assert original.status == Assessment.Status.SUPERSEDED
    assert _verify()[0] == 0


def test_drafts_have_no_digest_and_are_not_checked(alice):
    draft = make_assessment(alice)
    assert draft.record_digest == ""
    code, output = _verify()
    assert code == 0
    assert "0 finalized records checked" in output


def test_the_admin_shows_the_short_digest(client, reviewer, finals):
    client.force_login(reviewer)
    page = client.get(reverse("admin:assessments_assessment_change", args=[finals[0].pk]))
    assert page.status_code == 200
    assert integrity.short_digest(finals[0].record_digest) in page.content.decode()


def test_the_pdf_shows_the_short_digest(alice, finals):
    from assessments.reports import pdf
    from tests.pdf_helpers import document_text

    text = document_text(pdf.assessment_pdf(Assessment.objects.get(pk=finals[0].pk)))
    assert integrity.short_digest(finals[0].record_digest) in text


def _run_data_migration(name: str, function: str) -> None:
    import importlib

    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module(f"assessments.migrations.{name}")
    state = MigrationLoader(connection).project_state(("assessments", name))
    getattr(migration, function)(state.apps, None)


def test_the_data_migrations_digest_records_finalized_before_digests_existed(finals):
    """An upgrade from before 0008: digests of what the records held (format 1), then renewed
    under format 2 (display record covered) by 0011 — each on the models of its migration."""
    Assessment.objects.update(record_digest="")
    _run_data_migration("0008_record_digest", "digest_finalized_records")
    assert {a.record_digest for a in Assessment.objects.all()} == {
        integrity.record_digest(a, record_format=1) for a in Assessment.objects.all()
    }
    _run_data_migration("0011_display_record", "keep_what_2026_1_printed")
    code, output = _verify()
    assert code == 0, output


def test_a_record_tampered_with_before_the_format_changed_stays_a_mismatch(finals):
    Assessment.objects.update(record_digest="")
    _run_data_migration("0008_record_digest", "digest_finalized_records")
    _raw_update("patient_age = %s", [31], finals[0].pk)
    _run_data_migration("0011_display_record", "keep_what_2026_1_printed")
    code, output = _verify()
    assert code == 1
    assert f"MISMATCH {finals[0].pk}" in output
    assert "1 mismatches" in output
