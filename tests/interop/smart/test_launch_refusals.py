"""Every way a launch is refused: a clear page with a 4xx (5xx only when the record or the
configuration is at fault), nobody signed in, no draft created."""

import time

import pytest

from assessments.models import Assessment
from interop.smart.launch import PENDING
from interop.smart.models import SmartIdentity, SmartLaunch

from .conftest import authorize, full_launch, launch
from .ehr import PRACTITIONER, _rsa_key


def assert_refused(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.content[:300]
    html = response.content.decode()
    for word in words:
        assert word in html, f"{word!r} not on the page"
    assert "_auth_user_id" not in response.wsgi_request.session
    assert Assessment.objects.count() == 0


def set_pending(client, change) -> None:
    session = client.session
    pending = session[PENDING]
    for entry in pending.values():
        change(entry)
    session[PENDING] = pending
    session.save()


def test_a_callback_without_state_is_refused(client, ehr, alice_linked):
    answer = authorize(launch(client, ehr))
    del answer["state"]
    assert_refused(client.get("/smart/callback", answer), 400, "has no state")


def test_a_callback_with_an_unknown_state_is_refused(client, ehr, alice_linked):
    answer = authorize(launch(client, ehr))
    answer["state"] = "not-the-state-we-sent"
    assert_refused(client.get("/smart/callback", answer), 403, "state is unknown")


def test_a_state_is_used_once(client, ehr, alice_linked):
    answer = authorize(launch(client, ehr))
    assert client.get("/smart/callback", answer).status_code == 302
    client.logout()
    Assessment.objects.all().delete()
    assert_refused(client.get("/smart/callback", answer), 403, "already used")


def test_a_state_begun_in_another_browser_is_refused(client, ehr, alice_linked, django_user_model):
    from django.test import Client

    answer = authorize(launch(client, ehr))
    assert_refused(Client().get("/smart/callback", answer), 403, "state is unknown")


def test_an_expired_state_is_refused(client, ehr, alice_linked):
    answer = authorize(launch(client, ehr))
    set_pending(client, lambda entry: entry.update(at=time.time() - 11 * 60))
    assert_refused(client.get("/smart/callback", answer), 403, "took too long")


def test_a_code_is_used_once(client, ehr, alice_linked):
    first = authorize(launch(client, ehr))
    assert client.get("/smart/callback", first).status_code == 302
    client.logout()
    Assessment.objects.all().delete()
    second = authorize(launch(client, ehr))
    second["code"] = first["code"]
    assert_refused(client.get("/smart/callback", second), 403, "refused the sign-in code")


def test_the_code_needs_the_pkce_verifier_of_its_launch(client, ehr, alice_linked):
    answer = authorize(launch(client, ehr))
    set_pending(client, lambda entry: entry.update(verifier="x" * 86))
    assert_refused(client.get("/smart/callback", answer), 403, "refused the sign-in code")


def test_an_untrusted_issuer_is_refused_without_a_call_to_it(client, ehr):
    stranger = f"{ehr.origin}/other-fhir"
    response = client.get("/smart/launch", {"iss": stranger, "launch": "x"})
    assert_refused(response, 403, "not registered with Vertebro")
    assert not any("other-fhir" in line for line in ehr.requests)


@pytest.mark.parametrize("missing", ["iss", "launch"])
def test_a_launch_without_iss_or_launch_names_it(client, ehr, missing):
    params = {"iss": ehr.base, "launch": "x"}
    del params[missing]
    assert_refused(client.get("/smart/launch", params), 400, f"has no {missing}")


def test_the_records_refusal_is_said(client, ehr):
    response = client.get(
        "/smart/callback",
        {"error": "access_denied", "error_description": "The user said no", "state": "s"},
    )
    assert_refused(response, 400, "access_denied", "The user said no")


def test_an_id_token_for_another_application_is_refused(client, ehr, alice_linked):
    ehr.claims = {"aud": ["another-app"]}
    assert_refused(full_launch(client, ehr), 403, "issued for another application")


def test_an_id_token_from_another_issuer_is_refused(client, ehr, alice_linked):
    ehr.claims = {"iss": "https://impostor.example.org"}
    assert_refused(full_launch(client, ehr), 403, "issued by someone else")


def test_an_expired_id_token_is_refused(client, ehr, alice_linked):
    now = int(time.time())
    ehr.claims = {"iat": now - 7200, "exp": now - 3600}
    assert_refused(full_launch(client, ehr), 403, "ID token has expired")


def test_a_forged_id_token_is_refused(client, ehr, alice_linked):
    # Signed with a key of the same kid that the record's JWKS does not hold.
    ehr.signing_key = _rsa_key("ehr-1")
    assert_refused(full_launch(client, ehr), 403, "signature does not verify")


def test_an_id_token_for_another_sign_in_is_refused(client, ehr, alice_linked):
    answer = authorize(launch(client, ehr))
    set_pending(client, lambda entry: entry.update(nonce="another-nonce"))
    assert_refused(client.get("/smart/callback", answer), 403, "nonce")


def test_an_unknown_practitioner_is_told_what_to_send_the_administrator(client, ehr, alice):
    response = full_launch(client, ehr)
    assert_refused(
        response,
        403,
        "not linked to a Vertebro account",
        "Send the two lines below",
        "your Vertebro administrator, who links them once",
        f"{ehr.base}/{PRACTITIONER}",
        ehr.base,
        "Sign in to Vertebro",
    )
    assert SmartLaunch.objects.count() == 0


def test_a_practitioner_linked_to_a_reviewer_is_refused(client, ehr, reviewer):
    SmartIdentity.objects.create(
        issuer=ehr.base, fhir_user=f"{ehr.base}/{PRACTITIONER}", user=reviewer
    )
    assert_refused(full_launch(client, ehr), 403, "Only clinicians")


def test_a_practitioner_linked_at_another_record_is_not_this_one(client, ehr, alice):
    SmartIdentity.objects.create(
        issuer="https://other-ehr.example.org/fhir",
        fhir_user=f"{ehr.base}/{PRACTITIONER}",
        user=alice,
    )
    assert_refused(full_launch(client, ehr), 403, "not linked")


def test_a_broken_issuers_file_is_said(client, ehr, settings, tmp_path):
    from interop.smart.config import registry

    broken = tmp_path / "broken.json"
    broken.write_text('{"' + ehr.base + '": {"client_id": "vertebro"}}')
    settings.VERTEBRO_SMART_ISSUERS = str(broken)
    registry._key = None
    assert_refused(launch(client, ehr), 503, "client_secret", "VERTEBRO_SMART_ISSUERS")


def test_a_registered_record_that_does_not_answer_is_said(client, ehr, settings, tmp_path):
    from interop.smart.config import registry

    silent = "http://127.0.0.1:9/fhir"  # the discard port: nothing listens
    (tmp_path / "silent.json").write_text(
        '{"' + silent + '": {"client_id": "vertebro", "client_secret": "s"}}'
    )
    settings.VERTEBRO_SMART_ISSUERS = str(tmp_path / "silent.json")
    registry._key = None
    response = client.get("/smart/launch", {"iss": silent, "launch": "x"})
    assert_refused(response, 502, "did not answer", "Try again in a moment")
