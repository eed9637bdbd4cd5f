"""vertebro_lib.prepared: a read whose SQL is written once gives what its QuerySet gives, in the
same one query, for any value bound to it."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import Assessment
from tests.factories import make_assessment
from vertebro_lib.prepared import PreparedRead

PLACEHOLDER = uuid.UUID("00000000-0000-4000-8000-0000000000aa")


def _by_id_with_people() -> PreparedRead[Assessment]:
    return PreparedRead(
        lambda assessment_id: Assessment.objects.select_related("owner", "finalized_by").filter(
            pk=assessment_id
        ),
        placeholders=[PLACEHOLDER],
        fields=[Assessment._meta.pk],
    )


def _fields(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in type(instance)._meta.fields
    }


def test_it_reads_the_rows_and_related_objects_the_queryset_reads(alice, bob):
    draft = make_assessment(alice, patient_ref="DRAFT")
    final = services.assessment_finalize(
        assessment=make_assessment(bob, patient_ref="FINAL"), user=bob
    )
    read = _by_id_with_people()
    for assessment in (draft, final, draft):  # the second run of the same SQL too
        expected = Assessment.objects.select_related("owner", "finalized_by").get(pk=assessment.pk)
        with CaptureQueriesContext(connection) as queries:
            (found,) = read(assessment.pk)
            owner, finalized_by = found.owner, found.finalized_by  # no query: joined
        assert len(queries) == 1
        assert _fields(found) == _fields(expected)
        assert type(found.guidance) is type(expected.guidance)  # converted as the ORM does
        assert _fields(owner) == _fields(expected.owner)
        assert (finalized_by and _fields(finalized_by)) == (
            expected.finalized_by and _fields(expected.finalized_by)
        )
        assert not found._state.adding and found._state.db == "default"


def test_it_reads_nothing_for_an_id_that_is_not_there_and_refuses_one_that_is_no_id(alice):
    make_assessment(alice)
    read = _by_id_with_people()
    assert read(uuid.uuid4()) == []
    assert read(str(uuid.uuid4())) == []
    with pytest.raises(Exception, match="UUID"):
        read("not-an-id")


def test_a_placeholder_that_is_not_one_parameter_of_the_query_is_refused(alice):
    make_assessment(alice)
    twice = PreparedRead(
        lambda value: Assessment.objects.filter(pk=value) | Assessment.objects.filter(amends=value),
        placeholders=[PLACEHOLDER],
        fields=[Assessment._meta.pk],
    )
    with pytest.raises(ValueError, match="not one parameter"):
        twice(uuid.uuid4())
    with pytest.raises(ValueError, match="One field for each placeholder"):
        PreparedRead(lambda value: Assessment.objects.all(), placeholders=[PLACEHOLDER], fields=[])


# --- PreparedInsert and InsertedPrepared ------------------------------------------------------


def _columns(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
    }


def test_an_access_log_row_is_inserted_in_one_query_as_the_orm_would(alice):
    from assessments.models import AccessLogEntry

    assessment = make_assessment(alice)
    with CaptureQueriesContext(connection) as captured:
        first = AccessLogEntry.objects.create(
            user=alice, assessment=assessment, kind="result", ip_address="192.0.2.7"
        )
        second = AccessLogEntry.objects.create(user=None, assessment=assessment, kind="pdf")
    assert len(captured) == 2 and all("INSERT" in q["sql"] for q in captured.captured_queries)
    assert first.pk and second.pk and second.pk != first.pk
    assert not first._state.adding
    for made in (first, second):
        assert _columns(AccessLogEntry.objects.get(pk=made.pk)) == _columns(made)


def test_a_saved_access_log_row_is_still_never_changed(alice):
    from assessments.models import AccessLogEntry

    entry = AccessLogEntry.objects.create(user=alice, assessment=make_assessment(alice), kind="pdf")
    entry.kind = "result"
    with pytest.raises(PermissionError):
        entry.save()
    assert AccessLogEntry.objects.count() == 1
    assert AccessLogEntry.objects.get().kind == "pdf"


def test_each_save_of_an_assessment_keeps_its_history_row_whole(alice):
    draft = make_assessment(alice, patient_ref="MRN-HIST", vas_current=8)
    draft.vas_current = 6
    draft._history_user = alice
    draft.save()
    rows = list(draft.history.order_by("history_id"))
    assert [row.vas_current for row in rows] == [8, 6]
    assert rows[-1].history_user == alice and rows[-1].history_type == "~"
    assert rows[-1].patient_ref == "MRN-HIST" and rows[-1].id == draft.pk
    assert rows[-1].history_id > rows[0].history_id
