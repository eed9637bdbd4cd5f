"""`manage.py report ID -o FILE.pdf` writes the same document as the download."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.models import Assessment
from tests.pdf_helpers import finalized_assessment, pages_text

PRINTED_AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_the_command_and_the_download_give_the_same_document(client, alice, tmp_path):
    final = finalized_assessment(alice)
    target = tmp_path / "report.pdf"
    client.force_login(alice)
    with time_machine.travel(PRINTED_AT, tick=False):
        call_command("report", str(final.pk), "-o", str(target), stdout=io.StringIO())
        downloaded = client.get(reverse("assessments:pdf", args=[final.pk])).content
    written = pages_text(target.read_bytes())
    assert written == pages_text(downloaded)
    assert "Generated 25 Nov 2026, 12:00 GMT" in written[-1]


def test_the_command_and_the_download_agree_for_a_finalized_demo_assessment(db, client, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    demo = Assessment.objects.filter(status=Assessment.Status.FINAL).order_by("patient_ref")[0]
    target = tmp_path / "demo.pdf"
    client.force_login(demo.owner)
    with time_machine.travel(PRINTED_AT, tick=False):
        call_command("report", str(demo.pk), "-o", str(target), stdout=io.StringIO())
        downloaded = client.get(reverse("assessments:pdf", args=[demo.pk])).content
    assert pages_text(target.read_bytes()) == pages_text(downloaded)
    assert demo.patient_ref in pages_text(downloaded)[0]


def test_it_writes_to_the_download_filename_by_default(alice, tmp_path, monkeypatch):
    final = finalized_assessment(alice)
    monkeypatch.chdir(tmp_path)
    call_command("report", str(final.pk), stdout=io.StringIO())
    assert (tmp_path / "vertebro-MRN-0001-2026-10-18.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("assessment_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_id_is_refused_with_a_message(db, assessment_id, tmp_path):
    with pytest.raises(CommandError, match="No assessment with id"):
        call_command("report", assessment_id, "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_dash_writes_the_pdf_to_standard_output(alice, capsysbinary):
    final = finalized_assessment(alice)
    call_command("report", str(final.pk), "-o", "-")
    written = capsysbinary.readouterr().out
    assert written.startswith(b"%PDF-")
    assert "MRN-0001" in pages_text(written)[0]
