"""The user's permissions are read in one query and say what Django's ModelBackend says."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.backends import ModelPermissionsInOneQuery, group_names
from assessments.roles import CLINICIANS, REVIEWERS, is_clinician

ADD = "assessments.add_assessment"
REVIEW = "assessments.review_assessment"


def _fresh(user):
    """The user as the next request loads them (no permissions read yet)."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_clinician_has_the_clinicians_permissions_and_no_other(alice):
    user = _fresh(alice)
    assert user.has_perm(ADD)
    assert user.has_perm("assessments.change_assessment")
    assert not user.has_perm(REVIEW)
    assert not user.has_perm("auth.change_user")


def test_a_reviewer_reviews_and_starts_nothing(reviewer):
    user = _fresh(reviewer)
    assert user.has_perm(REVIEW)
    assert not user.has_perm(ADD)


def test_every_question_of_a_request_costs_one_query(alice, django_assert_num_queries):
    user = _fresh(alice)
    with django_assert_num_queries(1):
        assert user.has_perm(ADD)
        assert not user.has_perm(REVIEW)
        assert user.has_module_perms("assessments")
        assert not user.has_module_perms("auth")
        assert ADD in user.get_all_permissions()
        assert is_clinician(user)


def test_a_permission_given_to_the_user_directly_counts(db):
    user = get_user_model().objects.create_user(username="direct")
    user.user_permissions.add(Permission.objects.get(codename="review_assessment"))
    assert _fresh(user).has_perm(REVIEW)
    assert not _fresh(user).has_perm(ADD)


def test_an_inactive_user_has_no_permission(alice):
    alice.is_active = False
    alice.save()
    assert not _fresh(alice).has_perm(ADD)
    assert not _fresh(alice).has_module_perms("assessments")


def test_a_clinician_taken_out_of_the_group_loses_the_permission_at_the_next_request(alice):
    assert _fresh(alice).has_perm(ADD)
    alice.groups.remove(Group.objects.get(name=CLINICIANS))
    assert not _fresh(alice).has_perm(ADD)


@pytest.mark.parametrize("who", ["alice", "reviewer", "superuser", "direct", "nobody"])
def test_the_same_permissions_as_django_reads(request, db, who):
    if who == "direct":
        user = get_user_model().objects.create_user(username="direct")
        user.user_permissions.add(Permission.objects.get(codename="view_assessment"))
        user.groups.add(Group.objects.get(name=CLINICIANS))
    elif who == "nobody":
        user = get_user_model().objects.create_user(username="nobody")
    else:
        user = request.getfixturevalue(who)
    ours = ModelPermissionsInOneQuery().permissions_of(_fresh(user))
    assert ours == ModelBackend().get_all_permissions(_fresh(user))
    assert bool(ours) is (who != "nobody")
    assert group_names(_fresh(user)) == set(user.groups.values_list("name", flat=True))


def test_the_role_checks_read_the_groups_of_the_user_and_of_nobody_else(alice, reviewer):
    assert group_names(_fresh(alice)) == {CLINICIANS}
    assert group_names(_fresh(reviewer)) == {REVIEWERS}
    assert is_clinician(_fresh(alice))
    assert not is_clinician(_fresh(reviewer))
    both = get_user_model().objects.create_user(username="both")
    both.groups.add(*Group.objects.filter(name__in=[CLINICIANS, REVIEWERS]))
    both.user_permissions.add(Permission.objects.get(codename="view_accesslogentry"))
    assert group_names(_fresh(both)) == {CLINICIANS, REVIEWERS}
    assert is_clinician(_fresh(both))


def test_a_clinician_taken_out_of_the_group_is_no_clinician_at_the_next_request(alice):
    assert is_clinician(_fresh(alice))
    alice.groups.remove(Group.objects.get(name=CLINICIANS))
    assert not is_clinician(_fresh(alice))
    assert group_names(_fresh(alice)) == frozenset()


def test_a_session_opened_by_django_s_backend_stays_signed_in(client, alice):
    """Sessions name the backend that signed the user in: ModelBackend, as before."""
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("assessments:list")).status_code == 200
    assert client.get(reverse("assessments:new")).status_code == 200


def test_signing_in_with_a_password_still_works(client, alice):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("assessments:list")).status_code == 200
