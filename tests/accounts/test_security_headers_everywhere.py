"""Every answer of the URLconf carries the same security headers, the error pages included:
the 400 "Request refused" page (a NUL in the query string, a body too large, a bad
Content-Length), the 404 page, the 403 and CSRF pages. They were missing CSP and
X-Frame-Options on the 400 page, which a middleware returns before the others run."""

import pytest
from django.urls import reverse

from assessments.services import assessment_finalize
from tests.factories import make_assessment
from tests.url_walk import concrete_urls

HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _missing(response) -> list[str]:
    return [name for name, words in HEADERS.items() if words not in response.get(name, "")]


@pytest.fixture
def urls(alice):
    draft = make_assessment(alice, patient_ref="MRN-DRAFT")
    final = assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-FINAL"), user=alice
    )
    found = concrete_urls(
        {
            "assessment_id": draft.pk,
            "object_id": final.pk,
            "step": 1,
            "app_label": "assessments",
            "url": "no-such-page/",
        }
    )
    return [*found, reverse("assessments:result", args=[final.pk]), "/no-such-page/"]


@pytest.mark.parametrize("persona", ["anonymous", "alice", "reviewer"])
def test_every_page_of_the_urlconf_carries_the_security_headers(client, request, urls, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    missing = []
    for url in urls:
        response = client.get(url)
        if _missing(response):
            missing.append((url, response.status_code, _missing(response)))
    assert missing == []


REFUSALS = {
    "NUL in the query string": ("get", "/?q=%00", {}),
    "unknown page": ("get", "/no-such-page/", {}),
    "body too large": ("post", "/accounts/login/", {"CONTENT_LENGTH": str(10**7)}),
    "Content-Length not a number": ("post", "/accounts/login/", {"CONTENT_LENGTH": "x"}),
    "NUL in the path": ("get", "/assessments/%00/", {}),
    "an id that is no UUID": ("get", "/assessments/not-a-uuid/step/1/", {}),
}


@pytest.mark.parametrize(("method", "url", "meta"), REFUSALS.values(), ids=REFUSALS.keys())
def test_refusals_carry_the_security_headers(client, alice, method, url, meta):
    client.force_login(alice)
    response = getattr(client, method)(url, **meta)
    assert response.status_code in (400, 404), response.status_code
    assert _missing(response) == []


def test_the_csrf_and_403_pages_carry_the_security_headers(alice, reviewer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    refused = strict.post(reverse("assessments:new"), {"patient_ref": "X"})
    assert refused.status_code == 403
    assert _missing(refused) == []
    forbidden = Client()
    forbidden.force_login(reviewer)
    response = forbidden.get(reverse("assessments:new"))
    assert response.status_code == 403
    assert _missing(response) == []
