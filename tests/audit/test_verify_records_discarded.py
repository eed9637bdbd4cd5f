"""`verify_records` checks every finalized record and nothing else: a discarded draft was
never finalized, has no digest, and is no mismatch."""

import io

from django.core.management import call_command

from assessments.models import Assessment
from assessments.services import assessment_discard, assessment_finalize
from tests.factories import make_assessment


def _verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_records", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue() + err.getvalue()


def test_it_exits_0_with_discarded_drafts_and_checks_only_the_finalized(alice):
    assessment_finalize(assessment=make_assessment(alice, patient_ref="MRN-KEPT"), user=alice)
    for ref in ("MRN-GONE-1", "MRN-GONE-2"):
        assessment_discard(assessment=make_assessment(alice, patient_ref=ref), user=alice)
    code, output = _verify()
    assert code == 0, output
    assert "1 finalized records and 1 chain entries checked, 0 mismatches." in output
    assert "MISMATCH" not in output


def test_it_still_names_a_changed_final_record_beside_discarded_drafts(alice):
    final = assessment_finalize(assessment=make_assessment(alice), user=alice)
    assessment_discard(assessment=make_assessment(alice), user=alice)
    Assessment.objects.filter(pk=final.pk).update(patient_ref="MRN-CHANGED")
    code, output = _verify()
    assert code == 1
    assert f"MISMATCH {final.pk}" in output
    assert "content changed since finalization" in output
    assert "1 finalized records and 1 chain entries checked, 1 mismatches." in output
