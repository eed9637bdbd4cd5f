"""My assessments: own only, most recent first, search, pages, recommendation badges."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Assessment
from tests.factories import make_assessment


def _touch(assessment, minutes_ago):
    Assessment.objects.filter(pk=assessment.pk).update(
        updated=timezone.now() - timedelta(minutes=minutes_ago)
    )


def test_the_most_recently_changed_comes_first(signed_in, alice):
    older = make_assessment(alice, patient_ref="OLDER")
    newer = make_assessment(alice, patient_ref="NEWER")
    _touch(older, 60)
    _touch(newer, 5)
    rows = signed_in.get(reverse("assessments:list")).context["rows"]
    assert [row.assessment.patient_ref for row in rows] == ["NEWER", "OLDER"]


def test_search_by_patient_reference(signed_in, alice):
    make_assessment(alice, patient_ref="MRN-123")
    make_assessment(alice, patient_ref="MRN-999")
    response = signed_in.get(reverse("assessments:list"), {"q": "123"})
    assert [row.assessment.patient_ref for row in response.context["rows"]] == ["MRN-123"]


def test_a_search_that_finds_nothing_says_so(signed_in, alice):
    make_assessment(alice)
    page = signed_in.get(reverse("assessments:list"), {"q": "nobody"}).content.decode()
    assert "No assessment with a patient reference containing" in page


def test_the_list_is_paginated(signed_in, alice):
    for number in range(25):
        make_assessment(alice, patient_ref=f"P-{number:02}")
    first = signed_in.get(reverse("assessments:list"))
    second = signed_in.get(reverse("assessments:list"), {"page": 2})
    assert len(first.context["rows"]) == 20
    assert len(second.context["rows"]) == 5
    assert "Page 1 of 2" in first.content.decode()


def test_a_page_number_that_is_not_a_number_shows_the_first_page(signed_in, alice):
    make_assessment(alice)
    assert signed_in.get(reverse("assessments:list"), {"page": "x"}).status_code == 200


def test_a_final_assessment_shows_its_recommendation_as_a_coloured_badge(signed_in, alice):
    services.assessment_finalize(assessment=make_assessment(alice), user=alice)
    make_assessment(alice, patient_ref="DRAFT-1")
    page = signed_in.get(reverse("assessments:list")).content.decode()
    assert "text-bg-success badge-recommendation" in page
    assert "Repeat vertebroplasty indicated" in page
    assert "Ready to finalize" in page  # the draft has no recommendation yet


def test_the_page_offers_a_new_assessment(signed_in):
    page = signed_in.get(reverse("assessments:list")).content.decode()
    assert f'href="{reverse("assessments:new")}"' in page


def test_each_line_of_an_amendment_chain_links_its_neighbours(signed_in, alice):
    original = services.assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-CHAIN", contraindications=[]),
        user=alice,
    )
    first = services.assessment_finalize(
        assessment=services.assessment_amend(assessment=original, user=alice, reason="level"),
        user=alice,
    )
    second = services.assessment_amend(assessment=first, user=alice, reason="date")
    make_assessment(alice, patient_ref="MRN-ALONE")
    rows = {
        row.assessment.pk: row for row in signed_in.get(reverse("assessments:list")).context["rows"]
    }
    page = signed_in.get(reverse("assessments:list")).content.decode()
    finalized = f"{timezone.localtime(original.finalized_at):%-d %b %Y}"

    def link(assessment):
        return f'href="{reverse("assessments:open", args=[assessment.pk])}">MRN-CHAIN'

    assert (rows[original.pk].amends, rows[original.pk].amendment) == (None, first)
    assert (rows[first.pk].amends, rows[first.pk].amendment) == (original, second)
    assert (rows[second.pk].amends, rows[second.pk].amendment) == (first, None)
    assert f"superseded by <a {link(first)}, finalized {finalized}</a>" in page
    assert f"amendment in progress: <a {link(second)}</a>" in page
    assert f"amends <a {link(original)}, finalized {finalized}</a>" in page
    assert f"amends <a {link(first)}, finalized {finalized}</a>" in page
    assert page.count("superseded by") == 1
    assert page.count("amendment in progress") == 1


def test_the_last_change_is_a_machine_date_without_microseconds(signed_in, alice):
    """`<time datetime>` takes at most three decimals of a second (the W3C checker refuses
    Python's six): whole seconds and the UTC offset."""
    import re

    from tests.factories import make_assessment as make

    make(alice)
    page = signed_in.get(reverse("assessments:list")).content.decode()
    stamps = re.findall(r'<time datetime="([^"]+)"', page)
    assert stamps
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", stamp), stamp


def test_each_line_links_its_own_assessment_its_pdf_and_its_discard(signed_in, alice):
    """Every line's three links carry that line's id (the list builds them from one reverse)."""
    draft = make_assessment(alice, patient_ref="MRN-DRAFT")
    final = make_assessment(alice, patient_ref="MRN-FINAL")
    services.assessment_finalize(assessment=final, user=alice)
    page = signed_in.get(reverse("assessments:list")).content.decode()
    for assessment in (draft, final):
        assert f'href="{reverse("assessments:open", args=[assessment.pk])}"' in page
        assert f'href="{reverse("assessments:pdf", args=[assessment.pk])}"' in page
    # A draft can be discarded from its line; a final assessment cannot.
    assert f'href="{reverse("assessments:discard", args=[draft.pk])}"' in page
    assert reverse("assessments:discard", args=[final.pk]) not in page
    assert "00000000-0000-0000-0000-000000000000" not in page
