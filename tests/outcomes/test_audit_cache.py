"""The audit is computed once per filter and day, then read from the cache until a record
changes: a follow-up, a procedure or an assessment recorded after the first view shows on
the next one, and "data as of" says when the figures were computed."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.services import assessment_discard
from outcomes import audit_cache
from outcomes.audit import AuditFilter
from tests.factories import make_assessment
from tests.outcomes.department import NOW, TODAY, build
from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure

URL = reverse("outcomes:dashboard")


@pytest.fixture
def department(alice, bob, carol):
    with time_machine.travel(NOW, tick=False):
        return build(alice, bob, carol)


def _queries(client, params=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    # The page without the per-response CSRF token and script nonce.
    page = re.sub(r'(value|nonce)="[A-Za-z0-9+/=_-]{20,}"', "", response.content.decode())
    return len(captured), page


def test_a_second_view_reads_the_figures_from_the_cache(client, reviewer, department):
    client.force_login(reviewer)
    with time_machine.travel(NOW, tick=False):
        computed, first = _queries(client)
        cached, second = _queries(client)
        assert cached < computed
        assert second == first
        # Another filter is computed on its own.
        other, page = _queries(client, {"treated_level": "L1"})
        assert other > cached
        assert "treated level L1" in page


def test_a_follow_up_recorded_after_a_view_shows_on_the_next(client, reviewer, alice, db):
    client.force_login(reviewer)
    case = final_assessment(alice, patient_ref="MRN-CACHE-1")
    make_procedure(case)
    with time_machine.travel("2026-12-04 12:00Z", tick=False):
        page = client.get(URL).content.decode()
        assert "Mean VAS at 1 month, every repeat procedure</th>\n          <td>—" in page
        make_follow_up(case, vas=3)
        page = client.get(URL).content.decode()
    assert "Mean VAS at 1 month, every repeat procedure</th>\n          <td>3.0" in page


def test_a_new_or_discarded_assessment_shows_on_the_next_view(client, reviewer, alice, db):
    client.force_login(reviewer)
    final_assessment(alice, patient_ref="MRN-CACHE-2")
    draft = make_assessment(alice, patient_ref="MRN-CACHE-3")
    page = client.get(URL).content.decode()
    assert "Included: 1 final assessment " in page
    assert "1 drafts, not finalized" in page
    final_assessment(alice, patient_ref="MRN-CACHE-4")
    assessment_discard(assessment=draft, user=alice)
    page = client.get(URL).content.decode()
    assert "Included: 2 final assessments " in page
    assert "1 discarded drafts" in page and "drafts, not finalized" not in page


def test_the_next_day_computes_afresh_and_says_when(client, reviewer, department):
    """Follow-ups fall due with the date: a cached audit is the day's only."""
    client.force_login(reviewer)
    with time_machine.travel(NOW, tick=False):
        assert "Data as of 25 Nov 2026, 12:00" in client.get(URL).content.decode()
    with time_machine.travel("2026-11-25 12:40Z", tick=False):
        client.force_login(reviewer)  # signed in again after the idle time-out
        # Same day, same records: the figures of noon, said to be of noon.
        assert "Data as of 25 Nov 2026, 12:00" in client.get(URL).content.decode()
    with time_machine.travel("2026-11-26 09:00Z", tick=False):
        client.force_login(reviewer)  # a new day's sign-in
        assert "Data as of 26 Nov 2026, 09:00" in client.get(URL).content.decode()


def test_the_cache_can_be_turned_off(client, reviewer, department, settings):
    settings.VERTEBRO_AUDIT_CACHE_SECONDS = 0
    client.force_login(reviewer)
    with time_machine.travel(NOW, tick=False):
        client.get(URL, {"treated_level": "T12"})  # the session's first request
        first, _ = _queries(client)
        second, _ = _queries(client)
    assert first == second == 10  # the page's 4, the audit's 5, the feedback on cards


def test_the_cached_figures_are_the_computed_ones(department):
    with time_machine.travel(NOW, tick=False):
        computed = audit_cache.audit(AuditFilter(), today=TODAY)
        cached = audit_cache.audit(AuditFilter(), today=TODAY)
    assert cached == computed
    assert cached.department.adherence.k == 5 and cached.department.adherence.n == 6
