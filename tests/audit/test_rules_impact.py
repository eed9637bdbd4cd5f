"""The impact report of the current rules version (docs/specification.md §9): `rules_impact`
and the reviewers' page list the finalized assessments whose outcome differs, and those whose
inputs the current rules refuse, apart; they write nothing."""

import csv
import io
import random
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.audit.impact import Outcome
from assessments.models import Assessment
from assessments.services import assessment_finalize
from tests.factories import make_assessment
from vertebro_rules import versions
from vertebro_rules.dates import in_words

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from cases import random_case, random_case_2026_3

# Tests of rules 2026.2 behaviour through the web (2026.3 changes it on purpose).
pytestmark = pytest.mark.usefixtures("rules_2026_2")


def guidance_2026_1(recommendation: str, rule: str, notes: list[str], missing=()) -> dict:
    """The guidance JSON as rules 2026.1 froze it (no `references` key)."""
    return {
        "rules_version": "2026.1",
        "scenario": "immediate_failure",
        "recommendation": recommendation,
        "headline": "Repeat vertebroplasty is indicated at L1.",
        "reasons": [{"rule": rule, "text": "Frozen reason.", "refs": [1, 3]}],
        "missing": list(missing),
        "notes": [{"id": note, "text": f"Frozen {note}.", "refs": [4]} for note in notes],
        "days_since_index": 17,
        "days_since_recurrence": None,
        "disclaimer": "Decision support for clinicians; it does not replace clinical judgement.",
    }


def finalized_under_2026_1(owner, guidance: dict, **inputs) -> Assessment:
    """An assessment finalized under 2026.1: its answers and the guidance frozen then."""
    assessment = make_assessment(owner, **inputs)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.FINAL,
        guidance=guidance,
        rules_version="2026.1",
        recommendation=guidance["recommendation"],
        deciding_rule=guidance["reasons"][0]["rule"],
        finalized_at=assessment.created,
        finalized_by=owner,
    )
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def department(alice, bob):
    """Past work of a department: what 2026.2 changes, refuses, leaves alone, and ignores."""
    # VAS 1 with a cleft: 2026.1 said "repeat indicated" (R10); 2026.2 holds mild pain (R14).
    mild = finalized_under_2026_1(
        alice,
        guidance_2026_1("repeat_indicated", "R10", ["N1", "N2", "N3", "N4", "N5", "N9", "N10"]),
        patient_ref="MRN-MILD",
        vas_current=1,
        cleft_sign="present",
    )
    # Ongoing relief with an active fracture at the treated level: 2026.2 refuses the answers.
    contradictory = finalized_under_2026_1(
        bob,
        guidance_2026_1("not_indicated", "R3", ["N5", "N9"]),
        patient_ref="MRN-CONTRA",
        treated_level="T12",
        initial_response="ongoing_relief",
    )
    # Finalized under 2026.2: the same outcome again.
    current = make_assessment(alice, patient_ref="MRN-CURRENT")
    assessment_finalize(assessment=current, user=alice)
    # A superseded assessment and a draft are not part of the report.
    superseded = finalized_under_2026_1(
        alice,
        guidance_2026_1("repeat_indicated", "R10", ["N1"]),
        patient_ref="MRN-SUPERSEDED",
        vas_current=1,
    )
    Assessment.objects.filter(pk=superseded.pk).update(status=Assessment.Status.SUPERSEDED)
    make_assessment(alice, patient_ref="MRN-DRAFT", vas_current=1)
    return {"mild": mild, "contradictory": contradictory, "current": current}


def database_state() -> list[tuple]:
    return list(
        Assessment.objects.order_by("pk").values_list(
            "pk", "status", "guidance", "rules_version", "recommendation", "version", "updated"
        )
    )


