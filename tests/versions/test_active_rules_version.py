"""The active rules version (docs/specification.md §9): new drafts start under it; switching
it is an administrator's action, kept and written to the security log; a draft keeps the
version it was started under until its owner moves it; a final assessment never changes."""

import io
import json
import logging

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import security_log
from assessments import rules_versions, services
from assessments.models import Assessment, RulesVersionSwitch
from tests.factories import make_assessment
from tests.step_posts import step_post
from vertebro_rules.versions import v2026_3

OLD, NEW = "2026.2", "2026.3"


@pytest.fixture
def security_events():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(security_log.JsonFormatter())
    logger = logging.getLogger(security_log.LOGGER_NAME)
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


@pytest.fixture
def new_version_ready(monkeypatch):
    """2026.3 complete, so that it can be switched on (whatever the state of its build)."""
    monkeypatch.setattr(v2026_3, "COMPLETE", True)


@pytest.fixture
def old_active(settings):
    settings.VERTEBRO_RULES_VERSION = OLD


def activate(version, user, reason="Board decision of 1 Dec 2026"):
    call_command("rules_version", activate=version, user=user.username, reason=reason)


def test_without_a_switch_the_setting_names_the_active_version(db, settings):
    settings.VERTEBRO_RULES_VERSION = OLD
    assert rules_versions.active_version() == OLD
    settings.VERTEBRO_RULES_VERSION = NEW
    assert rules_versions.active_version() == NEW


