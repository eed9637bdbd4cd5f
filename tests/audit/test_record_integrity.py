"""Tamper-evident finalized records: an HMAC seal of the frozen record under a key kept out of
the database, and a chain of finalizations; `manage.py verify_records` checks both, names each
record that fails and prints the chain head. The seal is shown in the admin and the PDF."""

import hashlib
import hmac
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from assessments import integrity
from assessments.models import Assessment, RecordChainEntry
from assessments.services import (
    AssessmentNotEditable,
    assessment_amend,
    assessment_discard,
    assessment_finalize,
    assessment_save_step,
)
from tests.factories import make_assessment


def _verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_records", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue() + err.getvalue()


def _db_id(pk):
    return pk.hex if connection.vendor == "sqlite" else pk


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _raw_update(sql_set: str, params: list, pk) -> None:
    table = Assessment._meta.db_table
    _raw(f"UPDATE {table} SET {sql_set} WHERE id = %s", [*params, _db_id(pk)])


@pytest.fixture
def finals(alice, bob):
    return [
        assessment_finalize(assessment=make_assessment(owner, patient_ref=ref), user=owner)
        for owner, ref in ((alice, "MRN-A"), (bob, "MRN-B"), (alice, "MRN-C"))
    ]


def test_finalization_stores_the_hmac_of_the_canonical_json_under_the_record_key(finals):
    stored = Assessment.objects.get(pk=finals[0].pk)
    key_id, key = integrity.current_key()
    expected = hmac.new(key, integrity.canonical_json(stored), hashlib.sha256).hexdigest()
    assert stored.record_digest == expected
    assert stored.record_key_id == key_id
    assert stored.record_digest != hashlib.sha256(integrity.canonical_json(stored)).hexdigest()


def test_the_canonical_record_covers_status_inputs_guidance_who_and_when(finals):
    record = integrity.canonical_record(Assessment.objects.get(pk=finals[0].pk))
    assert record["status"] == "final"
    assert record["inputs"]["patient_ref"] == "MRN-A"
    assert record["guidance"]["recommendation"] == record["recommendation"]
    assert record["display_record"] == finals[0].display_record
    assert record["rules_version"] == finals[0].rules_version
    assert record["owner"] == finals[0].owner_id
    assert record["finalized_by"] == finals[0].finalized_by_id
    assert record["finalized_at"].startswith(str(finals[0].finalized_at.year))
    assert record["created"].startswith(str(finals[0].created.year))


def test_each_finalization_is_chained_to_the_one_before(finals):
    entries = list(RecordChainEntry.objects.order_by("seq"))
    assert [entry.seq for entry in entries] == [1, 2, 3]
    assert [entry.assessment_id for entry in entries] == [final.pk for final in finals]
    assert entries[0].previous_mac == ""
    assert [entry.previous_mac for entry in entries[1:]] == [entry.mac for entry in entries[:2]]
    assert [entry.record_mac for entry in entries] == [final.record_digest for final in finals]


def test_verify_records_passes_untouched_records_and_prints_the_chain_head(finals):
    code, output = _verify()
    assert code == 0, output
    head = RecordChainEntry.objects.order_by("-seq").first()
    assert f"Chain head: entry 3 {head.mac}" in output
    assert "3 finalized records and 3 chain entries checked, 0 mismatches." in output


def test_verify_records_passes_with_drafts_and_discarded_drafts(alice, finals):
    make_assessment(alice, patient_ref="MRN-DRAFT")
    assessment_discard(assessment=make_assessment(alice, patient_ref="MRN-GONE"), user=alice)
    code, output = _verify()
    assert code == 0, output
    assert "MISMATCH" not in output


def _names_only(output: str, pk, finals) -> None:
    assert f"MISMATCH {pk}" in output
    for other in finals:
        if other.pk != pk:
            assert f"MISMATCH {other.pk}" not in output


@pytest.mark.parametrize(
    ("sql_set", "params"),
    [
        ("patient_age = %s", [31]),
        ("recommendation = %s", ["refer"]),
        ("guidance = %s", ['{"recommendation": "refer"}']),
        ("rules_version = %s", ["1999.1"]),
        ("warning_acknowledgements = %s", ['[{"id": "P4", "acknowledged_by": 99}]']),
        ("display_record = %s", ['{"recommendation": "Refer"}']),
        ("finalized_by_id = owner_id + 0, finalized_at = %s", ["2020-01-01 00:00:00+00:00"]),
    ],
)
def test_a_raw_sql_update_is_named_by_verify_records(finals, sql_set, params):
    tampered = finals[1]
    _raw_update(sql_set, params, tampered.pk)
    code, output = _verify()
    assert code == 1
    _names_only(output, tampered.pk, finals)
    assert "content changed since finalization" in output


