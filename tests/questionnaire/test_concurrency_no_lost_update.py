"""Two tabs saving the same draft at once, and finalize clicked twice at once, on PostgreSQL.

Each thread has its own database connection (Django's connections are per thread) and
its own signed-in browser session; a barrier releases both requests together. SQLite
serialises writers, so these races cannot happen there; the sequential refusal of a
stale save is covered by tests/questionnaire/test_views_stale_version.py on both databases.
"""

import threading
from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import make_assessment
from tests.step_posts import step_post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers: SQLite serialises them (runs on PostgreSQL)",
    ),
]
ROUNDS = 8


def _at_once(*requests):
    """Run each callable in its own thread with its own connection, released together."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(index, request):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            results[index] = request()
        except Exception as error:  # reported by the assertion below, not lost in the thread
            results[index] = error
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for result in results:
        assert not isinstance(result, Exception), result
    return results


def _step_2_post(version: int, vas_current: int) -> dict:
    return step_post(2, version=version, vas_current=vas_current)


def _tab(user) -> Client:
    tab = Client()
    tab.force_login(user)
    return tab


def test_two_tabs_saving_at_once_one_wins_the_other_is_refused_nothing_overwritten(alice):
    draft = make_assessment(alice)
    url = reverse("assessments:step", args=[draft.pk, 2])
    first_tab, second_tab = _tab(alice), _tab(alice)
    for _ in range(ROUNDS):
        version = Assessment.objects.get(pk=draft.pk).version
        responses = _at_once(
            partial(first_tab.post, url, _step_2_post(version, 3)),
            partial(second_tab.post, url, _step_2_post(version, 9)),
        )
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [302, 409], statuses
        winner = 3 if responses[0].status_code == 302 else 9
        saved = Assessment.objects.get(pk=draft.pk)
        assert saved.version == version + 1
        assert saved.vas_current == winner  # the refused save overwrote nothing
        refused = next(r for r in responses if r.status_code == 409)
        assert "changed elsewhere" in refused.content.decode()


def test_two_saves_at_once_through_the_service_never_both_succeed(alice):
    from assessments import services

    draft = make_assessment(alice)
    for _ in range(ROUNDS):
        version = Assessment.objects.get(pk=draft.pk).version

        def save(vas_current, expected_version):
            copy = Assessment.objects.get(pk=draft.pk)
            copy.vas_current = vas_current
            try:
                services.assessment_save_step(
                    assessment=copy, fields=("vas_current",), expected_version=expected_version
                )
            except services.StaleAssessment:
                return "stale"
            return "saved"

        outcomes = _at_once(partial(save, 2, version), partial(save, 7, version))
        assert sorted(outcomes) == ["saved", "stale"]
        saved = Assessment.objects.get(pk=draft.pk)
        assert saved.version == version + 1
        assert saved.vas_current == (2 if outcomes[0] == "saved" else 7)


def test_finalize_clicked_twice_at_once_finalizes_once(alice):
    for _ in range(ROUNDS):
        draft = make_assessment(alice)
        url = reverse("assessments:finalize", args=[draft.pk])
        first_tab, second_tab = _tab(alice), _tab(alice)
        responses = _at_once(partial(first_tab.post, url), partial(second_tab.post, url))
        assert [r.status_code for r in responses] == [302, 302]
        final = Assessment.objects.get(pk=draft.pk)
        assert final.status == Assessment.Status.FINAL
        assert final.version == draft.version + 1  # one finalization, not two
        assert final.history.filter(status=Assessment.Status.FINAL).count() == 1
