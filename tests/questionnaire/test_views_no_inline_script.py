"""Pages work under a CSP without 'unsafe-inline': no inline script, style or handler."""

import re

import pytest
from django.urls import reverse

from assessments import services
from tests.factories import make_assessment
from tests.step_posts import relative_inputs

INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script without src
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),  # onclick=, onchange=, …
    re.compile(r"https?://(?!testserver)", re.I),  # nothing fetched from elsewhere (no CDN)
]


def _pages(alice):
    draft = make_assessment(alice, **relative_inputs())
    final = services.assessment_finalize(
        assessment=make_assessment(alice, **relative_inputs(patient_ref="FINAL")), user=alice
    )
    return [
        reverse("assessments:list"),
        reverse("assessments:new"),
        *(reverse("assessments:step", args=[draft.pk, step]) for step in (1, 2, 3, 4)),
        reverse("assessments:review", args=[draft.pk]),
        reverse("assessments:result", args=[draft.pk]),
        reverse("assessments:finalize", args=[draft.pk]),
        reverse("assessments:result", args=[final.pk]),
    ]


def test_no_page_has_inline_script_or_style(client, alice):
    client.force_login(alice)
    for url in _pages(alice):
        page = client.get(url).content.decode()
        for pattern in INLINE:
            assert not pattern.search(page), f"{url}: {pattern.pattern}"


def test_a_refused_step_has_no_inline_script_or_style_either(client, alice):
    client.force_login(alice)
    page = client.post(reverse("assessments:new"), {"patient_age": "x"}).content.decode()
    for pattern in INLINE:
        assert not pattern.search(page), pattern.pattern


@pytest.mark.django_db
def test_the_sign_in_page_has_no_inline_script_or_style(client):
    page = client.get(reverse("login")).content.decode()
    for pattern in INLINE:
        assert not pattern.search(page), pattern.pattern


def test_bootstrap_is_served_from_this_server(client, alice):
    client.force_login(alice)
    page = client.get(reverse("assessments:list")).content.decode()
    assert '<link rel="stylesheet" href="/static/bootstrap/css/bootstrap.min.css">' in page
