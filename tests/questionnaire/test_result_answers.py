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


def test_without_an_mri_every_mri_finding_reads_not_applicable(client, alice):
    """The fluid at the bone–cement interface is stored as "no" when absent (spec §1), but
    without an MRI nobody looked for it: it reads "not applicable" like the other findings,
    on the review, the result and so the PDF (all from display.answer_groups)."""
    from assessments.reports.display import NOT_APPLICABLE, answer_groups
    from vertebro_rules import inputs

    draft = make_assessment(
        alice,
        mri_performed=False,
        **{name: inputs.FIELDS_BY_NAME[name].absent for name in inputs.MRI_ONLY_FIELDS},
    )
    final = assessment_finalize(assessment=draft, user=alice)
    imaging = {answer.label: answer.text for answer in answer_groups(final)[2].answers}
    for name in inputs.MRI_ONLY_FIELDS:
        assert imaging[inputs.FIELDS_BY_NAME[name].label] == NOT_APPLICABLE, name
    client.force_login(alice)
    html = client.get(reverse("assessments:result", args=[final.pk])).content.decode()
    assert "Fluid at the bone–cement interface" in html
    fluid = html[html.index("Fluid at the bone–cement interface") :][:200]
    assert NOT_APPLICABLE in fluid
