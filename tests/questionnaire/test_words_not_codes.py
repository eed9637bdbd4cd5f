"""A clinician reads words, not codes: the review, the result, the PDF, the guidance so far of
a step and the outcomes page show no rule, next-step, note or warning code ("R12", "S22",
"N9", "P1") beside the sentences. The codes stay where a reviewer uses them (the admin) and in
the pages' markup (`data-code`, the warnings' anchors)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import finalize_acknowledging_warnings, make_assessment
from tests.pdf_helpers import LONG_CASE, document_text
from tests.step_posts import relative_inputs

# A rule (R), next step (S), note (N) or warning (P) code as a word of its own.
CODE = re.compile(r"\b[RSNP]\d{1,2}\b")


class _VisibleText(HTMLParser):
    """The text a reader sees: no markup, no attribute values, no script or style."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture(autouse=True)
def rules_2026_3(settings):
    settings.VERTEBRO_RULES_VERSION = "2026.3"


def _final(alice, **answers):
    return finalize_acknowledging_warnings(
        make_assessment(alice, **relative_inputs(**answers)), alice
    )


# Repeat indicated with notes; an infection to exclude (next steps); the no-MRI draft that
# asks for the work-up (a warning and next steps).
CASES = {
    "repeat with notes": LONG_CASE,
    "infection": {"infection_signs": True},
    "treated level relieved, no MRI": {
        "initial_response": "ongoing_relief",
        "mri_performed": False,
        "active_fracture_location": None,
        "marrow_edema": None,
        "cleft_sign": None,
        "fluid_at_cement_interface": None,
    },
}


@pytest.mark.parametrize("answers", CASES.values(), ids=list(CASES))
def test_review_result_pdf_and_step_show_no_codes(signed_in, alice, answers):
    draft = make_assessment(alice, **relative_inputs(**answers))
    guidance = draft.evaluate()
    assert guidance.reasons and (guidance.notes or guidance.next_steps)
    pages = {
        "review": reverse("assessments:review", args=[draft.pk]),
        "step 4 (guidance so far)": reverse("assessments:step", args=[draft.pk, 4]),
    }
    shown = {name: signed_in.get(url).content.decode() for name, url in pages.items()}
    final = _final(alice, **answers)
    shown["result"] = signed_in.get(reverse("assessments:result", args=[final.pk])).content
    shown["result"] = shown["result"].decode()
    shown["outcomes"] = signed_in.get(reverse("outcomes:detail", args=[final.pk])).content.decode()
    for name, html in shown.items():
        assert CODE.findall(visible_text(html)) == [], name
    # The sentences are there, the codes only in the markup.
    assert guidance.reasons[0].text.split(":")[0][:40] in visible_text(shown["review"])
    assert f'data-code="{guidance.reasons[0].rule}"' in shown["review"]
    pdf = signed_in.get(reverse("assessments:pdf", args=[final.pk])).content
    assert CODE.findall(document_text(pdf)) == []


def test_the_warnings_keep_their_anchor_but_not_their_code(signed_in, alice):
    draft = make_assessment(alice, **relative_inputs(**CASES["treated level relieved, no MRI"]))
    warning = draft.evaluate().warnings[0]
    html = signed_in.get(reverse("assessments:review", args=[draft.pk])).content.decode()
    assert f'id="warning-{warning.id}"' in html
    assert warning.id not in visible_text(html)


def test_the_admin_keeps_the_codes_for_reviewers(client, alice, reviewer):
    final = _final(alice, **LONG_CASE)
    client.force_login(reviewer)
    page = client.get(reverse("admin:assessments_assessment_change", args=[final.pk]))
    assert final.deciding_rule in visible_text(page.content.decode())
