"""FHIR a receiving system can file: canonical URLs that do not move with the host and
resolve, the MRN with its identifier system, amendments as FHIR defines them, a LOINC
document type, and the CapabilityStatement."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone

from assessments.services import assessment_amend, assessment_finalize
from interop.fhir.bundle import build_bundle
from interop.fhir.common import questionnaire_url
from interop.fhir.definitions import code_system_ids
from interop.fhir.document import build_document_reference
from interop.fhir.follow_ups import follow_up_bundle
from interop.fhir.guidance import build_guidance_response
from interop.fhir.questionnaire import build_questionnaire
from interop.fhir.response import ResponseRefused, export_response, read_response
from tests.factories import NO_MRI, make_assessment
from tests.outcomes.factories import make_follow_up, make_procedure

from .validators import assert_valid_fhir

pytestmark = pytest.mark.django_db

CANONICAL = "https://fhir.vertebro.example.org/fhir"
MRN_SYSTEM = "urn:oid:1.2.36.146.595.217.0.1"
FAKE_PDF = b"%PDF-1.7 test document"


@pytest.fixture
def canonical(settings):
    settings.VERTEBRO_PUBLIC_URL = "https://vertebro-7.internal.example.org"
    settings.VERTEBRO_FHIR_CANONICAL_BASE = CANONICAL
    settings.VERTEBRO_FHIR_FORMER_CANONICAL_BASES = []
    return settings


@pytest.fixture
def final(alice):
    return assessment_finalize(assessment=make_assessment(alice, **NO_MRI), user=alice)


def systems_in(value) -> set[str]:
    """Every Coding system, Identifier system and extension URL a resource names."""
    found = set()
    if isinstance(value, dict):
        for key, child in value.items():
            if key in ("system", "url") and isinstance(child, str):
                found.add(child)
            found |= systems_in(child)
    elif isinstance(value, list):
        for child in value:
            found |= systems_in(child)
    return found


def codes_in(value, system: str) -> set[str]:
    found = set()
    if isinstance(value, dict):
        if value.get("system") == system and isinstance(value.get("code"), str):
            found.add(value["code"])
        for child in value.values():
            found |= codes_in(child, system)
    elif isinstance(value, list):
        for child in value:
            found |= codes_in(child, system)
    return found


# --- Canonical URLs -------------------------------------------------------------------------


def test_every_vertebro_url_an_export_names_is_under_the_canonical_base(canonical, final):
    exports = [
        build_questionnaire(),
        export_response(final),
        build_guidance_response(final),
        build_document_reference(final, pdf_bytes=FAKE_PDF),
    ]
    named = set().union(*(systems_in(resource) for resource in exports))
    ours = {url for url in named if "vertebro" in url}
    assert ours, named
    assert all(url.startswith(f"{CANONICAL}/") for url in ours), sorted(ours)
    assert not any(canonical.VERTEBRO_PUBLIC_URL in url for url in named)
    assert build_questionnaire()["url"] == f"{CANONICAL}/Questionnaire/vertebro-assessment"


def test_every_code_system_an_export_names_resolves_and_holds_its_codes(client, canonical, final):
    exports = [
        build_questionnaire(),
        export_response(final),
        build_guidance_response(final),
        build_document_reference(final, pdf_bytes=FAKE_PDF),
    ]
    named = {
        url
        for url in set().union(*(systems_in(resource) for resource in exports))
        if url.startswith(f"{CANONICAL}/CodeSystem/")
    }
    assert len(named) >= 10, named
    for url in sorted(named):
        response = client.get(url.removeprefix(CANONICAL).join(["/fhir", ""]))
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/fhir+json"
        resource = response.json()
        assert_valid_fhir(resource)
        assert resource["url"] == url
        if resource["content"] == "complete":
            listed = {concept["code"] for concept in resource["concept"]}
            used = set().union(*(codes_in(export, url) for export in exports))
            assert used <= listed, (url, used - listed)


def test_each_code_system_served_is_valid_and_an_unknown_one_is_a_404(client, canonical):
    for system_id in code_system_ids():
        resource = client.get(f"/fhir/CodeSystem/{system_id}").json()
        assert_valid_fhir(resource)
        assert resource["id"] == system_id
    response = client.get("/fhir/CodeSystem/no-such-system")
    assert response.status_code == 404
    assert response.json()["issue"][0]["code"] == "not-found"


def test_the_capability_statement_lists_what_is_served(client, canonical):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200
    statement = response.json()
    assert_valid_fhir(statement)
    assert statement["fhirVersion"] == "4.0.0"  # R4, as the R4 JSON Schema spells it
    assert statement["kind"] == "instance"
    served = {resource["type"] for resource in statement["rest"][0]["resource"]}
    assert served == {
        "Questionnaire",
        "CodeSystem",
        "StructureDefinition",
        "Library",
        "NamingSystem",
    }


@pytest.mark.usefixtures("rules_2026_2")
def test_an_export_made_under_another_host_is_imported(canonical, settings, alice):
    exported = export_response(assessment_finalize(assessment=make_assessment(alice), user=alice))
    settings.VERTEBRO_PUBLIC_URL = "https://vertebro-8.internal.example.org"
    assert read_response(exported, today=_today())["treated_level"] == "L1"


@pytest.mark.usefixtures("rules_2026_2")
def test_an_earlier_base_is_accepted_only_while_listed(canonical, settings, alice):
    settings.VERTEBRO_FHIR_CANONICAL_BASE = "https://old.example.org/fhir"
    exported = export_response(assessment_finalize(assessment=make_assessment(alice), user=alice))
    settings.VERTEBRO_FHIR_CANONICAL_BASE = CANONICAL
    with pytest.raises(ResponseRefused) as refused:
        read_response(exported, today=_today())
    assert refused.value.errors["questionnaire"] == [
        f"Expected a response to {questionnaire_url()}."
    ]
    assert "treated_level" in refused.value.errors  # a coded answer of the old base too
    settings.VERTEBRO_FHIR_FORMER_CANONICAL_BASES = ["https://old.example.org/fhir/"]
    assert read_response(exported, today=_today())["treated_level"] == "L1"


def _today():
    return timezone.localdate()


# --- The MRN --------------------------------------------------------------------------------


def test_the_mrn_carries_the_configured_system_in_every_export(canonical, settings, alice, final):
    settings.VERTEBRO_MRN_SYSTEM = MRN_SYSTEM
    make_procedure(final)
    make_follow_up(final)
    subjects = [
        export_response(final)["subject"],
        build_guidance_response(final)["subject"],
        build_document_reference(final, pdf_bytes=FAKE_PDF)["subject"],
        *(entry["resource"]["subject"] for entry in follow_up_bundle(final)["entry"]),
    ]
    assert len(subjects) == 4
    for subject in subjects:
        identifier = subject["identifier"]
        assert identifier["system"] == MRN_SYSTEM
        assert identifier["value"] == final.patient_ref
        assert identifier["type"]["coding"][0]["code"] == "MR"


def test_without_a_system_the_mrn_is_typed_and_the_deploy_check_warns(canonical, settings, final):
    settings.VERTEBRO_MRN_SYSTEM = ""
    identifier = export_response(final)["subject"]["identifier"]
    assert "system" not in identifier
    assert identifier["type"]["coding"][0]["code"] == "MR"
    with pytest.raises(SystemCheckError, match=r"interop\.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING")


# --- Amendments -----------------------------------------------------------------------------


def test_an_amendment_replaces_its_original_in_every_resource(canonical, alice, final):
    amendment = assessment_amend(assessment=final, user=alice, reason="Wrong level")
    amendment = assessment_finalize(assessment=amendment, user=alice)
    final.refresh_from_db()
    replaces = f"{CANONICAL}/StructureDefinition/replaces"
    replaced_by = f"{CANONICAL}/StructureDefinition/replaced-by"

    def links(resource):
        return {e["url"]: e["valueReference"]["reference"] for e in resource.get("extension", [])}

    for build, kind in (
        (export_response, "QuestionnaireResponse"),
        (build_guidance_response, "GuidanceResponse"),
    ):
        assert links(build(amendment))[replaces] == f"{kind}/{final.pk}"
        assert links(build(final))[replaced_by] == f"{kind}/{amendment.pk}"
        assert replaces not in links(build(final))
    new_document = build_document_reference(amendment, pdf_bytes=FAKE_PDF)
    old_document = build_document_reference(final, pdf_bytes=FAKE_PDF)
    assert new_document["relatesTo"] == [
        {"code": "replaces", "target": {"reference": f"DocumentReference/{final.pk}"}}
    ]
    assert (new_document["status"], old_document["status"]) == ("current", "superseded")
    assert "relatesTo" not in old_document
    for resource in (new_document, old_document, build_bundle(amendment)):
        assert_valid_fhir(resource)


# --- The document type ----------------------------------------------------------------------


def test_the_document_is_typed_with_loinc(canonical, final):
    coding = build_document_reference(final, pdf_bytes=FAKE_PDF)["type"]["coding"]
    assert coding[0] == {"system": "http://loinc.org", "code": "11488-4", "display": "Consult note"}
