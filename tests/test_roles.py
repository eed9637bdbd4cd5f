"""Roles: Clinicians and Reviewers groups, their permissions, and the demo users in them."""

import importlib
import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from assessments.roles import CLINICIANS, REVIEWERS, ROLE_PERMISSIONS, ensure_roles
from assessments.selectors import user_can_review
from assessments.services import assessment_finalize
from tests.factories import make_assessment

roles_migration = importlib.import_module("assessments.migrations.0004_roles")


def group_permissions(name: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_migration_creates_both_groups_with_their_permissions(db):
    Group.objects.filter(name__in=[CLINICIANS, REVIEWERS]).delete()
    roles_migration.create_roles(apps, schema_editor=None)
    assert group_permissions(CLINICIANS) == {
        "assessments.add_assessment",
        "assessments.change_assessment",
        "assessments.view_assessment",
    }
    assert group_permissions(REVIEWERS) == {
        "assessments.review_assessment",
        "assessments.view_assessment",
        "assessments.view_historicalassessment",
        "assessments.view_accesslogentry",
    }


def test_the_migration_and_the_live_role_definitions_agree(db):
    assert roles_migration.ROLE_PERMISSIONS == ROLE_PERMISSIONS
    ensure_roles()
    before = {name: group_permissions(name) for name in ROLE_PERMISSIONS}
    roles_migration.create_roles(apps, schema_editor=None)
    assert {name: group_permissions(name) for name in ROLE_PERMISSIONS} == before


def test_reviewers_may_review_and_clinicians_may_not(reviewer, alice):
    ensure_roles()
    alice.groups.add(Group.objects.get(name=CLINICIANS))
    assert user_can_review(reviewer)
    assert not user_can_review(get_user_model().objects.get(pk=alice.pk))
    assert not reviewer.has_perm("assessments.change_assessment")
    assert not reviewer.has_perm("assessments.add_assessment")


def test_a_reviewer_reads_someone_elses_result_but_cannot_edit_or_finalize_it(
    client, reviewer, alice
):
    draft = make_assessment(alice)
    final = assessment_finalize(assessment=make_assessment(alice), user=alice)
    client.force_login(reviewer)
    assert client.get(reverse("assessments:result", args=[final.pk])).status_code == 200
    # Refused for the role (403), whatever the assessment: not a clinician.
    assert client.get(reverse("assessments:step", args=[draft.pk, 1])).status_code == 403
    assert client.post(reverse("assessments:step", args=[draft.pk, 1]), {}).status_code == 403
    assert client.post(reverse("assessments:finalize", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_seed_demo_puts_the_demo_users_in_their_groups_and_lets_the_reviewer_into_the_admin(db):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # twice changes nothing
    users = {user.username: user for user in get_user_model().objects.all()}
    groups = {name: set(users[name].groups.values_list("name", flat=True)) for name in users}
    assert groups == {"demo": {CLINICIANS}, "colleague": {CLINICIANS}, "reviewer": {REVIEWERS}}
    assert users["reviewer"].is_staff and not users["reviewer"].is_superuser
    assert not users["demo"].is_staff and not users["colleague"].is_staff
    assert user_can_review(users["reviewer"])


@pytest.mark.parametrize("username", ["demo", "reviewer"])
def test_the_demo_users_sign_in_to_what_their_role_allows(client, db, username):
    from assessments.management.commands.seed_demo import DEMO_PASSWORD

    call_command("seed_demo", stdout=io.StringIO())
    signed_in = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    admin = client.get(reverse("admin:assessments_assessment_changelist"))
    assert admin.status_code == (200 if username == "reviewer" else 302)


def test_only_clinicians_start_assessments_a_reviewer_is_refused(client, reviewer, alice):
    from assessments.models import Assessment

    client.force_login(reviewer)
    assert client.get(reverse("assessments:new")).status_code == 403
    assert client.post(reverse("assessments:new"), {"patient_ref": "MRN-R"}).status_code == 403
    assert not Assessment.objects.exists()
    client.force_login(alice)
    assert client.get(reverse("assessments:new")).status_code == 200


def test_staff_see_a_link_to_the_admin_and_clinicians_do_not(client, reviewer, alice):
    admin_url = reverse("admin:index")
    client.force_login(reviewer)
    assert f'href="{admin_url}"' in client.get(reverse("assessments:list")).content.decode()
    client.force_login(alice)
    assert f'href="{admin_url}"' not in client.get(reverse("assessments:list")).content.decode()


def test_running_the_migration_leaves_the_app_registry_as_it_was(db):
    before = apps.get_app_config("assessments").models_module
    roles_migration.create_roles(apps, schema_editor=None)
    assert apps.get_app_config("assessments").models_module is before


@pytest.mark.django_db(transaction=True)
def test_the_groups_come_back_with_their_permissions_after_the_tables_were_emptied():
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    Group.objects.all().delete()
    Permission.objects.all().delete()
    ContentType.objects.all().delete()
    ensure_roles()
    assert "assessments.review_assessment" in group_permissions(REVIEWERS)
    assert "assessments.add_assessment" in group_permissions(CLINICIANS)
