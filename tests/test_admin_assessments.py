"""The admin of assessments, as a reviewer and a superuser use it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import assessment_finalize
from tests.factories import make_assessment

CHANGELIST = reverse("admin:assessments_assessment_changelist")


def change_url(assessment):
    return reverse("admin:assessments_assessment_change", args=[assessment.pk])


def delete_url(assessment):
    return reverse("admin:assessments_assessment_delete", args=[assessment.pk])


def final_assessment(owner, **overrides):
    return assessment_finalize(assessment=make_assessment(owner, **overrides), user=owner)


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def test_the_list_shows_readable_labels_and_a_dash_for_a_draft(reviewer_client, alice):
    final_assessment(alice, patient_ref="MRN-FINAL")
    make_assessment(alice, patient_ref="MRN-DRAFT")
    response = reviewer_client.get(CHANGELIST)
    rows = {row.patient_ref: row for row in response.context["cl"].result_list}
    page = response.content.decode()
    assert set(rows) == {"MRN-FINAL", "MRN-DRAFT"}
    # The list reads the labels of the newest rules version (its codes include every earlier one's).
    assert "Failure of the index procedure (days 4–32)" in page
    assert "Repeat vertebroplasty indicated" in page
    assert "Alice Tester" in page
    assert rows["MRN-DRAFT"].scenario == "" and "—" in page


def listed(client, **params) -> set[str]:
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {row.patient_ref for row in response.context["cl"].result_list}


@pytest.mark.usefixtures("rules_2026_2")  # expects the outcomes of 2026.2
def test_it_filters_by_recommendation_scenario_status_level_etiology_and_clinician(
    reviewer_client, alice, bob
):
    final_assessment(alice, patient_ref="MRN-REPEAT")
    final_assessment(bob, patient_ref="MRN-NOPAIN", vas_current=0, treated_level="T12")
    make_assessment(alice, patient_ref="MRN-DRAFT", fracture_etiology="neoplastic")
    assert listed(reviewer_client, recommendation="repeat_indicated") == {"MRN-REPEAT"}
    assert listed(reviewer_client, scenario="no_current_pain") == {"MRN-NOPAIN"}
    assert listed(reviewer_client, status="draft") == {"MRN-DRAFT"}
    assert listed(reviewer_client, treated_level="T12") == {"MRN-NOPAIN"}
    assert listed(reviewer_client, fracture_etiology="neoplastic") == {"MRN-DRAFT"}
    assert listed(reviewer_client, owner__id__exact=bob.pk) == {"MRN-NOPAIN"}


def test_it_searches_by_patient_reference_and_clinician_name(reviewer_client, alice, bob):
    make_assessment(alice, patient_ref="MRN-ALICE")
    make_assessment(bob, patient_ref="MRN-BOB")
    assert listed(reviewer_client, q="MRN-ALI") == {"MRN-ALICE"}
    assert listed(reviewer_client, q="bob") == {"MRN-BOB"}


def test_the_date_hierarchy_narrows_to_a_month_of_assessment_dates(reviewer_client, alice):
    from datetime import date

    make_assessment(alice, patient_ref="MRN-OCT", assessment_date=date(2026, 10, 18))
    make_assessment(alice, patient_ref="MRN-NOV", assessment_date=date(2026, 11, 2))
    params = {"assessment_date__year": 2026, "assessment_date__month": 11}
    assert listed(reviewer_client, **params) == {"MRN-NOV"}


def test_the_list_links_each_assessment_to_its_result_page_and_pdf(reviewer_client, alice):
    final = final_assessment(alice)
    draft = make_assessment(alice)
    page = reviewer_client.get(CHANGELIST).content.decode()
    for assessment in (final, draft):
        assert f'href="{reverse("assessments:result", args=[assessment.pk])}"' in page
        assert f'href="{reverse("assessments:pdf", args=[assessment.pk])}"' in page


def test_the_list_costs_the_same_number_of_queries_for_10_or_50_rows(
    reviewer_client, alice, bob, django_assert_num_queries, monkeypatch
):
    from assessments.admin import AssessmentAdmin

    for number in range(50):
        final_assessment((alice, bob)[number % 2], patient_ref=f"MRN-{number:04d}")
    reviewer_client.get(CHANGELIST)  # warm the content-type cache
    monkeypatch.setattr(AssessmentAdmin, "list_per_page", 10)
    with CaptureQueriesContext(connection) as ten_rows:
        response = reviewer_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 10
    monkeypatch.setattr(AssessmentAdmin, "list_per_page", 50)
    with django_assert_num_queries(len(ten_rows)):
        response = reviewer_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 50


def test_a_final_assessment_is_read_only_even_for_a_superuser(superuser_client, alice):
    assessment = final_assessment(alice)
    before = Assessment.objects.get(pk=assessment.pk)
    page = superuser_client.get(change_url(assessment))
    assert page.status_code == 200
    assert b'name="patient_ref"' not in page.content  # shown, not editable
    refused = superuser_client.post(change_url(assessment), {"patient_ref": "MRN-CHANGED"})
    assert refused.status_code == 403
    assert superuser_client.get(delete_url(assessment)).status_code == 403
    assert superuser_client.post(delete_url(assessment), {"post": "yes"}).status_code == 403
    after = Assessment.objects.get(pk=assessment.pk)
    assert after.input_values() == before.input_values()
    assert after.guidance == before.guidance


def test_a_superseded_assessment_is_read_only_too(superuser_client, alice):
    assessment = final_assessment(alice)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUPERSEDED)
    assert superuser_client.post(change_url(assessment), {}).status_code == 403


def test_a_save_of_a_final_assessment_through_the_admin_code_is_refused(rf, superuser, alice):
    from django.contrib.admin.sites import site
    from django.core.exceptions import PermissionDenied

    assessment = final_assessment(alice)
    stale = Assessment.objects.get(pk=assessment.pk)
    stale.status = Assessment.Status.DRAFT  # an old draft version in hand, as a revert would
    request = rf.post("/")
    request.user = superuser
    with pytest.raises(PermissionDenied):
        site._registry[Assessment].save_model(request, stale, form=None, change=True)
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.FINAL


def test_no_bulk_delete_action_is_offered(superuser_client, alice):
    make_assessment(alice)
    actions = superuser_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert "delete_selected" not in {name for name, _ in actions}


def test_the_owner_can_correct_a_draft_in_the_admin_and_its_version_moves_on(client, alice):
    from django.forms.models import model_to_dict

    from vertebro_rules import inputs

    alice.is_staff = True  # a clinician who also reviews
    alice.save()
    client.force_login(alice)
    draft = make_assessment(alice, patient_ref="MRN-TYPO")
    data = {k: v for k, v in model_to_dict(draft).items() if k in inputs.INPUT_FIELD_NAMES}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(patient_ref="MRN-FIXED", contraindications="[]")
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(change_url(draft), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.patient_ref == "MRN-FIXED"
    assert draft.version == 2


def test_a_reviewer_sees_an_assessment_but_cannot_change_it(reviewer_client, alice):
    draft = make_assessment(alice, patient_ref="MRN-DRAFT")
    page = reviewer_client.get(change_url(draft))
    assert page.status_code == 200
    assert b'name="patient_ref"' not in page.content
    assert reviewer_client.post(change_url(draft), {"patient_ref": "X"}).status_code == 403
    assert reviewer_client.get(delete_url(draft)).status_code == 403
    draft.refresh_from_db()
    assert draft.patient_ref == "MRN-DRAFT"


def test_a_clinician_without_staff_status_is_kept_out_of_the_admin(client, alice):
    client.force_login(alice)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_csv_action_streams_the_selected_assessments(reviewer_client, alice):
    chosen = final_assessment(alice, patient_ref="MRN-CHOSEN")
    make_assessment(alice, patient_ref="MRN-OTHER")
    response = reviewer_client.post(
        CHANGELIST, {"action": "export_selected_as_csv", "_selected_action": [chosen.pk]}
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"  # a spreadsheet reads UTF-8
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert "MRN-CHOSEN" in body and "MRN-OTHER" not in body


def test_the_period_filter_finds_the_last_calendar_month(reviewer_client, alice):
    from datetime import date

    import time_machine

    make_assessment(alice, patient_ref="MRN-SEP", assessment_date=date(2026, 9, 30))
    make_assessment(alice, patient_ref="MRN-OCT", assessment_date=date(2026, 10, 18))
    make_assessment(alice, patient_ref="MRN-NOV", assessment_date=date(2026, 11, 2))
    with time_machine.travel("2026-11-25 12:00Z"):
        assert listed(reviewer_client, period="last_month") == {"MRN-OCT"}
        assert listed(reviewer_client, period="30d") == {"MRN-NOV"}
        assert listed(reviewer_client, period="12m") == {"MRN-SEP", "MRN-OCT", "MRN-NOV"}


def test_the_admin_pages_of_an_assessment_need_no_inline_style_or_script(reviewer_client, alice):
    import re

    assessment = final_assessment(alice)
    for url in (
        CHANGELIST,
        change_url(assessment),
        reverse("admin:assessments_assessment_history", args=[assessment.pk]),
    ):
        html = reviewer_client.get(url).content.decode()
        assert 'style="' not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
