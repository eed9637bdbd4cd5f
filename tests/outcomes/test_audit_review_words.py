"""What the audit says of its comparisons, and the words of the outcomes pages a clinician
records with: a rare event is not compared with a published upper bound its interval does
not clear; a funnel with nothing to vary prints no limits; the published series are named
for what they are; a complication or a leak is defined where it is recorded; the outcomes
page names why the rules decided, not the rule's id."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from outcomes import charts, published
from outcomes.dashboard import rare_event_apart, rate_row
from outcomes.stats import rate
from tests.outcomes.audit_data import build
from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure
from tests.pdf_helpers import document_text

URL = reverse("outcomes:dashboard")
MAJOR = published.MAJOR_COMPLICATIONS  # "< 1%"


# --- A rare event beside "< 1%" -----------------------------------------------------------


def test_no_major_complication_in_28_procedures_is_not_compared_with_less_than_one_percent():
    # Wilson upper limit of 0 of n: z² / (n + z²) = 3.8415 / 31.8415 = 0.1206, so 12%.
    row = rate_row("Major complications, osteoporotic fractures", rate(0, 28), MAJOR)
    assert row.value == "0% (0 of 28; 95% CI 0% to 12%)"
    assert row.apart == (
        "Not enough procedures to compare with < 1%: the interval (0% to 12%) includes rates "
        "above it."
    )
    # Not the small-n sentence either: 28 is above the usual threshold of 10.
    assert "Too few patients" not in row.note


def test_enough_procedures_clear_the_bound_and_are_compared():
    # 0 of 400: 3.8415 / 403.8415 = 0.95%, under 1%: the comparison stands.
    assert rare_event_apart(rate(0, 400), MAJOR) == ""
    # 0 of 300: 3.8415 / 303.8415 = 1.26%, above it; printed to a tenth so that it does not
    # read "0% to 1%".
    assert rare_event_apart(rate(0, 300), MAJOR) == (
        "Not enough procedures to compare with < 1%: the interval (0% to 1.3%) includes rates "
        "above it."
    )
    # A range or a single published figure is no upper bound: the rule does not apply.
    assert rare_event_apart(rate(0, 28), published.LEAKAGE) == ""


def test_the_rates_chart_draws_no_bound_it_does_not_compare_with():
    chart = charts.rate_chart([("Major complications", rate(0, 28), MAJOR, True)])
    assert chart["rows"][0]["line_x"] is None


@pytest.fixture
def reviewer_page(client, reviewer, alice, bob):
    build(alice, bob)
    client.force_login(reviewer)
    return client.get(URL).content.decode()


def test_the_page_says_why_major_complications_are_not_compared(reviewer_page):
    # audit_data: A3's major complication among the 4 performed with a complication recorded
    # (A1 A2 A3 B1), all osteoporotic: 1 of 4, Wilson 4.6% to 69.9%.
    assert (
        "Not enough procedures to compare with &lt; 1%: the interval (5% to 70%) includes "
        "rates above it." in reviewer_page
    )


# --- Funnel limits at 0% and 100% ---------------------------------------------------------


def test_a_department_at_100_percent_prints_no_funnel_limits_and_places_nobody():
    chart = charts.funnel_chart(
        "relief",
        "Relief at 1 month after a repeat procedure",
        rate(5, 5),
        {1: rate(3, 3), 2: rate(2, 2)},
        {1: "Clinician A", 2: "Clinician B"},
        {1: "A", 2: "B"},
        viewer_id=None,
        every="every patient of the department had relief",
        none="no patient of the department had relief",
    )
    assert chart["no_limits"] == "No funnel limits: every patient of the department had relief."
    assert [(row["limits_95"], row["limits_998"], row["where"]) for row in chart["rows"]] == [
        ("—", "—", ""),
        ("—", "—", ""),
    ]


def test_a_department_at_0_percent_says_so_too():
    chart = charts.funnel_chart(
        "relief",
        "Relief",
        rate(0, 3),
        {1: rate(0, 3)},
        {1: "Clinician A"},
        {1: "A"},
        viewer_id=None,
        every="every patient had relief",
        none="no patient of the department had relief",
    )
    assert chart["no_limits"] == "No funnel limits: no patient of the department had relief."


def test_the_page_prints_no_degenerate_limits(client, reviewer, alice):
    # One repeat procedure "indicated", performed, VAS 8 → 2 at 1 month: adherence 1 of 1
    # and relief 1 of 1, both 100%.
    case = final_assessment(
        alice,
        patient_ref="ONLY",
        index_procedure_date=date(2025, 1, 1),
        assessment_date=date(2025, 1, 18),
        vas_current=8,
    )
    assert case.recommendation == "repeat_indicated"
    make_procedure(case, performed_on=date(2025, 1, 20), cement_volume_ml=Decimal("5.0"))
    make_follow_up(case, "1m", seen_on=date(2025, 2, 19), vas=2)
    client.force_login(reviewer)
    page = client.get(URL).content.decode()
    assert "No funnel limits: every patient of the department had relief." in page
    assert (
        "No funnel limits: the department performed every repeat procedure “indicated” that "
        "the patient did not decline." in page
    )
    assert "100% to 100%" not in page
    # The Position column is empty: nobody is "inside the 95% limits" of a degenerate funnel.
    assert "<td>inside the 95% limits</td>" not in page
    assert "<td>—</td><td>—</td><td></td></tr>" in page


# --- The published series, in words -------------------------------------------------------


def test_the_published_series_are_named_for_what_they_are(reviewer_page):
    assert "appropriately selected" not in reviewer_page
    assert (
        "every patient of two small repeat series (complete or partial relief, as those series "
        "report it)" in reviewer_page
    )
    assert "no figure published" not in reviewer_page
    assert "(ref. 2; the evidence summary gives no figure)" in reviewer_page
    assert (
        "Published figures come from small case series of repeat procedures, a practice "
        "parameter, a series of new fractures and a study of risk factors, all as given in a "
        "secondary evidence summary whose sources are not all identified" in reviewer_page
    )
    # The VAS of the comparison is the one recorded at the assessment.
    assert "Mean VAS before the repeat procedure, pain unrelieved" not in reviewer_page
    assert (
        "Mean VAS at the assessment (before the repeat procedure), failure of the index "
        "procedure days 4–32, patients seen at 1 month" in reviewer_page
    )
    # The VAS chart's legend names the published series, not our numbering of them.
    assert "Series 1 (ref. 1)" not in reviewer_page and "Series 2 (ref. 2)" not in reviewer_page
    assert "Published, unrelieved pain (ref. 1)" in reviewer_page
    assert "Published, recurrent pain (ref. 2)" in reviewer_page


def test_unconfirmed_sources_are_said_at_the_head_of_the_comparisons(client, reviewer, alice, bob):
    build(alice, bob)
    client.force_login(reviewer)
    note = (
        "The published figures come from sources not yet confirmed: a rough guide, not a benchmark."
    )
    page = client.get(URL).content.decode()
    # Above the first comparison table, not only in the method list.
    assert page.index(note) < page.index("Beside the published series")
    assert note in document_text(client.get(reverse("outcomes:dashboard_pdf")).content)


# --- The outcomes pages -------------------------------------------------------------------


@pytest.fixture
def final(alice):
    return final_assessment(
        alice,
        patient_ref="MRN-OUT-1",
        index_procedure_date=date(2025, 1, 1),
        assessment_date=date(2025, 1, 18),
    )


def test_complications_and_symptomatic_leaks_are_defined_where_they_are_recorded(
    client, alice, final
):
    client.force_login(alice)
    page = client.get(reverse("outcomes:procedure", args=[final.pk])).content.decode()
    assert (
        "Major (SIR): needed major therapy, an unplanned higher level of care or a stay "
        "prolonged beyond 48 hours, or left permanent harm or death. Minor: no or nominal "
        "therapy, including an overnight stay for observation." in page
    )
    assert "Symptomatic: caused symptoms (pain, neurological, pulmonary)" in page


def test_the_outcomes_page_names_why_the_rules_decided_not_the_rule_id(client, alice, final):
    assert (final.recommendation, final.deciding_rule) == ("repeat_indicated", "R10")
    client.force_login(alice)
    page = client.get(reverse("outcomes:detail", args=[final.pk])).content.decode()
    assert (
        "Repeat vertebroplasty indicated (failed index procedure, with inadequate fill or a "
        "cleft)" in page
    )
    assert "(R10)" not in page
