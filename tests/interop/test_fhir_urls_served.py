"""Every URL Vertebro's exports name under its canonical base is served: a walk through every
string and reference of an exported Bundle (an amendment's and its superseded original's),
the Questionnaire and a GuidanceResponse fetches each such URL through the test client and
gets 200 with the FHIR resource it names. Any other URL must be a standard's namespace (HL7,
LOINC, SNOMED CT, UCUM) or the hospital's configured MRN system."""

import pytest

from assessments.services import assessment_amend, assessment_finalize
from tests.factories import NO_MRI, make_assessment

from .validators import assert_valid_fhir

pytestmark = pytest.mark.django_db

CANONICAL = "https://fhir.vertebro.example.org/fhir"
MRN_SYSTEM = "urn:oid:1.2.36.146.595.217.0.1"
STANDARDS = (
    "http://hl7.org/fhir/",
    "http://terminology.hl7.org/CodeSystem/",
    "http://loinc.org",
    "http://snomed.info/sct",
    "http://unitsofmeasure.org",
)
# Elements whose value is a URL or a reference (FHIR R4 names them so).
REFERENCE_KEYS = {"reference"}


def urls_in(value, found: set[str]) -> set[str]:
    """Every absolute URL (a canonical without its `|version`) and every relative reference
    (`Type/id`, read against the canonical base) a resource names."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key in REFERENCE_KEYS and isinstance(child, str) and "://" not in child:
                found.add(f"{CANONICAL}/{child}")
            elif key != "data":  # the PDF's base64
                urls_in(child, found)
    elif isinstance(value, list):
        for child in value:
            urls_in(child, found)
    elif isinstance(value, str) and value.startswith(("http://", "https://", "urn:")):
        found.add(value.split("|", 1)[0])
    return found


@pytest.fixture
def canonical(settings):
    settings.VERTEBRO_PUBLIC_URL = "https://vertebro-7.internal.example.org"
    settings.VERTEBRO_FHIR_CANONICAL_BASE = CANONICAL
    settings.VERTEBRO_FHIR_FORMER_CANONICAL_BASES = []
    settings.VERTEBRO_MRN_SYSTEM = MRN_SYSTEM
    return settings


def test_every_url_an_export_names_is_served(canonical, client, alice):
    original = assessment_finalize(assessment=make_assessment(alice, **NO_MRI), user=alice)
    amendment = assessment_amend(assessment=original, user=alice, reason="Wrong level")
    amendment = assessment_finalize(assessment=amendment, user=alice)
    client.force_login(alice)
    exports = [
        client.get(f"/assessments/{amendment.pk}/fhir/bundle.json").json(),
        client.get(f"/assessments/{original.pk}/fhir/bundle.json").json(),
        client.get(f"/assessments/{amendment.pk}/fhir/guidance.json").json(),
        client.get("/fhir/Questionnaire/vertebro-assessment").json(),
    ]
    found: set[str] = set()
    for resource in exports:
        urls_in(resource, found)
    ours = sorted(url for url in found if url.startswith(f"{CANONICAL}/"))
    others = sorted(url for url in found if not url.startswith(f"{CANONICAL}/"))
    assert [url for url in others if not url.startswith(STANDARDS) and url != MRN_SYSTEM] == []
    # The walk reaches each kind of URL the exports name.
    expected = {
        f"{CANONICAL}/StructureDefinition/replaces",
        f"{CANONICAL}/StructureDefinition/replaced-by",
        f"{CANONICAL}/rules/{amendment.rules_version}",
        f"{CANONICAL}/assessment",
        f"{CANONICAL}/Questionnaire/vertebro-assessment",
        f"{CANONICAL}/CodeSystem/rule",
        f"{CANONICAL}/QuestionnaireResponse/{original.pk}",
        f"{CANONICAL}/GuidanceResponse/{amendment.pk}",
        f"{CANONICAL}/DocumentReference/{original.pk}",
    }
    assert expected <= set(ours), expected - set(ours)
    unserved = []
    for url in ours:
        response = client.get(url.replace(CANONICAL, "/fhir", 1))
        if response.status_code != 200:
            unserved.append((url, response.status_code))
            continue
        assert response["Content-Type"] == "application/fhir+json", url
        resource = response.json()
        kind, _, name = url.removeprefix(f"{CANONICAL}/").partition("/")
        if resource["resourceType"] == "NamingSystem":
            assert resource["uniqueId"][0]["value"] == url
        elif "url" in resource:  # a definition: it names itself
            assert resource["url"] == url
        else:  # an assessment's own resource
            assert (resource["resourceType"], resource["id"]) == (kind, name)
        if kind in ("StructureDefinition", "rules", "assessment"):
            assert_valid_fhir(resource)
    assert unserved == []


def test_an_unknown_definition_is_a_404_operation_outcome(canonical, client):
    for path in (
        "/fhir/StructureDefinition/no-such-extension",
        "/fhir/rules/1999.1",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["resourceType"] == "OperationOutcome"


def test_an_assessments_resource_is_served_only_to_its_readers(canonical, client, alice, bob):
    final = assessment_finalize(assessment=make_assessment(alice, **NO_MRI), user=alice)
    path = f"/fhir/QuestionnaireResponse/{final.pk}"
    assert client.get(path).status_code == 302  # to sign-in
    client.force_login(bob)
    assert client.get(path).status_code == 404
    assert client.get(f"/fhir/Patient/{final.pk}").status_code == 404