def test_an_edit_with_a_recomputed_plain_sha256_is_still_named(finals):
    """What a database administrator without the key can do: change a value and store the
    SHA-256 of the new canonical JSON (and of the old unkeyed formats) as the digest."""
    tampered = Assessment.objects.get(pk=finals[1].pk)
    tampered.patient_age = 31
    for forged in (
        hashlib.sha256(integrity.canonical_json(tampered)).hexdigest(),
        integrity.legacy_record_digest(tampered, record_format=2),
    ):
        _raw_update("patient_age = %s, record_digest = %s", [31, forged], tampered.pk)
        code, output = _verify()
        assert code == 1
        _names_only(output, tampered.pk, finals)


@pytest.mark.parametrize("status", ["draft", "discarded"])
def test_a_final_record_set_back_to_draft_or_discarded_is_named(finals, status):
    _raw_update("status = %s", [status], finals[0].pk)
    code, output = _verify()
    assert code == 1
    _names_only(output, finals[0].pk, finals)
    assert f"finalized record now has status '{status}'" in output


def test_a_finalized_record_set_back_to_draft_still_cannot_be_edited(signed_in, finals):
    """Finding 1: with the status set to draft the record was editable again (step 2 → 200)."""
    _raw_update("status = %s", ["draft"], finals[0].pk)
    stale = Assessment.objects.get(pk=finals[0].pk)
    stale.patient_age = 31
    with pytest.raises(AssessmentNotEditable):
        assessment_save_step(
            assessment=stale, fields=("patient_age",), expected_version=stale.version
        )
    with pytest.raises(AssessmentNotEditable):
        assessment_finalize(assessment=stale, user=stale.owner)
    page = signed_in.get(reverse("assessments:step", args=[finals[0].pk, 2]))
    assert page.status_code != 200


def test_a_deleted_record_is_named(finals):
    _raw(f"DELETE FROM {Assessment._meta.db_table} WHERE id = %s", [_db_id(finals[1].pk)])
    code, output = _verify()
    assert code == 1
    _names_only(output, finals[1].pk, finals)
    assert "finalized record deleted from the database (chain entry 2)" in output


def test_a_deleted_chain_entry_is_found(finals):
    table = RecordChainEntry._meta.db_table
    _raw(f"DELETE FROM {table} WHERE seq = %s", [2])
    code, output = _verify()
    assert code == 1
    assert f"MISMATCH {finals[1].pk}: not in the chain of finalizations" in output
    assert "chain entry 3 follows entry 1: entries 2–2 were deleted" in output


def test_two_chain_entries_swapped_are_found(finals):
    table = RecordChainEntry._meta.db_table
    for old, new in ((1, 100), (2, 1), (100, 2)):
        _raw(f"UPDATE {table} SET seq = %s WHERE seq = %s", [new, old])
    code, output = _verify()
    assert code == 1
    assert f"MISMATCH {finals[0].pk}: chain entry 2 was changed" in output
    assert f"MISMATCH {finals[1].pk}: chain entry 1 was changed" in output


def test_two_records_contents_swapped_are_named(finals):
    """The answers of two records exchanged: each seal covers its own record's id."""
    a, b = finals[0], finals[1]
    for target, source in ((a, b), (b, a)):
        _raw_update("patient_ref = %s", [source.patient_ref], target.pk)
    code, output = _verify()
    assert code == 1
    assert f"MISMATCH {a.pk}" in output and f"MISMATCH {b.pk}" in output
    assert f"MISMATCH {finals[2].pk}" not in output


def test_two_records_seals_swapped_are_named(finals):
    a, b = finals[0], finals[1]
    _raw_update("record_digest = %s", [b.record_digest], a.pk)
    _raw_update("record_digest = %s", [a.record_digest], b.pk)
    code, output = _verify()
    assert code == 1
    assert f"MISMATCH {a.pk}" in output and f"MISMATCH {b.pk}" in output


def test_cutting_the_last_entries_off_changes_the_chain_head(finals):
    """Only the head written down elsewhere shows a chain cut short: it no longer appears."""
    head_before = RecordChainEntry.objects.order_by("-seq").first().mac
    _raw(f"DELETE FROM {RecordChainEntry._meta.db_table} WHERE seq = %s", [3])
    _raw(f"DELETE FROM {Assessment._meta.db_table} WHERE id = %s", [_db_id(finals[2].pk)])
    code, output = _verify()
    assert code == 0
    assert head_before not in output
    assert "Chain head: entry 2 " in output


def test_a_record_without_a_seal_is_named(finals):
    Assessment.objects.filter(pk=finals[2].pk).update(record_digest="")
    code, output = _verify()
    assert code == 1
    _names_only(output, finals[2].pk, finals)
    assert "no seal stored" in output


def test_a_draft_set_to_final_in_the_database_is_named(alice, finals):
    forged = make_assessment(alice, patient_ref="MRN-FORGED")
    _raw_update("status = %s", ["final"], forged.pk)
    code, output = _verify()
    assert code == 1
    assert f"MISMATCH {forged.pk}: no seal stored" in output
    assert f"MISMATCH {forged.pk}: not in the chain of finalizations" in output


