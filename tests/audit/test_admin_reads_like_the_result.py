"""A reviewer's admin page of an assessment reads like its result page: the guidance in words
(not the JSON), and links to the result page, the PDF, the history and the access log."""

from django.urls import reverse

from assessments.services import assessment_finalize
from tests.factories import make_assessment


def test_the_admin_page_of_a_final_assessment_reads_like_its_result(client, alice, reviewer):
    final = assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-ADMIN-WORDS"), user=alice
    )
    client.force_login(reviewer)
    page = client.get(reverse("admin:assessments_assessment_change", args=[final.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert final.guidance["headline"] in html
    assert f"Reason: {final.guidance['reasons'][0]['text']}" in html
    assert '"recommendation":' not in html  # no JSON blob
    for url in (
        reverse("assessments:result", args=[final.pk]),
        reverse("assessments:pdf", args=[final.pk]),
        reverse("admin:assessments_assessment_history", args=[final.pk]),
        reverse("admin:assessments_accesslogentry_changelist") + "?q=MRN-ADMIN-WORDS",
    ):
        assert f'href="{url}"' in html, url
