"""The follow-up pain scores as FHIR R4 Observations (LOINC 72514-3), valid against the schema."""

from datetime import date

from django.urls import reverse

from assessments.models import AccessLogEntry
from tests.interop.validators import assert_valid_fhir
from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure


def test_each_follow_up_is_an_observation_of_its_pain_score(client, alice, reviewer):
    assessment = final_assessment(alice, treated_level="T12")
    make_procedure(assessment)
    make_follow_up(assessment, "1m", seen_on=date(2026, 11, 19), vas=2)
    make_follow_up(assessment, "3m", seen_on=date(2026, 11, 24), vas=4)
    client.force_login(reviewer)
    response = client.get(reverse("interop:follow_up_fhir", args=[assessment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = response.json()
    assert_valid_fhir(bundle)
    observations = [entry["resource"] for entry in bundle["entry"]]
    assert [(o["effectiveDateTime"], o["valueInteger"]) for o in observations] == [
        ("2026-11-19", 2),
        ("2026-11-24", 4),
    ]
    for observation in observations:
        assert observation["code"]["coding"][0] == {
            "system": "http://loinc.org",
            "code": "72514-3",
            "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        }
        assert observation["bodySite"]["text"] == "T12"
    entry = AccessLogEntry.objects.get(assessment=assessment)
    assert (entry.user, entry.kind) == (reviewer, "fhir")


def test_a_colleague_gets_404(client, alice, bob):
    assessment = final_assessment(alice)
    client.force_login(bob)
    assert client.get(reverse("interop:follow_up_fhir", args=[assessment.pk])).status_code == 404
