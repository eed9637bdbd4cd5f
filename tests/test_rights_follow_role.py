"""Rights follow the role: every write needs the Clinicians group now, as well as ownership of
the assessment or a current delegation. A clinician taken out of the group keeps no write on
their own assessments, nor as a delegate: each write is refused with 403 and changes nothing.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import assessment_finalize
from interop.fhir.response import export_response
from outcomes.models import Delegation, FollowUp, Procedure
from tests.factories import make_assessment
from tests.outcomes.factories import FOLLOW_UP, PERFORMED, form_data, make_procedure
from tests.step_posts import step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(alice):
    """Alice's draft, her final assessment (with a procedure), and a delegation to Bob."""
    draft = make_assessment(alice, patient_ref="MRN-DRAFT")
    final = assessment_finalize(assessment=make_assessment(alice), user=alice)
    make_procedure(final)
    return draft, final


def _writes(draft, final, colleague_id):
    """(name, method, url, body) of every write a clinician makes on her assessments."""
    return [
        ("new assessment", "post", reverse("assessments:new"), {"patient_ref": "X"}),
        ("step", "post", step_url(draft, 2), {"version": draft.version}),
        ("step page", "get", step_url(draft, 2), None),
        ("finalize", "post", reverse("assessments:finalize", args=[draft.pk]), {}),
        ("discard", "post", reverse("assessments:discard", args=[draft.pk]), {}),
        ("reassess", "post", reverse("assessments:reassess", args=[final.pk]), {}),
        ("amend", "post", reverse("assessments:amend", args=[final.pk]), {"reason": "typo"}),
        (
            "procedure",
            "post",
            reverse("outcomes:procedure", args=[final.pk]),
            form_data({**PERFORMED, "operator": "Someone Else"}),
        ),
        (
            "follow-up",
            "post",
            reverse("outcomes:follow_up", args=[final.pk, "1m"]),
            form_data(FOLLOW_UP),
        ),
        (
            "delegation",
            "post",
            reverse("outcomes:delegation_add", args=[final.pk]),
            {"username": "carol"},
        ),
        (
            "delegation removal",
            "post",
            reverse("outcomes:delegation_remove", args=[final.pk, colleague_id]),
            {},
        ),
        ("import", "post", "/interop/import/", None),
    ]


def _snapshot():
    return (
        list(Assessment.objects.order_by("pk").values_list("pk", "status", "version")),
        list(Procedure.objects.values_list("pk", "operator")),
        FollowUp.objects.count(),
        sorted(Delegation.objects.values_list("assessment_id", "delegate_id")),
    )


def _send(client, method, url, body, final):
    if url == "/interop/import/":
        upload = json.dumps(export_response(final)).encode()
        body = {"file": SimpleUploadedFile("qr.json", upload, "application/json")}
    return getattr(client, method)(url, body) if body is not None else client.get(url)


def test_each_write_works_for_a_clinician_first(client, alice, bob, owned):
    """The refusals below are the group's doing: the same requests succeed with it."""
    draft, final = owned
    Delegation.objects.create(assessment=final, delegate=bob, granted_by=alice)
    client.force_login(alice)
    for name, method, url, body in _writes(draft, final, bob.pk):
        response = _send(client, method, url, body, final)
        assert response.status_code in (200, 302, 400), (name, response.status_code)


def test_the_owner_taken_out_of_the_clinicians_group_gets_403_on_every_write(
    client, alice, bob, owned
):
    draft, final = owned
    Delegation.objects.create(assessment=final, delegate=bob, granted_by=alice)
    alice.groups.clear()
    client.force_login(alice)
    before = _snapshot()
    statuses = {
        name: _send(client, method, url, body, final).status_code
        for name, method, url, body in _writes(draft, final, bob.pk)
    }
    assert statuses == dict.fromkeys(statuses, 403)
    assert _snapshot() == before
    # Reading stays: the result page and the outcomes page.
    assert client.get(reverse("assessments:result", args=[final.pk])).status_code == 200


def test_a_delegate_taken_out_of_the_group_can_no_longer_record(client, alice, bob, owned):
    _, final = owned
    Delegation.objects.create(assessment=final, delegate=bob, granted_by=alice)
    client.force_login(bob)
    url = reverse("outcomes:follow_up", args=[final.pk, "1m"])
    bob.groups.clear()
    assert client.post(url, form_data(FOLLOW_UP)).status_code == 403
    assert client.get(url).status_code == 403
    procedure_url = reverse("outcomes:procedure", args=[final.pk])
    assert client.post(procedure_url, form_data(PERFORMED)).status_code == 403
    assert FollowUp.objects.count() == 0
    page = client.get(reverse("outcomes:detail", args=[final.pk]))
    assert page.status_code == 200
    assert procedure_url not in page.content.decode()  # no write offered


def test_the_outcomes_page_offers_no_write_to_an_owner_out_of_the_group(client, alice, owned):
    _, final = owned
    alice.groups.clear()
    client.force_login(alice)
    page = client.get(reverse("outcomes:detail", args=[final.pk]))
    assert page.status_code == 200
    assert reverse("outcomes:procedure", args=[final.pk]) not in page.content.decode()


def test_an_inactive_clinician_has_no_rights_either(alice):
    from accounts.backends import forget
    from assessments.roles import is_clinician

    assert is_clinician(alice)
    alice.is_active = False
    forget(alice)
    assert not is_clinician(alice)


def test_import_fhir_refuses_a_user_taken_out_of_the_group(alice, owned, tmp_path):
    _, final = owned
    path = tmp_path / "qr.json"
    path.write_text(json.dumps(export_response(final)))
    alice.groups.clear()
    with pytest.raises(CommandError, match="not a clinician"):
        call_command("import_fhir", str(path), "--user", "alice")


def test_the_admin_does_not_let_an_owner_out_of_the_group_change_her_draft(client, alice, owned):
    draft, _ = owned
    alice.is_staff = True
    alice.save()
    alice.groups.clear()
    client.force_login(alice)
    url = reverse("admin:assessments_assessment_change", args=[draft.pk])
    response = client.post(url, {"patient_ref": "CHANGED"})
    assert response.status_code in (302, 403)
    assert Assessment.objects.get(pk=draft.pk).patient_ref == "MRN-DRAFT"
