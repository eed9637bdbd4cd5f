"""Reviewers' admin pages read as the clinicians' pages do: labels, names and dates, no codes."""

import re

from django.urls import reverse

from assessments.services import assessment_amend, assessment_finalize
from tests.factories import make_assessment


def _history_html(client, reviewer, assessment) -> str:
    client.force_login(reviewer)
    url = reverse("admin:assessments_assessment_history", args=[assessment.pk])
    return client.get(url).content.decode()


def test_the_history_shows_labels_names_and_minutes_not_codes(client, alice, reviewer):
    assessment = make_assessment(alice, patient_ref="MRN-HISTORY", neuro_exam=None)
    assessment.neuro_exam = "normal"
    assessment.save()
    assessment_finalize(assessment=assessment, user=alice)
    html = _history_html(client, reviewer, assessment)
    table = html[html.index('id="change-history"') :]
    assert "Alice Tester" in table
    assert "Final" in table and ">final<" not in table
    assert "Neurological examination" in table or "Neurological" in table
    assert "Normal" in table
    assert "None" not in table
    assert "Deleted user" not in table
    assert not re.search(r"\d\d:\d\d:\d\d", table), "seconds or microseconds shown"
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d", table)


def test_the_access_log_tells_an_original_from_its_amendment(client, alice, reviewer):
    original = assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-WALK-A"), user=alice
    )
    amendment = assessment_amend(assessment=original, user=alice)
    client.force_login(reviewer)
    for assessment in (original, amendment):
        client.get(reverse("assessments:result", args=[assessment.pk]))
    html = client.get(reverse("admin:assessments_accesslogentry_changelist")).content.decode()
    labels = set(re.findall(r"MRN-WALK-A, L1 \([^)]*\)", html))
    assert len(labels) == 2, labels
    assert any("amendment" in label for label in labels)
    assert "2 entries" in html
    assert "access log</p>" not in html.replace("\n", "")


def test_the_access_log_filters_by_name_with_no_empty_choice(client, alice, reviewer):
    final = assessment_finalize(assessment=make_assessment(alice), user=alice)
    for viewer in (alice, reviewer):
        client.force_login(viewer)
        client.get(reverse("assessments:result", args=[final.pk]))
    html = client.get(reverse("admin:assessments_accesslogentry_changelist")).content.decode()
    by_who = html[html.index("By who") :]
    by_who = by_who[: by_who.index("</ul>")]
    assert "Reviewer Tester" in by_who
    assert re.findall(r"<a [^>]*>([^<]*)</a>", by_who) == ["All", "Alice Tester", "Reviewer Tester"]
