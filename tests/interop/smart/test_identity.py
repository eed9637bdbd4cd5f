"""The link table answers for a CDS Hooks call's user as for a launch's fhirUser."""

from interop.smart.identity import linked_user
from interop.smart.models import SmartIdentity

EHR = "https://ehr.example.org/fhir"


def test_a_linked_practitioner_is_their_vertebro_user(alice):
    SmartIdentity.objects.create(issuer=EHR, fhir_user=f"{EHR}/Practitioner/7", user=alice)
    assert linked_user(EHR, "Practitioner/7") == alice
    assert linked_user(EHR + "/", "Practitioner/7") == alice
    assert linked_user(EHR, f"{EHR}/Practitioner/7") == alice


def test_another_practitioner_or_another_record_is_nobody(alice):
    SmartIdentity.objects.create(issuer=EHR, fhir_user=f"{EHR}/Practitioner/7", user=alice)
    assert linked_user(EHR, "Practitioner/8") is None
    assert linked_user("https://other.example.org/fhir", "Practitioner/7") is None
    assert linked_user("", "Practitioner/7") is None


def test_a_disabled_account_is_nobody(alice):
    SmartIdentity.objects.create(issuer=EHR, fhir_user=f"{EHR}/Practitioner/7", user=alice)
    alice.is_active = False
    alice.save()
    assert linked_user(EHR, "Practitioner/7") is None
