"""No page Vertebro builds may be kept by a browser's or a proxy's cache: every page of the
URLconf, whoever asks, answers with `Cache-Control: no-store` (issue: shared workstations)."""

import pytest
from django.urls import reverse

from assessments.services import assessment_finalize
from tests.factories import make_assessment
from tests.url_walk import concrete_urls


@pytest.fixture
def urls(alice):
    draft = make_assessment(alice, patient_ref="MRN-DRAFT")
    final = assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-FINAL"), user=alice
    )
    history_id = final.history.latest().history_id
    found = concrete_urls(
        {
            "assessment_id": draft.pk,
            "object_id": final.pk,
            "step": 1,
            "app_label": "assessments",
            "url": "no-such-page/",
        }
    )
    found += [
        reverse("assessments:result", args=[final.pk]),
        reverse("assessments:pdf", args=[final.pk]),
        reverse("admin:assessments_assessment_simple_history", args=[final.pk, history_id]),
        "/no-such-page/",
    ]
    return found


def test_the_url_walk_reaches_the_app_and_the_admin(urls):
    assert "/" in urls
    assert any(url.startswith("/admin/assessments/assessment/") for url in urls)
    assert len(urls) > 40


@pytest.mark.parametrize("persona", ["anonymous", "alice", "reviewer", "superuser"])
def test_every_page_of_the_urlconf_says_no_store_to_everyone(client, request, urls, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    missing = []
    for url in urls:
        response = client.get(url)
        if "no-store" not in response.get("Cache-Control", ""):
            missing.append((url, response.status_code))
    assert missing == []


def test_a_post_answer_says_no_store_too(client, alice):
    client.force_login(alice)
    response = client.post(reverse("assessments:new"), {"patient_ref": ""})
    assert response.status_code == 400  # the form again, with its errors
    assert "no-store" in response["Cache-Control"]
