"""Where users reach FHIR: downloads on the result page, the import page and the commands."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from assessments.models import AccessLogEntry, Assessment
from assessments.services import assessment_finalize
from interop.fhir.response import export_response
from tests.factories import make_assessment

from .validators import assert_valid_fhir

pytestmark = pytest.mark.django_db
FAKE_PDF = b"%PDF-1.7 test document"


@pytest.fixture(autouse=True)
def _fast_pdf(monkeypatch):
    monkeypatch.setattr("assessments.reports.pdf.assessment_pdf", lambda assessment: FAKE_PDF)


@pytest.fixture
def final(alice):
    return assessment_finalize(assessment=make_assessment(alice), user=alice)


@pytest.mark.parametrize("kind", ["response", "guidance", "document", "bundle"])
def test_owner_and_reviewer_download_and_each_download_is_logged(
    client, final, alice, reviewer, bob, kind
):
    url = f"/assessments/{final.pk}/fhir/{kind}.json"
    for user in (alice, reviewer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/fhir+json"
        assert "attachment" in response["Content-Disposition"]
        assert_valid_fhir(response.json())
    client.force_login(bob)
    assert client.get(url).status_code == 404
    logged = AccessLogEntry.objects.filter(assessment=final, kind="fhir")
    assert sorted(entry.user.username for entry in logged) == ["alice", "reviewer"]


def test_a_draft_has_only_its_answers_to_download(client, alice):
    draft = make_assessment(alice)
    client.force_login(alice)
    assert client.get(f"/assessments/{draft.pk}/fhir/response.json").status_code == 200
    assert client.get(f"/assessments/{draft.pk}/fhir/guidance.json").status_code == 404
    assert client.get(f"/assessments/{draft.pk}/fhir/document.json").status_code == 404
    assert client.get(f"/assessments/{draft.pk}/fhir/other.json").status_code == 404


def test_the_result_page_offers_the_downloads(client, final, alice):
    client.force_login(alice)
    page = client.get(f"/assessments/{final.pk}/result/").content.decode()
    assert f"/assessments/{final.pk}/fhir/response.json" in page
    assert f"/assessments/{final.pk}/fhir/bundle.json" in page


def upload(resource) -> SimpleUploadedFile:
    return SimpleUploadedFile("response.json", json.dumps(resource).encode(), "application/json")


def test_the_import_page_makes_a_draft_of_the_signed_in_clinician(client, final, bob):
    client.force_login(bob)
    assert client.get("/interop/import/").status_code == 200
    response = client.post("/interop/import/", {"file": upload(export_response(final))})
    draft = Assessment.objects.get(owner=bob)
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{draft.pk}/"
    # Rules 2026.3 asks the weeks of therapy for a recurrence only: a stored answer it does not
    # ask is not in the response (§1: kept, never read). A yes/no question not asked (MRI not
    # possible beside an MRI) is not in it either: the same input to the rules.
    assert final.initial_response != "relief_then_recurrence"
    edition = draft.rules()
    expected = {**final.input_values(), "conservative_therapy_weeks": None}
    assert edition.to_inputs(draft.input_values()) == edition.to_inputs(expected)


def test_the_import_page_names_each_refused_answer_and_saves_nothing(client, final, bob):
    resource = export_response(final)
    resource["item"][0]["item"][1]["answer"] = [{"valueInteger": 150}]  # patient_age
    client.force_login(bob)
    response = client.post("/interop/import/", {"file": upload(resource)})
    assert response.status_code == 400
    assert ">patient_age</code>:" in response.content.decode()
    assert not Assessment.objects.filter(owner=bob).exists()


def test_the_import_page_refuses_a_file_that_is_not_json(client, bob):
    client.force_login(bob)
    bad = SimpleUploadedFile("response.json", b"\xff\xfe not json", "application/json")
    response = client.post("/interop/import/", {"file": bad})
    assert response.status_code == 400
    assert "not JSON" in response.content.decode()


def test_export_fhir_command(final, tmp_path):
    out = io.StringIO()
    call_command("export_fhir", "questionnaire", stdout=out)
    assert_valid_fhir(json.loads(out.getvalue()))
    for kind in ("response", "guidance", "document", "bundle"):
        out = io.StringIO()
        call_command("export_fhir", kind, str(final.pk), stdout=out)
        assert_valid_fhir(json.loads(out.getvalue()))
    assert AccessLogEntry.objects.filter(assessment=final, kind="fhir").count() == 4
    target = tmp_path / "bundle.json"
    call_command("export_fhir", "bundle", str(final.pk), "--output", str(target))
    assert json.loads(target.read_text())["resourceType"] == "Bundle"
    with pytest.raises(CommandError, match="No assessment"):
        call_command("export_fhir", "response", "not-an-id")
    with pytest.raises(CommandError, match="needs an assessment id"):
        call_command("export_fhir", "bundle")


def test_import_fhir_command(final, bob, tmp_path):
    path = tmp_path / "response.json"
    path.write_text(json.dumps(export_response(final)))
    out = io.StringIO()
    call_command("import_fhir", str(path), "--user", "bob", stdout=out)
    draft = Assessment.objects.get(owner=bob)
    assert str(draft.pk) in out.getvalue()
    bad = export_response(final)
    bad["item"][0]["item"][1]["answer"] = [{"valueInteger": 150}]
    path.write_text(json.dumps(bad))
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_fhir", str(path), "--user", "bob", stderr=err)
    assert refused.value.returncode == 2
    assert "patient_age:" in err.getvalue()
    assert Assessment.objects.filter(owner=bob).count() == 1


def test_import_fhir_needs_a_clinician(final, reviewer, tmp_path):
    path = tmp_path / "response.json"
    path.write_text(json.dumps(export_response(final)))
    with pytest.raises(CommandError, match="not a clinician"):
        call_command("import_fhir", str(path), "--user", "reviewer")
    with pytest.raises(CommandError, match="No user"):
        call_command("import_fhir", str(path), "--user", "nobody")
