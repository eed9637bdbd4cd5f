"""A figure that rests on a reference whose source is not yet confirmed carries that mark
wherever it is printed (result page, PDF, chart note), not only in the reference list; the
chart note's short citations never drop it; a text that cites nothing prints no empty
brackets, and a guidance that cites nothing prints no empty References heading."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from assessments.reports import pdf
from assessments.reports.display import Cited, Reference
from tests.factories import finalize_acknowledging_warnings, make_assessment
from tests.pdf_helpers import document_text
from tests.step_posts import relative_inputs
from vertebro_rules import versions

REFERENCES = versions.get("2026.3").references.REFERENCES


@pytest.fixture(autouse=True)
def rules_2026_3(settings):
    settings.VERTEBRO_RULES_VERSION = "2026.3"


def _final(alice, **answers):
    return finalize_acknowledging_warnings(
        make_assessment(alice, **relative_inputs(**answers)), alice
    )


def _page(client, assessment) -> str:
    return client.get(reverse("assessments:result", args=[assessment.pk])).content.decode()


def _note(page: str) -> str:
    return html_lib.unescape(re.search(r'id="chart-note"[^>]*>(.*?)</textarea>', page, re.S)[1])


@pytest.mark.parametrize(
    ("number", "mark"),
    [
        (1, "source not yet confirmed"),
        (2, "authors and journal not yet confirmed"),
        (3, "authors and year not yet confirmed"),
        (4, "source not yet confirmed"),
        (5, "journal not yet confirmed"),
        (6, "source not yet confirmed"),
        (7, "source not yet confirmed"),
        (8, ""),  # Ehteshami Rad and Kallmes, AJNR 2008: confirmed
    ],
)
def test_each_reference_says_whether_its_source_is_confirmed(number, mark):
    assert Reference(number, REFERENCES[number]).unconfirmed == mark


def test_a_citation_names_the_unconfirmed_source_beside_the_figure():
    cited = Cited("R10", "…", (1, 3), ("ref 1: source not yet confirmed",))
    assert cited.citation == "[refs 1, 3; ref 1: source not yet confirmed]"
    assert Cited("R21", "…", (8,)).citation == "[ref 8]"
    assert Cited("R1", "…", ()).citation == ""


def test_the_result_page_marks_each_figure_of_an_unconfirmed_source(client, alice):
    final = _final(alice)  # day 17, no relief, edema, inadequate fill: R10 (refs 1, 3)
    reason = final.guidance["reasons"][0]
    assert reason["rule"] == "R10" and 1 in reason["refs"]
    client.force_login(alice)
    page = html_lib.unescape(_page(client, final))
    item = page[page.index(reason["text"]) :]
    item = item[: item.index("</li>")]
    assert "ref 1: source not yet confirmed" in item


def test_the_pdf_marks_each_figure_of_an_unconfirmed_source(alice):
    final = _final(alice)
    text = document_text(pdf.assessment_pdf(final))
    assert "ref 1: source not yet confirmed]" in text


def test_the_chart_note_keeps_the_mark_in_its_citations_and_beside_the_figures(client, alice):
    final = _final(alice)
    client.force_login(alice)
    note = _note(_page(client, final))
    assert (
        "[1] Repeat vertebroplasty for unrelieved pain at previously treated levels. "
        "Source not yet confirmed." in note
    )
    reason = final.guidance["reasons"][0]
    assert f"Reason: {reason['text']} [ref 1: source not yet confirmed" in note
    for number in final.guidance["references"]:
        line = next(line for line in note.splitlines() if line.startswith(f"[{number['id']}] "))
        mark = Reference(number["id"], number["text"]).unconfirmed
        if mark:
            assert line.endswith(mark[0].upper() + mark[1:] + "."), line


def test_a_guidance_citing_nothing_prints_no_empty_brackets_or_references_heading(client, alice):
    final = _final(alice, neuro_exam="new_deficit")  # R1: urgent referral, no reference
    assert final.guidance["recommendation"] == "urgent_referral"
    assert final.guidance["references"] == []
    client.force_login(alice)
    page = _page(client, final)
    assert "[refs ]" not in page and "[ref ]" not in page
    assert 'id="references-title"' not in page
    text = document_text(pdf.assessment_pdf(final))
    assert "[]" not in text
    assert "References" not in text
