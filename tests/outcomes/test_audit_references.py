"""The audit cites the evidence list by its own numbers (docs/specification.md §7), and the
reference list under it, on the page and in the PDF, carries exactly those numbers."""

import re

import pytest
from django.urls import reverse

from tests.outcomes.audit_data import build
from tests.pdf_helpers import document_text


@pytest.fixture
def department(alice, bob):
    return build(alice, bob)


def _cited(text: str) -> set[int]:
    return {
        int(number)
        for refs in re.findall(r"refs?\. ([\d, ]+)", text)
        for number in re.findall(r"\d+", refs)
    }


def test_the_pdf_numbers_each_reference_as_the_text_cites_it(client, reviewer, department):
    client.force_login(reviewer)
    text = document_text(client.get(reverse("outcomes:dashboard_pdf")).content)
    references = text[text.index("References") :]
    cited = _cited(text[: text.index("References")])
    assert {4, 6} <= cited
    for number in cited:
        assert re.search(rf"(^|\s){number}\. ", references), number
    # The practice parameter is ref. 4 and the 1-year fracture-free rate ref. 6, as in §7.
    assert "4. Practice parameter for vertebral augmentation" in references
    assert "6. Risk factors for new fractures after vertebroplasty" in references
    listed = {int(n) for n in re.findall(r"(?:^|\s)(\d)\. [A-Z]", references)}
    assert listed == cited


def test_the_page_lists_the_cited_references_with_their_numbers(client, reviewer, department):
    client.force_login(reviewer)
    page = client.get(reverse("outcomes:dashboard")).content.decode()
    assert '<li id="ref-4"><span class="reference-number">4.</span> Practice parameter' in page
    assert '<li id="ref-6"><span class="reference-number">6.</span> Risk factors' in page
