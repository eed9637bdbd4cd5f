"""A reviewer's home: what reviewers do (audit, impact, every assessment, access log), each a
link, and the latest final assessments of every clinician with their result, PDF and admin
page; a clinician's start page stays My assessments."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments import services
from assessments.models import Assessment
from assessments.roles import CLINICIANS
from tests.factories import make_assessment
from vertebro_lib.people import person_name

pytestmark = pytest.mark.django_db


def _final(owner, ref, *, days_ago=0):
    assessment = services.assessment_finalize(
        assessment=make_assessment(owner, patient_ref=ref), user=owner
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        finalized_at=timezone.now() - timedelta(days=days_ago)
    )
    return assessment


def test_a_reviewer_lands_on_the_reviewers_home(client, reviewer, alice, bob):
    older = _final(alice, "MRN-OLDER", days_ago=40)
    newer = _final(bob, "MRN-NEWER", days_ago=1)
    make_assessment(alice, patient_ref="MRN-DRAFT")
    client.force_login(reviewer)
    response = client.get(reverse("assessments:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in page and "Reviewing" in page
    # Every clinician's finals, newest first; drafts are not listed.
    refs = [row.assessment.patient_ref for row in response.context["rows"]]
    assert refs == ["MRN-NEWER", "MRN-OLDER"]
    assert "MRN-DRAFT" not in page
    # Each line leads to the result, the PDF and the admin page.
    for assessment in (older, newer):
        for name in (
            "assessments:result",
            "assessments:pdf",
            "admin:assessments_assessment_change",
        ):
            assert f'href="{reverse(name, args=[assessment.pk])}"' in page
    # What reviewers do: the audit, the impact of the rules, every assessment, the access log.
    for name in (
        "outcomes:dashboard",
        "assessments:rules_impact",
        "admin:assessments_assessment_changelist",
        "admin:assessments_accesslogentry_changelist",
    ):
        assert f'href="{reverse(name)}' in page
    # The counts: one finalized in the last 30 days (the other 40 days ago), one draft.
    assert "<strong>1</strong> assessment finalized" in page
    assert "<strong>1</strong> draft in progress" in page
    # Not My assessments with its New assessment button (a reviewer assesses no patient).
    assert f'href="{reverse("assessments:new")}"' not in page


def test_a_superseded_assessment_is_not_listed_its_amendment_is(client, reviewer, alice):
    original = _final(alice, "MRN-AMENDED", days_ago=3)
    amendment = services.assessment_amend(assessment=original, user=alice, reason="Wrong level")
    services.assessment_finalize(assessment=amendment, user=alice)
    client.force_login(reviewer)
    response = client.get(reverse("assessments:reviewer_home"))
    rows = response.context["rows"]
    assert [row.assessment.pk for row in rows] == [amendment.pk]
    # The clinical date beside the finalization, and the row says it is an amendment.
    page = response.content.decode()
    assessed = date_format(amendment.assessment_date)
    assert f'<td data-label="Assessed" class="text-nowrap">{assessed}</td>' in page
    assert "amendment</span>" in page


def test_the_latest_ten_are_listed_in_a_fixed_number_of_queries(
    client, reviewer, alice, django_assert_max_num_queries
):
    for number in range(12):
        _final(alice, f"MRN-{number:02d}", days_ago=number)
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assessments:reviewer_home"))
    rows = response.context["rows"]
    assert [row.assessment.patient_ref for row in rows] == [f"MRN-{n:02d}" for n in range(10)]
    assert rows[0].clinician == person_name(alice)


def test_a_reviewer_without_staff_status_is_told_what_the_admin_links_need(client, reviewer, alice):
    reviewer.is_staff = False
    reviewer.save()
    _final(alice, "MRN-1")
    client.force_login(reviewer)
    page = client.get(reverse("assessments:list")).content.decode()
    assert "Needs staff status" in page
    assert reverse("admin:assessments_accesslogentry_changelist") not in page
    assert f'href="{reverse("outcomes:dashboard")}"' in page


def test_a_clinician_keeps_my_assessments_and_may_not_open_the_reviewers_home(client, alice):
    client.force_login(alice)
    page = client.get(reverse("assessments:list")).content.decode()
    assert "My assessments" in page and "Latest final assessments" not in page
    assert client.get(reverse("assessments:reviewer_home")).status_code == 403


def test_a_reviewer_who_is_also_a_clinician_has_both(client, reviewer, alice):
    reviewer.groups.add(Group.objects.get(name=CLINICIANS))
    _final(alice, "MRN-1")
    client.force_login(reviewer)
    start = client.get(reverse("assessments:list")).content.decode()
    assert '<h1 class="h2 mb-0">My assessments</h1>' in start
    assert f'href="{reverse("assessments:reviewer_home")}"' in start
    assert (
        "Latest final assessments"
        in client.get(reverse("assessments:reviewer_home")).content.decode()
    )


def test_signed_out_the_reviewers_home_asks_to_sign_in(client):
    response = client.get(reverse("assessments:reviewer_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