def run(*args) -> tuple[str, list[str]]:
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("rules_impact", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue(), [query["sql"] for query in queries.captured_queries]


def test_the_command_summarizes_then_lists_what_differs_and_what_is_refused(department):
    output, _ = run()
    summary, _, listing = output.partition("Assessments whose outcome differs:")
    assert "evaluated again under rules 2026.2: 3" in summary
    assert "2026.1: 2" in summary and "2026.2: 1" in summary
    assert "Outcome unchanged: 1" in summary
    assert "Outcome differs: 1" in summary
    assert "recommendation changed: 1" in summary
    assert "deciding rule changed: 1" in summary
    assert "Inputs refused by rules 2026.2: 1" in summary
    assert "Of those listed, patients who already had the repeat procedure: 0" in summary
    changed, _, refused = listing.partition("Assessments whose inputs rules 2026.2 refuse:")
    finalized_on = in_words(department["mild"].finalized_at.date())
    assert (
        f"MRN-MILD L1, Alice Tester, finalized {finalized_on} (rules 2026.1); "
        "repeat procedure: Not recorded" in changed
    )
    assert "repeat_indicated → continue_conservative" in changed
    assert "R10 → R14" in changed
    assert reverse("assessments:result", args=[department["mild"].pk]) in changed
    assert "MRN-CONTRA" not in changed
    assert "MRN-CONTRA T12, Bob Tester" in refused
    assert "Course of pain after the index procedure:" in refused
    assert "relief, then recurrence" in refused.lower()
    for absent in ("MRN-CURRENT", "MRN-SUPERSEDED", "MRN-DRAFT"):
        assert absent not in output


def test_the_command_writes_nothing(department):
    before = database_state()
    _, queries = run()
    _, csv_queries = run("--csv", "-")
    assert database_state() == before
    for sql in (*queries, *csv_queries):
        assert sql.lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE", "DECLARE")), sql


def test_the_csv_lists_changed_rows_then_refused_rows_with_every_column(department, tmp_path):
    target = tmp_path / "impact.csv"
    output, _ = run("--csv", str(target))
    assert "Outcome differs: 1" in output
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [(row["result"], row["patient_ref"]) for row in rows] == [
        ("changed", "MRN-MILD"),
        ("refused", "MRN-CONTRA"),
    ]
    mild, contradictory = rows
    assert mild["old_recommendation"] == "repeat_indicated"
    assert mild["new_recommendation"] == "continue_conservative"
    assert (mild["old_rule"], mild["new_rule"]) == ("R10", "R14")
    assert mild["old_rules_version"] == "2026.1"
    assert mild["new_rules_version"] == "2026.2"
    assert mild["clinician"] == "Alice Tester"
    assert mild["treated_level"] == "L1"
    assert mild["finalized"] == timezone.localdate(department["mild"].finalized_at).isoformat()
    assert "N1" in mild["notes_removed"].split()
    assert mild["link"] == reverse("assessments:result", args=[department["mild"].pk])
    assert "recommendation" in mild["changes"]
    assert contradictory["new_recommendation"] == ""
    assert "Course of pain after the index procedure" in contradictory["refused_because"]


def test_the_date_finalized_is_the_local_day_not_the_utc_one(alice, tmp_path, settings):
    settings.TIME_ZONE = "Europe/London"
    mild = finalized_under_2026_1(
        alice,
        guidance_2026_1("repeat_indicated", "R10", ["N1"]),
        patient_ref="MRN-MIDNIGHT",
        vas_current=1,
        cleft_sign="present",
    )
    # 00:30 in London in summer is still the day before in UTC.
    Assessment.objects.filter(pk=mild.pk).update(
        finalized_at=datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    )
    target = tmp_path / "impact.csv"
    run("--csv", str(target))
    (row,) = csv.DictReader(target.open(encoding="utf-8"))
    assert row["finalized"] == "2026-07-02"


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def test_the_reviewers_page_shows_the_summary_and_both_lists(reviewer_client, department):
    response = reviewer_client.get(reverse("assessments:rules_impact"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Summary") < page.index("MRN-MILD") < page.index("MRN-CONTRA")
    assert "Repeat vertebroplasty indicated → <strong>Continue conservative therapy" in page
    assert "R10 → <strong>R14" in page
    assert reverse("assessments:result", args=[department["mild"].pk]) in page
    assert "MRN-CURRENT" not in page
    assert "MRN-SUPERSEDED" not in page


def test_the_reviewers_page_offers_the_full_list_as_csv(reviewer_client, department):
    before = database_state()
    response = reviewer_client.get(reverse("assessments:rules_impact"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    assert [row["patient_ref"] for row in csv.DictReader(io.StringIO(text))] == [
        "MRN-MILD",
        "MRN-CONTRA",
    ]
    assert database_state() == before


def test_a_clinician_is_refused_the_reviewers_page(client, alice, department):
    client.force_login(alice)
    assert client.get(reverse("assessments:rules_impact")).status_code == 403
    assert client.get(reverse("assessments:rules_impact"), {"format": "csv"}).status_code == 403


def test_notes_that_differ_only_in_order_are_no_change(alice):
    current = assessment_finalize(
        assessment=make_assessment(
            alice, patient_ref="MRN-ORDER", cleft_sign="present", cleft_new_since_index=True
        ),
        user=alice,
    )
    guidance = dict(current.guidance)
    assert len(guidance["notes"]) >= 2
    guidance["notes"] = list(reversed(guidance["notes"]))
    Assessment.objects.filter(pk=current.pk).update(guidance=guidance)
    output, _ = run()
    assert "Outcome unchanged: 1" in output
    assert "notes changed: 0" in output
    assert "MRN-ORDER" not in output


def test_each_listed_patient_says_whether_they_already_had_the_procedure(department, tmp_path):
    from datetime import date

    from tests.outcomes.factories import make_procedure

    make_procedure(department["mild"], performed_on=date(2026, 2, 12))
    output, _ = run()
    assert "Of those listed, patients who already had the repeat procedure: 1" in output
    assert "MRN-MILD L1" in output and "repeat procedure: Performed 12 Feb 2026" in output
    target = tmp_path / "impact.csv"
    run("--csv", str(target))
    rows = {row["patient_ref"]: row for row in csv.DictReader(target.open(encoding="utf-8"))}
    assert (rows["MRN-MILD"]["procedure"], rows["MRN-MILD"]["procedure_date"]) == (
        "yes",
        "2026-02-12",
    )
    assert rows["MRN-CONTRA"]["procedure"] == "not_recorded"


def test_a_candidate_version_is_compared_before_the_switch(department, tmp_path):
    target = tmp_path / "impact.csv"
    output, _ = run("--candidate", "2026.3", "--csv", str(target))
    assert "evaluated again under rules 2026.3: 3" in output
    for kind in ("recommendation", "red flag", "warnings", "next steps", "deciding rule"):
        assert f"  {kind} changed: " in output
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert {row["new_rules_version"] for row in rows} <= {"2026.3"}


def test_an_unknown_candidate_is_refused_naming_the_option(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"--candidate: Unknown rules version '1999.1'"):
        call_command("rules_impact", "--candidate", "1999.1", stdout=io.StringIO())


def test_the_reviewers_page_compares_a_chosen_version(reviewer_client, department):
    url = reverse("assessments:rules_impact")
    page = reviewer_client.get(url, {"candidate": "2026.3"}).content.decode()
    assert "Impact of rules 2026.3 on finalized assessments" in page
    assert '<option value="2026.3" selected>' in page
    assert "Of those listed, patients who already had the repeat procedure" in page
    refused = reviewer_client.get(url, {"candidate": "1999.1"})
    assert refused.status_code == 400
    assert "Rules version to compare with: Unknown rules version" in refused.content.decode()


@pytest.mark.parametrize("version", ["2026.2", "2026.3"])
def test_the_outcome_of_a_result_is_the_outcome_of_its_json(version):
    """The report reads the candidate's result directly (`Outcome.of_result`) and the frozen
    guidance as JSON (`Outcome.of`): both must read the same outcome from the same guidance."""
    make = random_case if version == "2026.2" else random_case_2026_3
    rng = random.Random(18)
    today = date(2026, 11, 25)
    seen = set()
    for _ in range(1500):
        result = versions.evaluate_case(make(rng, today), today=today, version=version)
        outcome = Outcome.of_result(result)
        assert outcome == Outcome.of(result.to_dict())
        seen.add((outcome.rule, bool(outcome.red_flags), bool(outcome.warnings)))
    assert len({rule for rule, _, _ in seen}) >= 10
    assert any(flag for _, flag, _ in seen)
