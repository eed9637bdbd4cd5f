"""A final result page shows the answers it was based on, in words, without edit links."""

from django.urls import reverse

from assessments.services import assessment_finalize
from tests.factories import make_assessment


def test_a_final_result_shows_its_answers(client, alice, reviewer):
    final = assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-ANSWERS", vas_current=7), user=alice
    )
    for viewer in (alice, reviewer):
        client.force_login(viewer)
        html = client.get(reverse("assessments:result", args=[final.pk])).content.decode()
        answers = html[html.index('id="answers-title"') :]
        assert "The answers this result is based on" in answers
        for title in ("Patient and index procedure", "Pain timeline", "Imaging", "Examination"):
            assert title in answers
        assert "Current VAS" in answers and ">7<" in answers
        assert "1 Oct 2026" in answers  # the index procedure date, in words
        assert reverse("assessments:step", args=[final.pk, 1]) not in html