def test_the_last_switch_names_the_active_version(superuser, old_active):
    """The latest switch by its time, and of two at the same instant the one recorded last
    (whatever order the rows were written in)."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()

    def switch(version, at):
        RulesVersionSwitch.objects.create(
            version=version,
            previous_version=OLD,
            switched_by=superuser,
            switched_at=at,
            reason="test",
        )

    switch(NEW, now)
    switch(OLD, now - timedelta(days=1))  # written later, but switched earlier
    assert rules_versions.active_version() == NEW
    switch(OLD, now)  # the same instant, recorded after
    assert rules_versions.active_version() == OLD


def test_a_draft_started_on_the_web_records_the_active_version(signed_in, old_active):
    response = signed_in.post(reverse("assessments:new"), step_post(1))
    assert response.status_code == 302
    assert Assessment.objects.get().rules_version == OLD


def test_an_administrator_switches_the_version_kept_and_security_logged(
    superuser, old_active, new_version_ready, security_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activate(NEW, superuser)
    switch = RulesVersionSwitch.objects.get()
    assert (switch.previous_version, switch.version, switch.switched_by) == (OLD, NEW, superuser)
    assert switch.reason == "Board decision of 1 Dec 2026"
    assert rules_versions.active_version() == NEW
    [event] = [e for e in security_events() if e["event"] == "rules_version_switch"]
    assert event["user_id"] == superuser.pk
    assert event["detail"] == f"{OLD} -> {NEW}"


def test_a_clinician_cannot_switch_the_version(alice, old_active, new_version_ready):
    with pytest.raises(CommandError, match="Only an administrator"):
        activate(NEW, alice)
    assert not RulesVersionSwitch.objects.exists()


@pytest.mark.parametrize(
    ("version", "reason", "message"),
    [
        ("2099.1", "Board decision", "Unknown rules version '2099.1'"),
        (OLD, "Board decision", "already active"),
        (NEW, "  ", "Give the reason"),
    ],
)
def test_a_switch_is_refused_with_a_reason(
    superuser, old_active, new_version_ready, version, reason, message
):
    with pytest.raises(CommandError, match=message):
        activate(version, superuser, reason=reason)
    assert rules_versions.active_version() == OLD


def test_an_incomplete_version_cannot_be_switched_on(superuser, old_active, monkeypatch):
    monkeypatch.setattr(v2026_3, "COMPLETE", False)
    with pytest.raises(CommandError, match="not complete"):
        activate(NEW, superuser)


def test_the_command_without_options_lists_the_active_version_and_the_switches(
    superuser, old_active, new_version_ready
):
    activate(NEW, superuser)
    out = io.StringIO()
    call_command("rules_version", stdout=out)
    text = out.getvalue()
    assert f"Active rules version: {NEW}" in text
    assert f"{OLD} -> {NEW} by admin (Board decision of 1 Dec 2026)" in text


def test_a_switch_is_never_changed_or_deleted(superuser, old_active, new_version_ready):
    activate(NEW, superuser)
    switch = RulesVersionSwitch.objects.get()
    with pytest.raises(PermissionError):
        switch.save()
    with pytest.raises(PermissionError):
        switch.delete()


def test_a_draft_keeps_its_version_after_the_switch_and_is_finalized_under_it(
    alice, superuser, old_active, new_version_ready
):
    draft = make_assessment(alice)
    activate(NEW, superuser)
    draft.refresh_from_db()
    assert draft.rules_version == OLD
    final = services.assessment_finalize(assessment=draft, user=alice)
    assert final.rules_version == OLD
    assert final.guidance["rules_version"] == OLD
    assert make_assessment(alice).rules_version == NEW


def test_the_owner_is_told_what_a_move_changes_and_moves_the_draft(
    client,
    alice,
    superuser,
    old_active,
    new_version_ready,
    security_events,
    django_capture_on_commit_callbacks,
):
    draft = make_assessment(alice)
    activate(NEW, superuser)
    client.force_login(alice)
    review = client.get(reverse("assessments:review", args=[draft.pk]))
    assert b'id="rules-version-notice"' in review.content
    assert f"This draft follows rules version {OLD}".encode() in review.content
    assert f"Move this draft to rules version {NEW}".encode() in review.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:move_rules", args=[draft.pk]), {"version": draft.version}
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.rules_version == NEW
    assert draft.history.first().history_change_reason == (
        f"Moved from rules version {OLD} to {NEW} by its clinician"
    )
    assert [e["detail"] for e in security_events() if e["event"] == "rules_version_move"] == [
        f"{OLD} -> {NEW}"
    ]
    review = client.get(reverse("assessments:review", args=[draft.pk]))
    assert b'id="rules-version-notice"' not in review.content


def test_a_draft_under_the_active_version_shows_no_notice(signed_in, alice, old_active):
    draft = make_assessment(alice)
    review = signed_in.get(reverse("assessments:review", args=[draft.pk]))
    assert b'id="rules-version-notice"' not in review.content


def test_a_move_from_a_stale_page_is_refused(
    client, alice, superuser, old_active, new_version_ready
):
    draft = make_assessment(alice)
    activate(NEW, superuser)
    client.force_login(alice)
    client.post(reverse("assessments:move_rules", args=[draft.pk]), {"version": draft.version - 1})
    draft.refresh_from_db()
    assert draft.rules_version == OLD


def test_only_the_owner_moves_a_draft_and_never_a_final_one(
    client, alice, bob, superuser, old_active, new_version_ready
):
    draft = make_assessment(alice)
    final = services.assessment_finalize(assessment=make_assessment(alice), user=alice)
    activate(NEW, superuser)
    client.force_login(bob)
    response = client.post(
        reverse("assessments:move_rules", args=[draft.pk]), {"version": draft.version}
    )
    assert response.status_code == 404
    with pytest.raises(services.NotMovable):
        services.assessment_move_to_rules_version(
            assessment=final, user=alice, expected_version=final.version
        )
    draft.refresh_from_db()
    final.refresh_from_db()
    assert (draft.rules_version, final.rules_version) == (OLD, OLD)


def test_a_2026_2_record_prints_word_for_word_after_the_switch_to_2026_3(
    client, alice, superuser, old_active, new_version_ready
):
    from assessments.reports import pdf
    from tests.pdf_helpers import document_text

    final = services.assessment_finalize(assessment=make_assessment(alice), user=alice)
    before = document_text(pdf.assessment_pdf(final))
    client.force_login(alice)
    page_before = client.get(reverse("assessments:result", args=[final.pk])).content.decode()
    activate(NEW, superuser)
    final.refresh_from_db()
    after = document_text(pdf.assessment_pdf(final))
    # Word for word, but for the line that says when the PDF was generated.
    strip = lambda text: text.split("Generated")[0]  # noqa: E731
    assert strip(after) == strip(before)
    assert "Rules version 2026.2" in after
    assert "Immediate failure of the index procedure (days 4–32)" in after  # 2026.2's label
    page_after = client.get(reverse("assessments:result", args=[final.pk])).content.decode()
    assert final.guidance["reasons"][0]["text"] in page_after
    assert page_after.count("Immediate failure of the index procedure") == page_before.count(
        "Immediate failure of the index procedure"
    )
