"""An assessment's audit history (`Assessment.history`, simple-history) reads as before with its
manager class built once: every save keeps a row, each instance's history is its own."""

from assessments.models import Assessment
from tests.factories import make_assessment


def test_each_assessment_s_history_lists_its_own_saves_with_one_manager_class(alice):
    first = make_assessment(alice, patient_ref="FIRST")
    second = make_assessment(alice, patient_ref="SECOND")
    first.vas_current = 5
    first.save()
    assert first.history.count() == 2
    assert second.history.count() == 1
    assert [row.vas_current for row in first.history.order_by("history_date")][-1] == 5
    assert Assessment.history.filter(patient_ref="SECOND").count() == 1
    # The same manager class for every read (simple-history alone builds a new one each time).
    assert type(first.history) is type(second.history) is type(Assessment.history)
    assert first.history.instance is first and second.history.instance is second
