"""The access log: views are recorded; nobody edits or deletes an entry."""

from datetime import UTC, datetime

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.security_log import client_ip
from assessments.audit.access import access_record
from assessments.models import AccessLogEntry
from assessments.services import assessment_finalize
from tests.factories import make_assessment

CHANGELIST = reverse("admin:assessments_accesslogentry_changelist")


@pytest.fixture
def final(alice):
    return assessment_finalize(assessment=make_assessment(alice), user=alice)


def entries(assessment) -> list[tuple[str, str, str | None]]:
    return [
        (entry.user.username, entry.kind, entry.ip_address)
        for entry in AccessLogEntry.objects.filter(assessment=assessment).order_by("id")
    ]


def test_a_reviewer_opening_a_result_page_is_recorded(client, reviewer, final):
    client.force_login(reviewer)
    response = client.get(reverse("assessments:result", args=[final.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert entries(final) == [("reviewer", "result", "10.1.2.3")]


@pytest.mark.parametrize(("route", "kind"), [("pdf", "pdf"), ("report_preview", "preview")])
def test_opening_the_pdf_or_its_preview_is_recorded(client, alice, final, route, kind):
    client.force_login(alice)
    response = client.get(reverse(f"assessments:{route}", args=[final.pk]))
    assert response.status_code == 200
    assert entries(final) == [("alice", kind, "127.0.0.1")]


def test_a_refused_view_of_someone_elses_assessment_records_nothing(client, bob, final):
    client.force_login(bob)
    assert client.get(reverse("assessments:result", args=[final.pk])).status_code == 404
    assert entries(final) == []


def test_opening_an_assessment_in_the_admin_is_recorded(client, reviewer, final):
    client.force_login(reviewer)
    client.get(reverse("admin:assessments_assessment_change", args=[final.pk]))
    client.get(reverse("admin:assessments_assessment_history", args=[final.pk]))
    assert entries(final) == [("reviewer", "admin", "127.0.0.1")] * 2


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert client_ip(request) == "10.0.0.1"
    with override_settings(VERTEBRO_PROXY_COUNT=1):
        assert client_ip(request) == "203.0.113.7"
    with override_settings(VERTEBRO_PROXY_COUNT=1):
        request.META["HTTP_X_FORWARDED_FOR"] = "not-an-address"
        assert client_ip(request) is None


def test_reviewers_see_the_log_in_the_admin_and_filter_it(client, reviewer, alice, final):
    request = RequestFactory().get("/")
    request.user = alice
    access_record(request=request, assessment=final, kind="pdf")
    request.user = reviewer
    access_record(request=request, assessment=final, kind="result")
    client.force_login(reviewer)
    response = client.get(CHANGELIST, {"kind": "pdf"})
    assert response.status_code == 200
    assert [entry.user for entry in response.context["cl"].result_list] == [alice]


@pytest.fixture
def entry(alice, final):
    request = RequestFactory().get("/")
    request.user = alice
    return access_record(request=request, assessment=final, kind="result")


@pytest.mark.parametrize("persona", ["reviewer", "superuser"])
def test_nobody_can_add_change_or_delete_an_entry_in_the_admin(client, entry, persona, request):
    client.force_login(request.getfixturevalue(persona))
    change = reverse("admin:assessments_accesslogentry_change", args=[entry.pk])
    delete = reverse("admin:assessments_accesslogentry_delete", args=[entry.pk])
    add = reverse("admin:assessments_accesslogentry_add")
    assert client.get(change).status_code == 200  # read-only view
    assert client.post(change, {"kind": "pdf", "ip_address": "1.1.1.1"}).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(add).status_code == 403
    actions = client.get(CHANGELIST).context["action_form"]
    assert actions is None or "delete_selected" not in dict(actions.fields["action"].choices)
    assert AccessLogEntry.objects.filter(pk=entry.pk, kind="result").exists()


def test_a_saved_entry_refuses_to_change_or_be_deleted(entry):
    entry.kind = "pdf"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).kind == "result"


def test_reviewers_search_the_log_by_patient_reference_user_or_address(client, reviewer, entry):
    client.force_login(reviewer)
    for query in ("MRN-0001", "alice", "127.0.0"):
        response = client.get(CHANGELIST, {"q": query})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [entry], query
    assert list(client.get(CHANGELIST, {"q": "nobody"}).context["cl"].result_list) == []


def test_an_entry_names_its_local_time_as_the_pages_do(reviewer, final):
    summer_afternoon = datetime(2026, 6, 30, 13, 5, tzinfo=UTC)  # 14:05 in London
    entry = AccessLogEntry.objects.create(
        assessment=final, user=reviewer, kind="pdf", accessed_at=summer_afternoon
    )
    assert str(entry) == "reviewer — PDF — 30 Jun 2026, 14:05"
