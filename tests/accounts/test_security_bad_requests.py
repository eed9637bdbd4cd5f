"""Malformed requests get a 4xx answer, never a server error, on SQLite and PostgreSQL:
NUL bytes, ids that are not ids, numbers past any calendar, lookups no filter offers, and
bodies (file parts included) over the size limit."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import assessment_finalize
from tests.factories import make_assessment
from tests.step_posts import step_post

# Each of these answered 500 on one database or both.
BAD_URLS = [
    ("alice", "/?q=%00"),
    ("alice", "/?q=MRN%00-1&page=1"),
    ("reviewer", "/admin/assessments/assessment/?status__exact=%00"),
    ("reviewer", "/admin/assessments/accesslogentry/?ip_address=abc"),
    ("reviewer", "/admin/assessments/assessment/not-a-uuid/history/"),
    ("reviewer", "/admin/assessments/assessment/{final}/history/abc/"),
    ("reviewer", "/admin/r/1/1/"),
    ("reviewer", "/admin/assessments/assessment/?assessment_date__year=99999999999999999999"),
    ("reviewer", "/admin/assessments/accesslogentry/?accessed_at__year=99999999999999999999"),
    ("superuser", "/admin/axes/accessattempt/?attempt_time__year=99999999999999999999"),
    ("superuser", "/admin/axes/accessattempt/?ip_address=abc"),
]


@pytest.mark.parametrize(("persona", "url"), BAD_URLS)
def test_a_malformed_url_gets_no_server_error(client, request, alice, persona, url):
    final = assessment_finalize(assessment=make_assessment(alice), user=alice)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url.format(final=final.pk))
    assert response.status_code < 500, response.status_code


def test_a_nul_byte_in_a_query_gets_the_400_page(client, alice):
    client.force_login(alice)
    response = client.get("/?q=%00")
    assert response.status_code == 400
    assert "This request could not be accepted" in response.content.decode()


def test_a_lookup_that_no_admin_filter_offers_is_refused(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/admin/assessments/assessment/?patient_ref__startswith=MRN")
    assert response.status_code == 400


def test_the_admin_filters_still_work(client, reviewer, alice):
    make_assessment(alice, patient_ref="MRN-DRAFT")
    client.force_login(reviewer)
    for query in (
        "status__exact=draft",
        "period=30d",
        f"owner__id__exact={alice.pk}",
        "assessment_date__year=2026&assessment_date__month=10",
        "q=MRN",
    ):
        response = client.get(f"/admin/assessments/assessment/?{query}")
        assert response.status_code == 200, query
    response = client.get("/admin/assessments/accesslogentry/?kind__exact=pdf")
    assert response.status_code == 200


def _csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


@pytest.mark.django_db
def test_an_anonymous_multipart_upload_over_the_limit_is_refused_before_it_is_read():
    client, token = _csrf_client()
    upload = SimpleUploadedFile("big.bin", b"x" * (2 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    response = client.post(
        reverse("login"),
        {"csrfmiddlewaretoken": token, "username": "u", "password": "p", "file": upload},
    )
    assert response.status_code == 400
    assert "This request could not be accepted" in response.content.decode()


def test_a_signed_in_multipart_post_with_a_large_file_part_saves_nothing(client, alice):
    draft = make_assessment(alice)
    before = Assessment.objects.filter(pk=draft.pk).values().get()
    client.force_login(alice)
    upload = SimpleUploadedFile("big.bin", b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    response = client.post(
        reverse("assessments:step", args=[draft.pk, 4]),
        {
            **step_post(4, version=draft.version, neuro_exam="chronic_stable_deficit"),
            "file": upload,
        },
    )
    assert response.status_code == 400
    assert Assessment.objects.filter(pk=draft.pk).values().get() == before


def test_the_same_step_post_without_the_file_part_is_saved(client, alice):
    draft = make_assessment(alice)
    client.force_login(alice)
    response = client.post(
        reverse("assessments:step", args=[draft.pk, 4]),
        step_post(4, version=draft.version, neuro_exam="chronic_stable_deficit"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.neuro_exam == "chronic_stable_deficit"


def test_a_small_multipart_post_still_works(client, db):
    response = client.post(reverse("login"), {"username": "u", "password": "p"})
    assert response.status_code == 200  # the sign-in form again, with its error
