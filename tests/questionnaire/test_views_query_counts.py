"""Each page costs a constant number of queries, however many assessments there are.

Counts include the session and user lookups of a signed-in request. The first
request of each test is a warm-up: the idle sign-out middleware may write the
session once a minute.
"""

import pytest
from django.urls import reverse

from assessments import services
from tests.factories import make_assessment
from tests.step_posts import relative_inputs, step_post

SESSION_AND_USER = 2
# The menu offers "New assessment" only to who may start one, and every write and its form
# check that the user is in the Clinicians group now: the user's permissions and groups, read
# together in one query a request, whichever asks first.
ROLES = 1
# A draft's steps and review ask which rules version is active (to offer a draft started under
# an earlier one the move to it).
ACTIVE_RULES_VERSION = 1


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    client.get(reverse("login"))
    return client


@pytest.mark.parametrize("count, pages", [(1, 1), (20, 1), (21, 2)])
def test_my_assessments_costs_the_same_for_1_or_20_rows_and_a_count_beyond(
    signed_in, alice, django_assert_num_queries, count, pages
):
    for number in range(count):
        assessment = make_assessment(alice, patient_ref=f"P-{number}")
        if number % 2:
            services.assessment_finalize(assessment=assessment, user=alice)
    # one page of rows (and their count when they fill more than one page) + the follow-ups due
    with django_assert_num_queries(SESSION_AND_USER + ROLES + 1 + (pages > 1) + 1):
        response = signed_in.get(reverse("assessments:list"))
    assert len(response.context["rows"]) == min(count, 20)


def test_my_assessments_reads_amendment_chains_in_the_same_query(
    signed_in, alice, django_assert_num_queries
):
    original = services.assessment_finalize(
        assessment=make_assessment(alice, contraindications=[]), user=alice
    )
    first = services.assessment_finalize(
        assessment=services.assessment_amend(assessment=original, user=alice, reason="level"),
        user=alice,
    )
    services.assessment_amend(assessment=first, user=alice, reason="date")
    with django_assert_num_queries(SESSION_AND_USER + ROLES + 2):
        response = signed_in.get(reverse("assessments:list"))
    assert response.content.decode().count("amends") == 2


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_a_step_page_costs_one_query_for_the_assessment(
    signed_in, alice, django_assert_num_queries, step
):
    assessment = make_assessment(alice, **relative_inputs())
    with django_assert_num_queries(SESSION_AND_USER + ROLES + ACTIVE_RULES_VERSION + 1):
        signed_in.get(reverse("assessments:step", args=[assessment.pk, step]))


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_saving_a_step_costs_a_fixed_number_of_queries(
    signed_in, alice, django_assert_num_queries, step
):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(step, version=assessment.version)
    # fetch; savepoint, lock and compare version, update, audit history row, release
    with django_assert_num_queries(SESSION_AND_USER + ROLES + 6):
        response = signed_in.post(reverse("assessments:step", args=[assessment.pk, step]), post)
    assert response.status_code == 302


def test_the_review_page_costs_one_query_for_the_assessment(
    signed_in, alice, django_assert_num_queries
):
    assessment = make_assessment(alice, **relative_inputs())
    with django_assert_num_queries(SESSION_AND_USER + ROLES + ACTIVE_RULES_VERSION + 1):
        signed_in.get(reverse("assessments:review", args=[assessment.pk]))


@pytest.mark.parametrize("final", [False, True])
def test_the_result_page_costs_a_fixed_number_of_queries(
    signed_in, alice, django_assert_num_queries, final
):
    assessment = make_assessment(alice, **relative_inputs())
    if final:
        services.assessment_finalize(assessment=assessment, user=alice)
    # the reviewer permission check (the user's permissions and groups, one query), the
    # assessment, the access log entry; a final one also its amendment chain (a draft that
    # amends nothing has none: only a final assessment is amended), its reassessments and its
    # write-back to the electronic record (none here) — whether its owner is still a
    # clinician (the amend button) was read with the permissions
    with django_assert_num_queries(SESSION_AND_USER + 3 + (3 if final else 0)):
        signed_in.get(reverse("assessments:result", args=[assessment.pk]))


def test_a_new_assessment_s_step_1_costs_a_fixed_number_of_queries(
    signed_in, alice, django_assert_num_queries
):
    with django_assert_num_queries(SESSION_AND_USER + ROLES + ACTIVE_RULES_VERSION):
        response = signed_in.get(reverse("assessments:new"))
    assert response.status_code == 200
    post = step_post(1)
    # the active rules version (the new draft's), savepoint, insert, audit history row, release
    with django_assert_num_queries(SESSION_AND_USER + ROLES + ACTIVE_RULES_VERSION + 4):
        response = signed_in.post(reverse("assessments:new"), post)
    assert response.status_code == 302
    assert alice.assessments.count() == 1


@pytest.mark.parametrize("step", [2, 4])
def test_a_refused_step_costs_no_more_than_the_step_page(
    signed_in, alice, django_assert_num_queries, step
):
    """Answers refused: nothing is written, and the page shown again reads what a GET reads."""
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(step, version=assessment.version, vas_current=11, neuro_exam="nope")
    with django_assert_num_queries(SESSION_AND_USER + ROLES + ACTIVE_RULES_VERSION + 1):
        response = signed_in.post(reverse("assessments:step", args=[assessment.pk, step]), post)
    assert response.status_code == 400
