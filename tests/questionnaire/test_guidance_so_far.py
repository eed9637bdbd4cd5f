"""From step 2 on, the step pages show what the saved answers already decide and still need,
computed with the rules that give the result."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.factories import make_assessment
from tests.step_posts import relative_inputs, step_post
from vertebro_rules.inputs import FIELDS_BY_NAME, fields_of_step

PANEL = re.compile(r'<details[^>]*id="guidance-so-far".*?</details>', re.S)


def _draft(owner, up_to_step: int, **overrides):
    """A draft saved up to `up_to_step`, dated from today like a clinician's (day 17)."""
    values = relative_inputs(**overrides)
    for step in range(up_to_step + 1, 5):
        for name in fields_of_step(step):
            # Unanswered, as the database keeps it (a yes/no "false when absent" is false).
            values[name] = FIELDS_BY_NAME[name].absent
    values["contraindications"] = list(values["contraindications"])
    return make_assessment(owner, **values)


def _panel(client, assessment, step: int) -> str:
    response = client.get(reverse("assessments:step", args=[assessment.pk, step]))
    assert response.status_code == 200
    found = PANEL.search(response.content.decode())
    assert found, "no guidance-so-far panel on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group()).split())


def test_step_1_has_no_panel(signed_in, alice):
    draft = _draft(alice, 1)
    html = signed_in.get(reverse("assessments:step", args=[draft.pk, 1])).content.decode()
    assert 'id="guidance-so-far"' not in html
    assert 'id="guidance-so-far"' not in signed_in.get(reverse("assessments:new")).content.decode()


def test_on_step_2_the_scenario_waits_for_the_pain_timeline(signed_in, alice):
    text = _panel(signed_in, _draft(alice, 1), 2)
    assert "Decided once the pain timeline is saved." in text
    assert "Still needed Pain timeline, MRI findings, cement fill on CT, examination" in text


def test_after_step_2_the_panel_names_the_scenario_with_its_day_and_what_is_still_needed(
    signed_in, alice
):
    text = _panel(signed_in, _draft(alice, 2), 3)
    # The scenario in the words of the result (rules 2026.3's label), in the summary.
    assert "Failure of the index procedure (days 4–32), day 17" in text
    assert "Immediate failure" not in text
    assert "Assessed on day 17 after the index procedure." in text
    assert "Unless the MRI shows a new fracture at another level" in text
    assert "Still needed MRI findings, cement fill on CT, examination" in text
    assert "Recommendation" not in text


def test_a_recurrence_shows_the_day_the_pain_returned(signed_in, alice):
    today = timezone.localdate()
    draft = _draft(
        alice,
        2,
        index_procedure_date=today - timedelta(days=172),
        initial_response="relief_then_recurrence",
        recurrence_date=today - timedelta(days=80),
        conservative_therapy_weeks=8,
    )
    text = _panel(signed_in, draft, 3)
    assert "Recurrence after a pain-free interval" in text
    assert "Assessed on day 172 after the index procedure; the pain returned on day 92." in text


def test_once_every_answer_is_saved_the_panel_gives_the_result_recommendation(signed_in, alice):
    draft = _draft(alice, 4)
    text = _panel(signed_in, draft, 4)
    review = signed_in.get(reverse("assessments:review", args=[draft.pk]))
    assert review.context["guidance"].label == "Repeat vertebroplasty indicated"
    assert "Repeat vertebroplasty indicated" in text
    assert "R10" not in text  # words, not the deciding rule's code
    assert review.context["guidance"].headline in text
    assert "Still needed" not in text


def test_the_panel_shows_the_saved_answers_not_those_of_a_refused_post(signed_in, alice):
    draft = _draft(alice, 2)
    url = reverse("assessments:step", args=[draft.pk, 2])
    # A refused save (the pain level is out of range) with another course of pain.
    body = step_post(2, version=draft.version, vas_current=11, initial_response="ongoing_relief")
    response = signed_in.post(url, body)
    assert response.status_code == 400
    text = " ".join(
        re.sub(r"<[^>]+>", " ", PANEL.search(response.content.decode()).group()).split()
    )
    assert "Failure of the index procedure (days 4–32)" in text
    assert "Treated level still relieved" not in text


def test_after_a_successful_save_the_next_step_shows_the_new_scenario(signed_in, alice):
    draft = _draft(alice, 2)
    url = reverse("assessments:step", args=[draft.pk, 2])
    response = signed_in.post(url, step_post(2, version=draft.version, vas_current=0), follow=True)
    assert response.status_code == 200
    text = " ".join(
        re.sub(r"<[^>]+>", " ", PANEL.search(response.content.decode()).group()).split()
    )
    assert "No current pain" in text
    assert "Unless the MRI" not in text  # no current pain whatever the MRI shows


CASES_OF_EVERY_COLOUR = [
    {},  # repeat indicated (green)
    {"cement_fill": "adequate"},  # may be considered (teal)
    {"neuro_exam": "new_deficit"},  # urgent referral (red)
    {"mri_performed": False},  # work-up (amber)
    {"initial_response": "ongoing_relief", "vas_current": 0},  # not indicated (grey)
]


def _same_words(alice, rules_version=None) -> None:
    from assessments.questionnaire.presenters import guidance_so_far
    from assessments.reports.display import guidance_section

    today = timezone.localdate()
    seen = set()
    for overrides in CASES_OF_EVERY_COLOUR:
        draft = _draft(alice, 4, **overrides)
        if rules_version:
            draft.rules_version = rules_version
        result = guidance_section(draft, today=today).guidance
        if result is None:  # a case this rules version refuses: nothing to compare
            continue
        shown = guidance_so_far(draft, today=today).guidance
        assert (shown.recommendation, shown.label, shown.tone, shown.headline) == (
            result.recommendation,
            result.label,
            result.tone,
            result.headline,
        )
        seen.add(result.tone)
    assert len(seen) >= 3


def test_the_panel_words_and_colours_the_recommendation_as_the_result_page_does(alice):
    _same_words(alice)


def test_the_panel_words_a_draft_of_an_earlier_rules_version_as_its_result_does(alice):
    _same_words(alice, rules_version="2026.2")
