"""A step page does its work once: the guidance so far is computed for a page that is shown,
never for a POST that saves and redirects, and the core is asked each question once a request
(the step indicator, the next step, and the form's and the service's validation ask the same)."""

import pytest

from assessments.models import Assessment
from assessments.questionnaire import presenters
from tests.factories import make_assessment
from tests.step_posts import relative_inputs, step_post, step_url


@pytest.fixture
def draft(alice):
    """A draft with every step answered (step 2 onwards shows the guidance so far)."""
    return make_assessment(alice, **relative_inputs())


def _count(monkeypatch, owner, name) -> list:
    calls = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_step_page_computes_the_guidance_so_far_once(signed_in, draft, monkeypatch):
    panels = _count(monkeypatch, presenters, "guidance_so_far")
    response = signed_in.get(step_url(draft, 2))
    assert response.status_code == 200
    assert len(panels) == 1
    assert "Guidance so far" in response.content.decode()


def test_a_saved_step_that_redirects_computes_no_guidance_so_far(signed_in, draft, monkeypatch):
    panels = _count(monkeypatch, presenters, "guidance_so_far")
    response = signed_in.post(step_url(draft, 2), step_post(2, version=draft.version))
    assert response.status_code == 302
    assert panels == []


def test_a_refused_step_shows_the_guidance_so_far_of_the_saved_answers(
    signed_in, draft, monkeypatch
):
    panels = _count(monkeypatch, presenters, "guidance_so_far")
    response = signed_in.post(
        step_url(draft, 2), step_post(2, version=draft.version, vas_current=11)
    )
    assert response.status_code == 400
    (call,) = panels
    (shown,) = call
    # The saved answer, not the refused one the form now holds.
    assert shown.vas_current == draft.vas_current != 11


def test_a_step_page_asks_the_core_for_the_missing_inputs_once(signed_in, draft, monkeypatch):
    edition = draft.rules()
    asked = _count(monkeypatch, edition, "missing_inputs")
    assert signed_in.get(step_url(draft, 3)).status_code == 200
    assert len(asked) == 1  # the step gate and the step indicator share the answer


def test_a_saved_step_checks_the_answers_across_fields_once(signed_in, draft, monkeypatch):
    edition = draft.rules()
    checked = _count(monkeypatch, edition, "cross_field_errors")
    response = signed_in.post(step_url(draft, 2), step_post(2, version=draft.version))
    assert response.status_code == 302
    assert len(checked) == 1  # the form's validation, not again in the service
    assert Assessment.objects.get(pk=draft.pk).version == draft.version + 1


def test_a_changed_answer_is_never_answered_from_the_memo(alice):
    assessment = make_assessment(alice, **relative_inputs())
    assert assessment.missing_inputs() == []
    assessment.vas_current = None
    assert assessment.missing_inputs() == ["vas_current"]
