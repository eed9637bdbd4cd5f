"""Every HTML page of the URLconf — the clinicians' pages and the admin alike — writes dates for
people as "25 Nov 2026": no ISO date and no month spelt out in what a reader sees. Machine
formats stay in attributes (`<time datetime>`, date inputs' values) and in the downloads."""

import re

import pytest
from django.urls import reverse

from assessments.models import AccessLogEntry
from assessments.services import assessment_finalize
from interop.models import CdsCall
from outcomes.models import FollowUp
from tests.factories import RECURRENCE, make_assessment
from tests.outcomes.factories import FOLLOW_UP, make_procedure
from tests.url_walk import concrete_urls

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FULL_MONTH = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December)\b"
)


def visible_text(page: str) -> str:
    """What a reader sees: the page without scripts, styles, tags and their attributes."""
    page = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.fixture
def urls(alice):
    draft = make_assessment(alice, patient_ref="MRN-DRAFT", **RECURRENCE)
    final = assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-FINAL"), user=alice
    )
    make_procedure(final)
    FollowUp.objects.create(assessment=final, interval="1m", recorded_by=alice, **FOLLOW_UP)
    history_id = final.history.latest().history_id
    entry = AccessLogEntry.objects.create(assessment=final, user=alice, kind="pdf")
    call = CdsCall.objects.create(service="vertebro", hook="order-sign", status=200)
    found = concrete_urls(
        {"assessment_id": draft.pk, "object_id": final.pk, "step": 2, "app_label": "assessments"}
    )
    found += [
        reverse("assessments:result", args=[final.pk]),
        reverse("assessments:review", args=[draft.pk]),
        reverse("outcomes:detail", args=[final.pk]),
        reverse("admin:assessments_assessment_simple_history", args=[final.pk, history_id]),
        reverse("admin:assessments_accesslogentry_change", args=[entry.pk]),
        reverse("admin:interop_cdscall_change", args=[call.pk]),
    ]
    return found


@pytest.mark.parametrize("persona", ["alice", "superuser"])
def test_no_page_shows_an_iso_date_or_a_month_spelt_out(client, request, urls, persona):
    client.force_login(request.getfixturevalue(persona))
    shown = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        text = visible_text(response.content.decode())
        found = ISO_DATE.findall(text) + FULL_MONTH.findall(text)
        if found:
            shown[url] = found
    assert shown == {}
