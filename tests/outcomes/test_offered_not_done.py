"""A repeat procedure offered and not done is told apart from one not offered, with its
reason: asked on the procedure form, shown on the outcomes page, in the cases for the meeting
and in the audit's count of what was not performed after "indicated"."""

import html
from datetime import date

import pytest
from django.urls import reverse

from outcomes.audit import AuditFilter, audit
from outcomes.models import Procedure
from tests.outcomes.department import NOT_DONE
from tests.outcomes.factories import final_assessment, form_data, make_procedure

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)
# An immediate failure 17 days after the index procedure: "repeat vertebroplasty indicated".
ASSESSED = {"index_procedure_date": date(2025, 1, 1), "assessment_date": date(2025, 1, 18)}


def _url(assessment):
    return reverse("outcomes:procedure", args=[assessment.pk])


def _post(client, assessment, **answers):
    return client.post(_url(assessment), form_data({**NOT_DONE, **answers}))


def test_the_form_tells_offered_not_done_from_not_offered(client, alice):
    case = final_assessment(alice, **ASSESSED)
    client.force_login(alice)
    form = html.unescape(client.get(_url(case)).content.decode())
    assert "Offered, not done" in form and "Not offered" in form
    assert "Not offered: the clinician decided against it." in form
    assert "Unfit for the procedure" in form and "Deferred" in form


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"performed": "no"}, "Why it was not done: Required when the procedure was offered"),
        (
            {"performed": "no", "not_done_reason": "other"},
            "The other reason: Say in a few words why it was not done.",
        ),
        (
            {"performed": "not_offered", "not_done_reason": "unfit"},
            "Why it was not done: Leave empty: only when the procedure was offered, not done.",
        ),
    ],
)
def test_a_reason_missing_or_out_of_place_is_refused_naming_the_field(
    client, alice, answers, message
):
    case = final_assessment(alice, **ASSESSED)
    client.force_login(alice)
    response = _post(client, case, **answers)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Procedure.objects.filter(assessment=case).exists()


def test_the_reason_is_saved_and_shown(client, alice):
    case = final_assessment(alice, **ASSESSED)
    client.force_login(alice)
    response = _post(
        client, case, performed="no", not_done_reason="other", not_done_detail="On anticoagulants"
    )
    assert response.status_code == 302
    page = html.unescape(client.get(reverse("outcomes:detail", args=[case.pk])).content.decode())
    assert "Offered, not done" in page
    assert "Why it was not done" in page and "On anticoagulants" in page


def test_the_audit_counts_and_lists_them_by_reason(alice, client, reviewer):
    # Three "indicated" assessments: one offered and not done (unfit), one deferred, one not
    # offered. None performed, none declined: adherence 0 of 3.
    for ref, answers in (
        ("U1", {"performed": "no", "not_done_reason": "unfit"}),
        ("D1", {"performed": "no", "not_done_reason": "deferred"}),
        ("N1", {"performed": "not_offered"}),
    ):
        make_procedure(final_assessment(alice, patient_ref=ref, **ASSESSED), **NOT_DONE, **answers)
    result = audit(AuditFilter(), today=TODAY)
    figures = result.department
    assert (figures.adherence.k, figures.adherence.n) == (0, 3)
    assert (figures.not_offered, figures.not_performed) == (1, 2)
    assert figures.not_done_reasons == {"unfit": 1, "deferred": 1, "other": 0}
    listed = {case.patient_ref: case.reasons for case in result.cases}
    indicated = "Not performed after “Repeat vertebroplasty indicated”"
    assert listed == {
        "U1": (f"{indicated} (offered, not done: unfit for the procedure)",),
        "D1": (f"{indicated} (offered, not done: deferred)",),
        "N1": (f"{indicated} (not offered)",),
    }
    client.force_login(reviewer)
    page = html.unescape(client.get(reverse("outcomes:dashboard")).content.decode())
    assert (
        "Not performed after “indicated”: 1 not offered (the clinician decided against it), "
        "2 offered, not done (unfit for the procedure 1, deferred 1)"
    ) in page
