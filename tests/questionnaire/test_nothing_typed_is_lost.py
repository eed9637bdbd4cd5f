"""Leaving a step by a link or by the idle sign-out keeps what was typed as a draft.

static/js/vertebro.js turns a link followed from a step with unsaved typing into a post of
the form whose `go` field is the link's address; the idle sign-out posts `go=idle-sign-out`
just before the timeout. These tests post what the script posts.
"""

import time

import pytest
from django.urls import reverse

from accounts.middleware import LAST_ACTIVITY_KEY
from tests.factories import make_assessment
from tests.step_posts import relative_inputs, step_post, step_url

pytestmark = pytest.mark.django_db


def test_back_saves_a_half_typed_step_as_a_draft_and_goes_back(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(vas_current=None, mobility=None))
    post = step_post(2, version=assessment.version, vas_current=6)
    post["conservative_therapy_weeks"] = ""  # a required answer not given yet
    post["go"] = step_url(assessment, 1)
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 302
    assert response["Location"] == step_url(assessment, 1)
    assessment.refresh_from_db()
    assert assessment.vas_current == 6
    assert assessment.conservative_therapy_weeks is None


def test_a_wrong_answer_keeps_the_clinician_on_the_step_with_the_reason(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(vas_current=4))
    post = step_post(2, version=assessment.version)
    post["vas_current"] = "12"
    post["go"] = reverse("assessments:list")
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved and you stayed on this step" in page
    assert 'value="12"' in page  # what was typed is still there
    assessment.refresh_from_db()
    assert assessment.vas_current == 4


def test_a_go_to_another_site_is_not_followed(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(2, version=assessment.version)
    post["go"] = "//evil.example/steal"
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:open", args=[assessment.pk])


def test_the_idle_sign_out_saves_what_was_typed_and_signs_out(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(vas_current=3))
    post = step_post(2, version=assessment.version, vas_current=8)
    post["go"] = "idle-sign-out"
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert step_url(assessment, 2) in response["Location"].replace("%2F", "/")
    assessment.refresh_from_db()
    assert assessment.vas_current == 8
    # Signed out: the next page asks to sign in.
    assert signed_in.get(step_url(assessment, 2)).status_code == 302
    login = signed_in.get(response["Location"]).content.decode()
    assert "saved as a draft" in login


def test_the_idle_sign_out_keeps_the_valid_answers_of_a_step_with_a_wrong_one(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(vas_current=3, vas_before_index=9))
    post = step_post(2, version=assessment.version, vas_current=5)
    post["vas_before_index"] = "eleven"
    post["go"] = "idle-sign-out"
    response = signed_in.post(step_url(assessment, 2), post)
    assert response["Location"].startswith(reverse("login"))
    assessment.refresh_from_db()
    assert assessment.vas_current == 5
    assert assessment.vas_before_index == 9


def test_every_page_says_how_long_until_the_idle_sign_out(signed_in, settings):
    settings.VERTEBRO_SESSION_IDLE_MINUTES = 15
    session = signed_in.session
    # Activity is written at most once a minute: 30 s ago, this request does not refresh it,
    # so the page counts from then (the server's clock, not the page's load).
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 30
    session.save()
    page = signed_in.get(reverse("assessments:list")).content.decode()
    seconds = int(page.split('data-idle-seconds-left="', 1)[1].split('"', 1)[0])
    assert 865 <= seconds <= 870
    assert 'id="idle-warning" hidden' in page


def test_stay_signed_in_counts_as_activity(signed_in, settings):
    settings.VERTEBRO_SESSION_IDLE_MINUTES = 15
    session = signed_in.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 850
    session.save()
    response = signed_in.get(reverse("keep_alive"))
    assert response.json() == {"seconds_left": 900}
    assert int(time.time()) - signed_in.session[LAST_ACTIVITY_KEY] <= 1


def test_the_page_links_to_the_password_change(signed_in):
    page = signed_in.get(reverse("assessments:list")).content.decode()
    assert f'href="{reverse("password_change")}"' in page
