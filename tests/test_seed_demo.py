"""`seed_demo` creates the demo users and a dozen assessments; a second run changes nothing."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from assessments.management.commands.seed_demo import DEMO_PASSWORD
from assessments.models import Assessment
from vertebro_rules.vocabulary import Scenario


def _snapshot():
    return sorted(
        (
            str(a.pk),
            a.owner.username,
            a.status,
            a.version,
            a.updated,
            a.guidance and a.guidance["headline"],
        )
        for a in Assessment.objects.select_related("owner")
    )


def test_seed_demo_creates_users_and_assessments_across_the_scenarios(db):
    call_command("seed_demo", stdout=StringIO())
    users = {user.username: user for user in get_user_model().objects.all()}
    assert {"demo", "colleague", "reviewer"} <= set(users)
    assert users["demo"].check_password(DEMO_PASSWORD)
    assessments = list(Assessment.objects.all())
    assert len(assessments) >= 12
    statuses = {a.status for a in assessments}
    assert statuses == {Assessment.Status.DRAFT, Assessment.Status.FINAL}
    assert not any(a.owner.username == "reviewer" for a in assessments)
    scenarios = {a.evaluate().scenario for a in assessments if not a.missing_inputs()}
    assert len(scenarios) >= 6
    assert set(scenarios) <= set(Scenario.values)
    drafts_in_progress = [a for a in assessments if a.missing_inputs()]
    assert drafts_in_progress  # some drafts stop part-way


def test_running_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", stdout=StringIO())
    first = _snapshot()
    password_hash = get_user_model().objects.get(username="demo").password
    call_command("seed_demo", stdout=StringIO())
    assert _snapshot() == first
    assert get_user_model().objects.get(username="demo").password == password_hash


def test_the_demo_reviewer_can_review(db):
    call_command("seed_demo", stdout=StringIO())
    reviewer = get_user_model().objects.get(username="reviewer")
    assert reviewer.has_perm("assessments.review_assessment")


def test_seed_demo_names_the_address_it_was_given(db):
    out = StringIO()
    call_command("seed_demo", "--url", "http://127.0.0.1:8123/", stdout=out)
    assert "at http://127.0.0.1:8123/" in out.getvalue()
    assert ":8000" not in out.getvalue()