def test_superseding_renews_the_original_seal_and_chains_it(alice):
    original = assessment_finalize(assessment=make_assessment(alice), user=alice)
    sealed_as_final = original.record_digest
    amendment = assessment_amend(assessment=original, user=alice, reason="wrong level")
    assessment_finalize(assessment=amendment, user=alice)
    original.refresh_from_db()
    assert original.status == Assessment.Status.SUPERSEDED
    assert original.record_digest != sealed_as_final
    events = list(RecordChainEntry.objects.order_by("seq").values_list("assessment_id", "event"))
    assert events == [
        (original.pk, "finalize"),
        (amendment.pk, "finalize"),
        (original.pk, "supersede"),
    ]
    code, output = _verify()
    assert code == 0, output


def test_a_superseded_record_set_back_to_final_is_named(alice):
    original = assessment_finalize(assessment=make_assessment(alice), user=alice)
    amendment = assessment_amend(assessment=original, user=alice, reason="wrong level")
    assessment_finalize(assessment=amendment, user=alice)
    _raw_update("status = %s", ["final"], original.pk)
    code, output = _verify()
    assert code == 1
    assert f"MISMATCH {original.pk}" in output
    assert f"MISMATCH {amendment.pk}" not in output


def test_a_rotated_key_keeps_old_seals_valid_and_seals_new_records_with_the_new_key(
    alice, settings
):
    first = assessment_finalize(assessment=make_assessment(alice), user=alice)
    old_key = settings.VERTEBRO_RECORD_KEY
    settings.VERTEBRO_RECORD_KEY = "a-new-record-key-" + "q8Zt3wX1pL" * 5
    settings.VERTEBRO_RECORD_OLD_KEYS = [old_key]
    second = assessment_finalize(assessment=make_assessment(alice), user=alice)
    assert first.record_key_id != second.record_key_id
    assert second.record_key_id == integrity.key_id_of(settings.VERTEBRO_RECORD_KEY.encode())
    code, output = _verify()
    assert code == 0, output
    settings.VERTEBRO_RECORD_OLD_KEYS = []
    code, output = _verify()
    assert code == 1
    assert f"MISMATCH {first.pk}: sealed with a key not configured ({first.record_key_id})" in (
        output
    )
    assert f"MISMATCH {second.pk}" not in output.replace(f"{second.pk}: chain entry", "")


def test_the_admin_shows_the_short_seal(client, reviewer, finals):
    client.force_login(reviewer)
    page = client.get(reverse("admin:assessments_assessment_change", args=[finals[0].pk]))
    assert page.status_code == 200
    assert integrity.short_digest(finals[0].record_digest) in page.content.decode()


def test_the_pdf_shows_the_short_seal(alice, finals):
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


def _as_before_the_keyed_seals() -> None:
    """The database as it was before 0016: no chain, no key ids, and the unkeyed SHA-256
    digests (record format 2) that finalization stored then."""
    RecordChainEntry.objects.all()._raw_delete(connection.alias)
    for record in Assessment.objects.exclude(finalized_at=None):
        Assessment.objects.filter(pk=record.pk).update(
            record_digest=integrity.legacy_record_digest(record, record_format=2),
            record_key_id="",
        )


@pytest.mark.usefixtures("rules_2026_2")  # records finalized before 2026.3
def test_records_digested_by_migrations_0008_and_0011_are_sealed_by_0016(finals):
    """An upgrade from before digests existed: 0008, 0011 and 0016 in turn, each on the
    models of its migration."""
    RecordChainEntry.objects.all()._raw_delete(connection.alias)
    Assessment.objects.update(record_digest="", record_key_id="")
    _run_data_migration("0008_record_digest", "digest_finalized_records")
    _run_data_migration("0011_display_record", "keep_what_2026_1_printed")
    _run_data_migration("0018_record_seals_and_chain", "seal_and_chain_finalized_records")
    code, output = _verify()
    assert code == 0, output
    assert "3 finalized records and 3 chain entries checked" in output


def test_the_data_migration_seals_and_chains_records_in_finalization_order(alice, finals):
    original = assessment_finalize(assessment=make_assessment(alice), user=alice)
    amendment = assessment_amend(assessment=original, user=alice, reason="wrong level")
    assessment_finalize(assessment=amendment, user=alice)
    _as_before_the_keyed_seals()
    _run_data_migration("0018_record_seals_and_chain", "seal_and_chain_finalized_records")
    events = list(RecordChainEntry.objects.order_by("seq").values_list("assessment_id", "event"))
    assert events == [
        *[(final.pk, "finalize") for final in finals],
        (original.pk, "finalize"),
        (amendment.pk, "finalize"),
        (original.pk, "supersede"),
    ]
    code, output = _verify()
    assert code == 0, output


def test_a_record_tampered_with_before_the_seals_stays_a_mismatch(finals):
    _as_before_the_keyed_seals()
    _raw_update("patient_age = %s", [31], finals[0].pk)
    _run_data_migration("0018_record_seals_and_chain", "seal_and_chain_finalized_records")
    code, output = _verify()
    assert code == 1
    _names_only(output, finals[0].pk, finals)
    assert "sealed only with the old unkeyed SHA-256" in output
