"""`manage.py report ID -o FILE.pdf` writes the same document as the download."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.pdf_helpers import finalized_assessment, pages_text

PRINTED_AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_the_command_and_the_download_give_the_same_document(client, alice, tmp_path):
    final = finalized_assessment(alice)
    target = tmp_path / "report.pdf"
    client.force_login(alice)
    with time_machine.travel(PRINTED_AT, tick=False):
        call_command("report", str(final.pk), "-o", str(target))
        downloaded = client.get(reverse("assessments:pdf", args=[final.pk])).content
    written = pages_text(target.read_bytes())
    assert written == pages_text(downloaded)
    assert "Generated 25 November 2026, 12:00 GMT" in written[-1]


def test_it_writes_to_the_download_filename_by_default(alice, tmp_path, monkeypatch):
    final = finalized_assessment(alice)
    monkeypatch.chdir(tmp_path)
    call_command("report", str(final.pk))
    assert (tmp_path / "vertebro-MRN-0001-2026-10-18.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("assessment_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_id_is_refused_with_a_message(db, assessment_id, tmp_path):
    with pytest.raises(CommandError, match="No assessment with id"):
        call_command("report", assessment_id, "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
