"""Every kind of FHIR resource Vertebro produces passes the three independent validators a
receiving system would use (the R4 JSON Schema, FHIR.js, fhir.resources R4B), with 0 errors;
and each validator does refuse a broken resource (the check can fail)."""

import pytest

from assessments.services import assessment_amend, assessment_finalize
from interop.fhir.bundle import build_bundle
from interop.fhir.definitions import build_capability_statement, build_code_system, code_system_ids
from interop.fhir.document import build_document_reference
from interop.fhir.follow_ups import follow_up_bundle
from interop.fhir.guidance import build_guidance_response
from interop.fhir.questionnaire import build_questionnaire
from interop.fhir.response import export_response
from tests.factories import NO_MRI, make_assessment
from tests.outcomes.factories import make_follow_up, make_procedure
from tests.step_posts import relative_inputs

from .conftest import call, hook_request
from .validators import validator_errors

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 test document"


def _finalized(alice, **overrides):
    draft = make_assessment(alice, **overrides)
    warnings = [warning["id"] for warning in draft.evaluate().to_dict().get("warnings", [])]
    return assessment_finalize(assessment=draft, user=alice, acknowledged=warnings)


@pytest.fixture
def exports(alice, client, cds_settings, monkeypatch) -> dict[str, dict]:
    """One of each resource the application and the CDS service produce, by name."""
    monkeypatch.setattr("assessments.reports.pdf.assessment_pdf", lambda assessment: FAKE_PDF)
    cds_settings.VERTEBRO_MRN_SYSTEM = "urn:oid:1.2.36.146.595.217.0.1"
    found: dict[str, dict] = {"Questionnaire": build_questionnaire()}
    draft = make_assessment(alice, patient_ref="MRN-DRAFT")
    found["draft QuestionnaireResponse"] = export_response(draft)
    found["draft Bundle"] = build_bundle(draft)
    cases = {
        "decided": {},
        "work-up missing": {**NO_MRI, "point_tenderness": "not_examined"},
        "with a warning": relative_inputs(marrow_edema="absent", cleft_sign="present"),
    }
    for name, overrides in cases.items():
        final = _finalized(alice, **{**overrides, "patient_ref": f"MRN-{len(found)}"})
        found[f"{name} QuestionnaireResponse"] = export_response(final)
        found[f"{name} GuidanceResponse"] = build_guidance_response(final)
        found[f"{name} DocumentReference"] = build_document_reference(final)
        found[f"{name} Bundle"] = build_bundle(final)
    assert found["with a warning GuidanceResponse"].get("contained"), "no warning reached"
    original = _finalized(alice, patient_ref="MRN-AMENDED")
    amendment = assessment_finalize(
        assessment=assessment_amend(assessment=original, user=alice, reason="Level"), user=alice
    )
    original.refresh_from_db()
    for name, assessment in (("original", original), ("amendment", amendment)):
        found[f"{name} QuestionnaireResponse"] = export_response(assessment)
        found[f"{name} GuidanceResponse"] = build_guidance_response(assessment)
        found[f"{name} DocumentReference"] = build_document_reference(assessment)
        found[f"{name} Bundle"] = build_bundle(assessment)
    make_procedure(amendment)
    make_follow_up(amendment, "1m")
    make_follow_up(amendment, "3m")
    found["follow-up Bundle"] = follow_up_bundle(amendment)
    for index, entry in enumerate(found["follow-up Bundle"]["entry"]):
        found[f"follow-up Observation {index}"] = entry["resource"]
    body = hook_request()
    del body["prefetch"]["procedures"]
    response = call(client, body)
    assert response.status_code == 412
    found["412 OperationOutcome"] = response.json()
    for system_id in code_system_ids():
        found[f"CodeSystem {system_id}"] = build_code_system(system_id)
    found["CapabilityStatement"] = build_capability_statement()
    return found


def test_every_resource_produced_passes_the_three_validators(exports):
    assert len(exports) >= 45
    failures = {
        name: {validator: errors for validator, errors in found.items() if errors}
        for name, resource in exports.items()
        if any((found := validator_errors(resource)).values())
    }
    assert failures == {}


def test_each_validator_refuses_a_broken_resource(exports):
    broken = dict(exports["decided QuestionnaireResponse"])
    broken["status"] = "signed"  # not a QuestionnaireResponse status
    broken["authored"] = 20261204  # not a dateTime
    broken["colour"] = "blue"  # no such element
    found = validator_errors(broken)
    assert all(found.values()), found
