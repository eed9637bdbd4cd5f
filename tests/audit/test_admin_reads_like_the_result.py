"""A reviewer's admin page of an assessment reads like its result page: the guidance in words
(not the JSON), and links to the result page, the PDF, the history and the access log."""

from django.contrib.admin import site
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import assessment_finalize
from tests.factories import make_assessment
from vertebro_rules import versions


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


ADDED_IN_2026_3 = (
    "vertebral_infection",
    "mri_not_possible",
    "infection_signs",
    "complication_assessed",
    "opioid_failure",
)


def _admin_page(client, reviewer, assessment) -> str:
    client.force_login(reviewer)
    page = client.get(reverse("admin:assessments_assessment_change", args=[assessment.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_a_final_assessment_shows_every_answer_of_its_own_rules_version_read_only(
    client, alice, reviewer, rf
):
    final = assessment_finalize(
        assessment=make_assessment(alice, infection_signs=False, opioid_failure=False), user=alice
    )
    assert final.rules_version == "2026.3"
    html = _admin_page(client, reviewer, final)
    for name in ADDED_IN_2026_3:
        assert f"field-{name}" in html, name
    request = rf.get("/")
    request.user = reviewer
    readonly = site._registry[Assessment].get_readonly_fields(request, final)
    assert set(versions.get("2026.3").INPUT_FIELD_NAMES) <= set(readonly)


def test_a_2026_2_record_shows_only_the_questions_of_2026_2(client, alice, reviewer, rf):
    record = make_assessment(alice, rules_version="2026.2")
    Assessment.objects.filter(pk=record.pk).update(status=Assessment.Status.FINAL)
    record.refresh_from_db()
    html = _admin_page(client, reviewer, record)
    assert "field-vas_before_index" in html
    for name in ADDED_IN_2026_3:
        assert f"field-{name}" not in html, name
    request = rf.get("/")
    request.user = reviewer
    readonly = site._registry[Assessment].get_readonly_fields(request, record)
    assert set(versions.get("2026.2").INPUT_FIELD_NAMES) <= set(readonly)
