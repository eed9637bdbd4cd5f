"""Every service, called directly (not through a view): what it refuses and what it leaves
untouched when it refuses — someone else's assessment, a user outside the group, the wrong
status, a page built on an older version.

The views check the same things before they call a service; these tests hold the services
themselves to them, for every other caller (FHIR import, launch, commands)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services
from assessments.models import Assessment, RulesVersionSwitch
from outcomes import services as outcome_services
from outcomes.models import Delegation, Procedure
from tests.factories import make_assessment
from tests.outcomes.factories import PERFORMED, final_assessment


def _reloaded(assessment: Assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


# --- assessment_save_step -------------------------------------------------------------


def test_save_step_saves_the_fields_and_counts_a_version(alice):
    draft = make_assessment(alice)
    draft.vas_current = 6
    saved = services.assessment_save_step(
        assessment=draft, fields=("vas_current",), expected_version=draft.version, user=alice
    )
    assert saved.version == 2
    assert (_reloaded(draft).vas_current, _reloaded(draft).version) == (6, 2)


def test_save_step_refuses_a_page_built_on_an_older_version(alice):
    draft = make_assessment(alice, vas_current=8)
    draft.vas_current = 3
    with pytest.raises(services.StaleAssessment):
        services.assessment_save_step(
            assessment=draft, fields=("vas_current",), expected_version=0, user=alice
        )
    with pytest.raises(services.StaleAssessment):
        services.assessment_save_step(
            assessment=draft, fields=("vas_current",), expected_version=None, user=alice
        )
    assert (_reloaded(draft).vas_current, _reloaded(draft).version) == (8, 1)


def test_save_step_refuses_a_final_assessment(alice):
    final = final_assessment(alice, vas_current=8)
    stale_copy = Assessment.objects.get(pk=final.pk)
    stale_copy.status = Assessment.Status.DRAFT  # a page still showing it as a draft
    stale_copy.vas_current = 2
    with pytest.raises(services.AssessmentNotEditable):
        services.assessment_save_step(
            assessment=stale_copy,
            fields=("vas_current",),
            expected_version=final.version,
            user=alice,
        )
    assert _reloaded(final).vas_current == 8


def test_save_step_refuses_someone_elses_draft(alice, bob):
    draft = make_assessment(alice, vas_current=8)
    draft.vas_current = 2
    with pytest.raises(PermissionDenied):
        services.assessment_save_step(
            assessment=draft, fields=("vas_current",), expected_version=draft.version, user=bob
        )
    assert _reloaded(draft).vas_current == 8


def test_save_step_refuses_an_answer_the_spec_refuses_and_saves_nothing(alice):
    draft = make_assessment(alice, vas_current=8)
    draft.vas_current = 11
    with pytest.raises(ValidationError) as refusal:
        services.assessment_save_step(
            assessment=draft, fields=("vas_current",), expected_version=draft.version, user=alice
        )
    assert "vas_current" in refusal.value.message_dict
    assert (_reloaded(draft).vas_current, _reloaded(draft).version) == (8, 1)


# --- assessment_finalize ----------------------------------------------------------------


def test_finalize_refuses_someone_elses_draft(alice, bob):
    draft = make_assessment(alice)
    with pytest.raises(PermissionDenied):
        services.assessment_finalize(assessment=draft, user=bob)
    assert _reloaded(draft).status == Assessment.Status.DRAFT


def test_finalize_refuses_a_final_and_a_discarded_assessment(alice):
    final = final_assessment(alice)
    with pytest.raises(services.AssessmentNotEditable, match="already final"):
        services.assessment_finalize(assessment=final, user=alice)
    discarded = services.assessment_discard(assessment=make_assessment(alice), user=alice)
    with pytest.raises(services.AssessmentNotEditable, match="discarded"):
        services.assessment_finalize(assessment=discarded, user=alice)
    assert _reloaded(discarded).status == Assessment.Status.DISCARDED


# --- assessment_discard -------------------------------------------------------------------


def test_discard_refuses_someone_elses_draft(alice, bob):
    draft = make_assessment(alice)
    with pytest.raises(services.NotDiscardable, match="Only the clinician who owns"):
        services.assessment_discard(assessment=draft, user=bob)
    assert _reloaded(draft).status == Assessment.Status.DRAFT


def test_discard_refuses_a_final_assessment_and_a_second_discard(alice):
    final = final_assessment(alice)
    with pytest.raises(services.NotDiscardable, match="Only a draft"):
        services.assessment_discard(assessment=final, user=alice)
    assert _reloaded(final).status == Assessment.Status.FINAL
    draft = make_assessment(alice)
    services.assessment_discard(assessment=draft, user=alice)
    with pytest.raises(services.NotDiscardable):
        services.assessment_discard(assessment=draft, user=alice)


# --- assessment_amend -------------------------------------------------------------------


def test_amend_refuses_someone_elses_assessment(alice, bob):
    final = final_assessment(alice)
    with pytest.raises(services.NotAmendable, match="Only the clinician who owns"):
        services.assessment_amend(assessment=final, user=bob, reason="typo")
    assert not Assessment.objects.filter(amends=final).exists()


def test_amend_refuses_a_draft_and_a_superseded_assessment(alice):
    with pytest.raises(services.NotAmendable, match="Only a final assessment"):
        services.assessment_amend(assessment=make_assessment(alice), user=alice, reason="x")
    final = final_assessment(alice)
    amendment = services.assessment_amend(assessment=final, user=alice, reason="wrong level")
    services.assessment_finalize(assessment=amendment, user=alice)
    with pytest.raises(services.NotAmendable, match="already been amended"):
        services.assessment_amend(assessment=final, user=alice, reason="again")


def test_amend_twice_resumes_the_same_draft(alice):
    final = final_assessment(alice)
    first = services.assessment_amend(assessment=final, user=alice, reason="wrong level")
    second = services.assessment_amend(assessment=final, user=alice, reason="another")
    assert second.pk == first.pk
    assert _reloaded(first).amendment_reason == "wrong level"


# --- assessment_move_to_rules_version and rules_version_activate ---------------------------


def test_move_refuses_someone_elses_draft_a_final_one_and_one_already_active(alice, bob):
    draft = make_assessment(alice)
    with pytest.raises(services.NotMovable, match="Only the clinician who owns"):
        services.assessment_move_to_rules_version(
            assessment=draft, user=bob, expected_version=draft.version
        )
    with pytest.raises(services.NotMovable, match="already follows"):
        services.assessment_move_to_rules_version(
            assessment=draft, user=alice, expected_version=draft.version
        )
    final = final_assessment(alice)
    with pytest.raises(services.NotMovable, match="Only a draft"):
        services.assessment_move_to_rules_version(
            assessment=final, user=alice, expected_version=final.version
        )


def test_activate_refuses_a_clinician_an_unknown_version_and_no_reason(alice, superuser):
    with pytest.raises(services.NotSwitchable, match="administrator"):
        services.rules_version_activate(version="2026.2", user=alice, reason="board")
    with pytest.raises(services.NotSwitchable, match="Unknown rules version"):
        services.rules_version_activate(version="1999.1", user=superuser, reason="board")
    with pytest.raises(services.NotSwitchable):
        services.rules_version_activate(version="2026.2", user=superuser, reason="  ")
    assert not RulesVersionSwitch.objects.exists()


# --- outcomes: delegation_grant, procedure_save ------------------------------------------


def test_delegation_goes_only_to_an_active_clinician_other_than_the_owner(alice, bob, reviewer):
    final = final_assessment(alice)
    with pytest.raises(ValidationError, match="No active clinician"):
        outcome_services.delegation_grant(assessment=final, username="reviewer", user=alice)
    with pytest.raises(ValidationError, match="No active clinician"):
        outcome_services.delegation_grant(assessment=final, username="nobody", user=alice)
    with pytest.raises(ValidationError, match="already record"):
        outcome_services.delegation_grant(assessment=final, username="alice", user=alice)
    bob.is_active = False
    bob.save()
    with pytest.raises(ValidationError, match="No active clinician"):
        outcome_services.delegation_grant(assessment=final, username="bob", user=alice)
    assert not Delegation.objects.exists()


def test_procedure_save_refuses_an_incomplete_record_and_saves_nothing(alice):
    final = final_assessment(alice)
    procedure = Procedure(assessment=final, **{**PERFORMED, "operator": ""})
    with pytest.raises(ValidationError) as refusal:
        outcome_services.procedure_save(procedure=procedure, user=alice)
    assert "operator" in refusal.value.message_dict
    assert not Procedure.objects.filter(assessment=final).exists()
