"""Pages are sent compressed to a browser that accepts gzip, and each compressed response is
padded at random (Django's BREACH mitigation) so its length does not leak the CSRF token."""

import gzip

from django.urls import reverse


def test_a_page_is_compressed_for_a_browser_that_accepts_gzip(signed_in):
    response = signed_in.get(reverse("assessments:list"), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content).decode()
    assert "My assessments" in page
    assert len(response.content) < len(page.encode()) / 2


def test_two_compressions_of_the_same_page_differ_in_length_or_bytes(client):
    first = client.get(reverse("login"), HTTP_ACCEPT_ENCODING="gzip").content
    second = client.get(reverse("login"), HTTP_ACCEPT_ENCODING="gzip").content
    assert first != second


def test_a_page_is_plain_for_a_client_that_does_not_ask(signed_in):
    response = signed_in.get(reverse("assessments:list"))
    assert not response.has_header("Content-Encoding")
