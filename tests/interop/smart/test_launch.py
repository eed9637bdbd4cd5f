"""The EHR launch against the test record: from /smart/launch to a signed-in clinician on a
new draft whose step 1 holds the record's answers."""

import html
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from assessments.models import Assessment
from interop.smart.models import SmartLaunch

from .conftest import PUBLIC_URL, full_launch, launch
from .ehr import CLIENT_ID, procedure


def test_the_launch_redirects_to_the_records_authorize_endpoint_with_pkce(client, ehr):
    response = launch(client, ehr)
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ehr.origin}/authorize"
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == f"{PUBLIC_URL}/smart/callback"
    assert query["aud"] == ehr.base
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert set(query["scope"].split()) >= {
        "launch",
        "openid",
        "fhirUser",
        "patient/Patient.rs",
        "patient/Procedure.rs",
        "patient/Observation.rs",
        "patient/DocumentReference.c",
        "patient/QuestionnaireResponse.c",
    }
    assert len(query["state"]) >= 40 and query["nonce"]
    assert "GET /fhir/.well-known/smart-configuration" in ehr.requests


def test_a_launch_signs_the_linked_clinician_in_on_a_prefilled_step_1(client, ehr, alice_linked):
    response = full_launch(client, ehr)
    draft = Assessment.objects.get(owner=alice_linked)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:step", args=[draft.pk, 1])
    assert draft.is_draft
    assert draft.patient_ref == "MRN-4711"
    assert draft.sex == "female"
    assert draft.patient_age is not None and draft.patient_age >= 76
    assert draft.treated_level == "L1"
    assert draft.index_procedure_date.isoformat() == "2026-05-04"
    # The lowest of the patient's T-scores; another patient's -5.0 is not taken.
    assert str(draft.bmd_t_score) == "-3.1"
    recorded = SmartLaunch.objects.get()
    assert recorded.user == alice_linked and recorded.patient_id == "pat-1"
    assert recorded.assessment == draft
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.wsgi_request.user == alice_linked
    html = page.content.decode()
    assert html.count("From the EHR") == 6 + 1  # six answers, and the message naming them
    # The marks are kept with the draft: signed in again, in a new session, still there.
    client.logout()
    client.force_login(alice_linked)
    again = client.get(response["Location"]).content.decode()
    assert again.count("From the EHR") == 6
    assert set(draft.from_record["answers"]) == set(recorded.prefilled)
    assert "fracture_etiology" in html


def test_a_level_the_record_shows_treated_twice_is_said_on_step_1_on_every_visit(
    client, ehr, alice_linked
):
    ehr.resources["Procedure"]["proc-2"] = procedure("proc-2", "L1", "2026-07-20")
    response = full_launch(client, ehr)
    draft = Assessment.objects.get(owner=alice_linked)
    assert draft.index_procedure_date.isoformat() == "2026-05-04"  # the first
    note = (
        "The record shows 2 vertebroplasties at L1 (4 May 2026, 20 Jul 2026): Vertebro's "
        "guidance counts from the first and covers a first repeat only; "
        "decide with the spine team."
    )
    assert draft.from_record["notes"] == [note]
    for _ in range(2):  # the launch's visit, then a later one in a new session
        page = html.unescape(client.get(response["Location"]).content.decode())
        assert page.count(f"From the electronic record: {note}") == 1
        client.logout()
        client.force_login(alice_linked)
