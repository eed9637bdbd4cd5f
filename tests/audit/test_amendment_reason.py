"""The reason for an amendment: asked when amending, shown on both result pages, in the
amendment's PDF and in the history."""

import re

from django.urls import reverse

from assessments.models import Assessment
from assessments.services import assessment_finalize
from tests.factories import make_assessment
from tests.pdf_helpers import document_text

REASON = "Wrong treated level entered (L2, not L1)"


def test_the_reason_follows_the_amendment_everywhere(client, alice, reviewer):
    original = assessment_finalize(assessment=make_assessment(alice), user=alice)
    client.force_login(alice)
    client.post(reverse("assessments:amend", args=[original.pk]), {"reason": REASON})
    amendment = Assessment.objects.get(amends=original)
    assessment_finalize(assessment=amendment, user=alice)

    client.force_login(reviewer)
    for assessment in (original, amendment):
        html = client.get(reverse("assessments:result", args=[assessment.pk])).content.decode()
        text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
        assert f"Reason for the amendment: {REASON}" in text

    pdf = client.get(reverse("assessments:pdf", args=[amendment.pk]))
    assert REASON in " ".join(document_text(pdf.getvalue()).split())

    created = amendment.history.earliest("history_date")
    assert created.history_change_reason == f"Amendment: {REASON}"
    history = client.get(
        reverse("admin:assessments_assessment_history", args=[amendment.pk])
    ).content.decode()
    assert REASON in history
