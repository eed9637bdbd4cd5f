"""Every figure of the audit, its page and its PDF, on the known department of
`department.py`, against values worked out by hand here.

Intervals are computed by the textbook formulas written out below, not by the code under
test: Wilson score intervals, Student t intervals from printed quantiles (cut at the end of
the scale where they run past it), and the funnel limits of Spiegelhalter (2005, A.1.1)
from binomial sums with `math.comb`.
"""

import math
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outcomes.audit import AuditFilter, audit
from outcomes.charts import run_chart
from tests.outcomes.department import NOW, TODAY, build
from tests.pdf_helpers import document_text, pages_text

Z = 1.959964  # the 0.975 quantile of the standard normal distribution
# Student t, 0.975 quantile, by degrees of freedom (printed tables).
T_975 = {1: 12.7062, 2: 4.302653, 3: 3.182446, 4: 2.776445, 5: 2.570582}
URL = reverse("outcomes:dashboard")


# --- The formulas, by hand ------------------------------------------------------------------


def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    denominator = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / denominator
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / denominator
    return max(centre - half, 0.0), min(centre + half, 1.0)


def t_interval(values, low_end=None, high_end=None):
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = T_975[n - 1] * sd / math.sqrt(n)
    low, high = mean - half, mean + half
    clamped = (low_end is not None and low < low_end) or (high_end is not None and high > high_end)
    if low_end is not None:
        low = max(low, low_end)
    if high_end is not None:
        high = min(high, high_end)
    return mean, low, high, clamped


def rate_text(k: int, n: int) -> str:
    low, high = wilson(k, n)
    return f"{100 * k / n:.0f}% ({k} of {n}; 95% CI {100 * low:.0f}% to {100 * high:.0f}%)"


def minus(text: str) -> str:
    return text.replace("-", "−")


def mean_text(values, unit="", digits=1, low_end=None, high_end=None) -> str:
    mean, low, high, _ = t_interval(values, low_end, high_end)
    return minus(f"{mean:.{digits}f}{unit} (95% CI {low:.{digits}f} to {high:.{digits}f})")


def binomial_cdf(r: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(r + 1))


def funnel_limit(p0: float, n: int, quantile: float) -> float:
    """Spiegelhalter 2005, A.1.1: the smallest r with P(X ≤ r) ≥ quantile, interpolated."""
    r = next(r for r in range(n + 1) if binomial_cdf(r, n, p0) >= quantile)
    at = math.comb(n, r) * p0**r * (1 - p0) ** (n - r)
    alpha = (binomial_cdf(r, n, p0) - quantile) / at
    return (r - alpha) / n


# --- The department -------------------------------------------------------------------------


@pytest.fixture
def department(alice, bob, carol):
    with time_machine.travel(NOW, tick=False):
        return build(alice, bob, carol)


@pytest.fixture
def figures(department):
    return audit(AuditFilter(), today=TODAY)


def assert_rate(rate, k, n):
    assert (rate.k, rate.n) == (k, n)
    low, high = wilson(k, n)
    assert rate.value == pytest.approx(k / n)
    assert rate.low == pytest.approx(low, abs=1e-5)
    assert rate.high == pytest.approx(high, abs=1e-5)


def assert_mean(figure, values, low_end=None, high_end=None):
    mean, low, high, clamped = t_interval(values, low_end, high_end)
    assert figure.n == len(values)
    assert figure.value == pytest.approx(mean)
    assert figure.low == pytest.approx(low, abs=1e-4)
    assert figure.high == pytest.approx(high, abs=1e-4)
    assert figure.clamped is clamped


VAS = {"low_end": 0.0, "high_end": 10.0}
CHANGE = {"low_end": -10.0, "high_end": 10.0}
POSITIVE = {"low_end": 0.0}

# Performed repeat procedures: A1 A2 A3 B1 D1 D2 (VAS at the assessment, 1 month, 3 months).
BEFORE = [8, 9, 7, 2, 8, 8]
ONE_MONTH = [2, 8, 4, 1, 3, 3]
THREE_MONTHS = [3, 5, 6, 2]  # A1 A2 A3 D1
CHANGE_1 = [a - b for a, b in zip(ONE_MONTH, BEFORE, strict=True)]  # −6 −1 −3 −1 −5 −5
CHANGE_3 = [3 - 8, 5 - 9, 6 - 7, 2 - 8]
# Series 1 (pain unrelieved 4–32 days): A1 A2 A3 B1 D2, all seen at 1 month.
SERIES_1_BEFORE = [8, 9, 7, 2, 8]
SERIES_1_MONTH = [2, 8, 4, 1, 3]
# Cement, both volumes known: A1 A2 B1 D1 D2 (A3 has no index volume).
REPEAT_ML = [6.0, 7.0, 4.5, 6.5, 5.5]
INDEX_ML = [4.2, 4.0, 3.5, 4.0, 4.2]
DIFFERENCE_ML = [r - i for r, i in zip(REPEAT_ML, INDEX_ML, strict=True)]
# New fractures after a repeat procedure, each once: A1 (71 days), A3 (40), D1 (68; at 3 and 12 m).
ADJACENT_DAYS = [71, 40, 68]


def test_the_population_and_what_is_left_out(figures):
    # A1–A6, C1, B1–B3, D1, D2 (the amendment), D3, D4.
    assert figures.assessments == 14
    assert figures.excluded == {"draft": 1, "discarded": 1, "superseded": 1}


@pytest.mark.usefixtures("rules_2026_2")  # expects the outcomes and rule ids of 2026.2
def test_recommendations_by_kind_and_deciding_rule(figures):
    rows = {(r.recommendation, r.rule): r for r in figures.rules}
    assert set(rows) == {
        ("urgent_referral", "R1"),
        ("not_indicated", "R8"),
        ("repeat_indicated", "R10"),
        ("repeat_indicated", "R12"),
        ("repeat_may_be_considered", "R11"),
    }
    r10 = rows[("repeat_indicated", "R10")]  # A1–A6, D2, D3
    assert (r10.total, r10.recorded, r10.performed, r10.declined, r10.not_offered) == (
        8,
        7,
        4,
        2,
        1,
    )
    r12 = rows[("repeat_indicated", "R12")]  # D1
    assert (r12.total, r12.recorded, r12.performed) == (1, 1, 1)
    r11 = rows[("repeat_may_be_considered", "R11")]  # D4, not offered
    assert (r11.total, r11.recorded, r11.performed, r11.not_offered) == (1, 1, 0, 1)
    r8 = rows[("not_indicated", "R8")]  # B1–B3
    assert (r8.total, r8.recorded, r8.performed, r8.not_performed) == (3, 2, 1, 1)
    r1 = rows[("urgent_referral", "R1")]
    assert (r1.total, r1.recorded) == (1, 0)


@pytest.mark.usefixtures("rules_2026_2")  # expects the rule ids of 2026.2 (R8)
def test_adherence_leaves_refusals_apart(figures):
    # After "repeat indicated" (R10, R12): 8 decisions (A1–A5, D1–D3); 2 declined (A4, D3)
    # leave 6; performed A1 A2 A3 D1 D2: 5 of 6. A5 was not offered: the clinician's
    # non-adherence. D4 ("may be considered", not offered) is no part of it: counting it
    # would give 5 of 7.
    assert_rate(figures.adherence, 5, 6)
    # Refusals, after either repeat recommendation: A4, D3 of the 9 decisions (A1–A5, D1–D4).
    assert_rate(figures.refusals, 2, 9)
    assert (figures.department.not_offered, figures.department.not_performed) == (1, 0)
    # Performed after "may be considered": none of D4.
    assert (figures.department.considered.k, figures.department.considered.n) == (0, 1)
    assert_rate(figures.overrides, 1, 2)  # B1 of B1, B2
    assert [(r.rule, r.performed) for r in figures.override_rows] == [("R8", 1)]


def test_the_amendment_carries_its_procedure_and_visit(figures, department):
    assert figures.performed == 6
    assert department["D2 original"].status == "superseded"


def test_pain_paired_change_and_means(figures):
    assert_mean(figures.change_1_month, CHANGE_1, **CHANGE)
    assert_mean(figures.change_3_months, CHANGE_3, **CHANGE)
    assert_mean(figures.vas_before, BEFORE, **VAS)
    assert_mean(figures.vas_1_month, ONE_MONTH, **VAS)
    assert_mean(figures.vas_3_months, THREE_MONTHS, **VAS)
    assert_mean(figures.series_1_before, SERIES_1_BEFORE, **VAS)
    assert_mean(figures.series_1_month, SERIES_1_MONTH, **VAS)
    # Series 2 (recurrent pain, cleft, osteoporotic): D1 alone.
    assert (figures.series_2_3_months.n, figures.series_2_3_months.value) == (1, 2.0)


def test_relief_leakage_complications_and_cement(figures):
    # Relief (1 month ≥ 2 below): A1, A3, D1, D2 of the six seen at 1 month.
    assert_rate(figures.relief, 4, 6)
    assert_rate(figures.leakage, 3, 6)  # A2 asym, A3 symp, D2 asym
    assert_rate(figures.asymptomatic_leakage, 2, 6)
    assert_rate(figures.symptomatic_leakage, 1, 6)
    assert_rate(figures.series_1_asymptomatic_leakage, 2, 5)  # A2, D2 of A1 A2 A3 B1 D2
    assert_rate(figures.major_complications, 1, 6)
    assert_rate(figures.osteoporotic_major_complications, 1, 6)
    assert_mean(figures.cement_repeat, REPEAT_ML, **POSITIVE)
    assert_mean(figures.cement_index, INDEX_ML, **POSITIVE)
    assert_mean(figures.cement_difference, DIFFERENCE_ML)
    assert (figures.series_2_cement_repeat.n, figures.series_2_cement_repeat.value) == (1, 6.5)
    assert (figures.series_2_cement_index.n, figures.series_2_cement_index.value) == (1, 4.0)


def test_cleft(figures):
    # Clefts: A1 (gone), A2 (persists), A3 (not imaged), D1 (gone).
    assert_rate(figures.cleft_gone, 2, 3)
    assert_rate(figures.relief_cleft_gone, 2, 2)
    assert_rate(figures.relief_cleft_persists, 0, 1)


def test_new_fractures_per_fracture_after_a_repeat_procedure(figures):
    # Seen at 12 months after a repeat procedure: A1 (fracture), A2, D1 (fracture). B2's
    # fracture is left out: B2 had no repeat procedure.
    assert_rate(figures.new_fracture_year, 2, 3)
    # D1's fracture, reported at 3 and at 12 months, counts once.
    assert figures.fractures == 3
    assert_rate(figures.adjacent_share, 3, 3)
    assert_mean(figures.days_adjacent, ADJACENT_DAYS, **POSITIVE)
    assert figures.days_non_adjacent.n == 0


def test_completeness_per_clinician(figures, alice, bob, carol):
    by_clinician = {row.clinician_id: row for row in figures.completeness}
    # alice: 7 assessments, decisions A1–A5; visits due 3 each for A1–A5 (15), recorded
    # A1 3, A2 3, A3 2. bob: B1, B2 of 3; due 6, recorded B1 1 m, B2 12 m. carol: 4 of 4;
    # due D1 3 (all recorded), D2 1 m and 3 m (1 m recorded), D3 1 m and 3 m (none), D4
    # (assessed 5 Mar 2026, nothing done) 1 m and 3 m, its 12 m on 5 Mar 2027 (none): 4 of 9.
    expected = {alice.pk: (7, 5, 7, 8, 15), bob.pk: (3, 2, 3, 2, 6), carol.pk: (4, 4, 4, 4, 9)}
    for pk, (assessments, decided, of, seen, due) in expected.items():
        row = by_clinician[pk]
        assert row.assessments == assessments
        assert_rate(row.decisions, decided, of)
        assert_rate(row.follow_ups, seen, due)


def test_splits_by_scenario_and_etiology(figures):
    scenarios = {split.code: split.figures for split in figures.by_scenario}
    assert {code: f.assessments for code, f in scenarios.items()} == {
        "immediate_failure": 13,
        "delayed_recurrence": 1,
    }
    # A1 A2 A3 D2 performed of A1–A5, D2, D3 ("indicated") less A4, D3 (declined): 4 of 5;
    # D4 ("may be considered") is counted apart, 0 of 1.
    assert_rate(scenarios["immediate_failure"].adherence, 4, 5)
    immediate = scenarios["immediate_failure"].considered
    assert (immediate.k, immediate.n) == (0, 1)
    assert_rate(scenarios["delayed_recurrence"].adherence, 1, 1)
    assert_rate(scenarios["immediate_failure"].relief, 3, 5)
    (etiology,) = figures.by_etiology
    assert etiology.code == "osteoporotic"
    assert_rate(etiology.figures.adherence, 5, 6)


EMPTY_QUARTERS = [(2024, 3), (2024, 4), (2025, 2), (2025, 3), (2025, 4)]


def test_run_chart_by_quarter(figures):
    quarters = {(q.year, q.quarter): q for q in figures.quarters}
    # Every quarter from the first to the last; those without a decision are kept, empty.
    assert list(quarters) == sorted([(2024, 2), (2025, 1), (2026, 1), *EMPTY_QUARTERS])
    for empty in EMPTY_QUARTERS:
        assert quarters[empty].adherence.n == 0 and quarters[empty].relief.n == 0
    assert_rate(quarters[(2024, 2)].adherence, 1, 1)
    assert_rate(quarters[(2025, 1)].adherence, 3, 4)
    # 2026 Q1: D2 performed, D3 declined (left out); D4, "may be considered", not counted.
    assert_rate(quarters[(2026, 1)].adherence, 1, 1)
    assert_rate(quarters[(2025, 1)].relief, 2, 4)
    assert_rate(quarters[(2026, 1)].relief, 1, 1)


def test_the_run_chart_shows_the_empty_quarters_and_breaks_its_line_there(figures):
    chart = run_chart(figures.quarters)
    assert [label["text"] for label in chart["labels"]] == [q.label for q in figures.quarters]
    adherence = next(series for series in chart["series"] if series["key"] == "adherence")
    # 2024 Q2, 2025 Q1 and 2026 Q1 each stand between empty quarters: points, no line.
    assert len(adherence["points"]) == 3
    assert adherence["lines"] == []


def test_per_clinician_figures_for_the_funnel_plots(figures, alice, bob, carol):
    adherence = {pk: f.adherence for pk, f in figures.by_clinician.items()}
    relief = {pk: f.relief for pk, f in figures.by_clinician.items()}
    assert_rate(adherence[alice.pk], 3, 4)
    assert adherence[bob.pk].n == 0
    assert_rate(adherence[carol.pk], 2, 2)  # D1 D2 of D1–D3 less D3 (declined); D4 apart
    assert_rate(relief[alice.pk], 2, 3)
    assert_rate(relief[bob.pk], 0, 1)
    assert_rate(relief[carol.pk], 2, 2)


@pytest.mark.parametrize(
    ("p0", "n"), [(5 / 6, 4), (5 / 6, 2), (4 / 6, 3), (4 / 6, 1), (0.8, 10), (0.8, 100)]
)
def test_funnel_limits_are_spiegelhalter_s_exact_binomial_limits(p0, n):
    from outcomes.stats import funnel_limits

    limits = funnel_limits(p0, n)
    assert limits.low_95 == pytest.approx(max(funnel_limit(p0, n, 0.025), 0), abs=1e-9)
    assert limits.high_95 == pytest.approx(funnel_limit(p0, n, 0.975), abs=1e-9)
    assert limits.low_998 == pytest.approx(max(funnel_limit(p0, n, 0.001), 0), abs=1e-9)
    assert limits.high_998 == pytest.approx(funnel_limit(p0, n, 0.999), abs=1e-9)


def test_a_clinician_is_placed_by_the_exact_binomial_tails():
    from outcomes.stats import funnel_position

    # 1 of 1 around 80%: P(X ≥ 1) = 0.8, no signal (though above the interpolated limit).
    assert funnel_position(1, 1, 0.8) == "inside"
    # 2 of 10 around 80%: P(X ≤ 2) = 45 × 0.8² × 0.2⁸ + 10 × 0.8 × 0.2⁹ + 0.2¹⁰ ≈ 7.8e-5.
    assert binomial_cdf(2, 10, 0.8) < 0.001
    assert funnel_position(2, 10, 0.8) == "alarm below"
    # 4 of 10: P(X ≤ 4) ≈ 0.0064, outside the 95% limits only; 5 of 10 (≈ 0.033) inside.
    assert 0.001 < binomial_cdf(4, 10, 0.8) < 0.025 < binomial_cdf(5, 10, 0.8)
    assert funnel_position(4, 10, 0.8) == "warning below"
    assert funnel_position(5, 10, 0.8) == "inside"


def test_filter_by_procedure_date_keeps_patients_operated_in_the_period(department):
    figures = audit(AuditFilter(date_basis="procedure", date_from=date(2026, 1, 1)), today=TODAY)
    assert figures.assessments == 1  # D2, operated on 12 Feb 2026
    assert figures.performed == 1
    by_assessment_date = audit(AuditFilter(date_from=date(2026, 1, 1)), today=TODAY)
    assert by_assessment_date.assessments == 3  # D2, D3 and D4, assessed in 2026


def test_filter_by_etiology_scenario_and_clinician(department, carol):
    assert audit(AuditFilter(scenario="delayed_recurrence"), today=TODAY).assessments == 1
    assert audit(AuditFilter(fracture_etiology="neoplastic"), today=TODAY).assessments == 0
    mine = audit(AuditFilter(clinician_id=carol.pk), today=TODAY)
    assert mine.assessments == 4
    assert_rate(mine.adherence, 2, 2)


def test_cases_for_the_meeting(figures, department):
    listed = [(case.patient_ref, case.reasons) for case in figures.cases]
    assert listed == [
        ("D3", ("Declined by the patient",)),
        ("A1", ("New vertebral fracture at another level",)),
        (
            "A3",
            (
                "Major complication",
                "Symptomatic cement leak",
                "New vertebral fracture at another level",
            ),
        ),
        ("A4", ("Declined by the patient",)),
        # Not offered after "indicated"; D4, not offered after "may be considered", is not listed.
        ("A5", ("Not performed after “Repeat vertebroplasty indicated” (not offered)",)),
        ("B1", ("Override: performed without a repeat recommendation",)),
        ("B2", ("New vertebral fracture at another level",)),
        ("D1", ("New vertebral fracture at another level",)),
    ]
    assert not figures.cases_more
    assert figures.cases[0].assessment_id == str(department["D3"].pk)


def test_the_audit_costs_the_same_number_of_queries_whatever_the_filter(department, carol):
    counts = set()
    for audit_filter in (
        AuditFilter(),
        AuditFilter(clinician_id=carol.pk),
        AuditFilter(date_basis="procedure", date_from=date(2025, 1, 1)),
    ):
        with CaptureQueriesContext(connection) as captured:
            audit(audit_filter, today=TODAY)
        counts.add(len(captured))
    assert counts == {6}  # five of the audit, one for the record's feedback on cards


# --- The page and the PDF -------------------------------------------------------------------


def every_figure_text() -> list[str]:
    """Every figure the page and the PDF print, formatted from the hand values above."""
    return [
        "14 final assessments",
        "1 drafts, not finalized",
        "1 discarded drafts, given up by their clinician",
        "1 superseded assessments, counted once as their amendment",
        rate_text(5, 6),  # adherence
        rate_text(2, 9),  # refusals
        # A5 not offered; none offered and not done, so no reason is listed.
        "Not performed after “indicated”: 1 not offered (the clinician decided against it), "
        "0 offered, not done (each listed",
        rate_text(1, 2),  # overrides
        rate_text(5, 7),  # alice's decisions
        rate_text(8, 15),  # alice's follow-ups
        rate_text(2, 6),  # bob's follow-ups
        rate_text(4, 9),  # carol's follow-ups
        rate_text(4, 6),  # relief
        rate_text(3, 6),  # any leak
        rate_text(1, 6),  # symptomatic, major
        rate_text(2, 5),  # asymptomatic, series 1
        rate_text(2, 3),  # cleft gone; new fracture within a year
        rate_text(3, 3),  # adjacent share
        rate_text(3, 4),  # 2025 Q1 adherence; alice's adherence
        rate_text(2, 4),  # 2025 Q1 relief
        mean_text(CHANGE_1, **CHANGE),
        mean_text(CHANGE_3, **CHANGE),
        mean_text(BEFORE, **VAS),
        mean_text(ONE_MONTH, **VAS),
        mean_text(THREE_MONTHS, **VAS),
        mean_text(SERIES_1_BEFORE, **VAS),
        mean_text(SERIES_1_MONTH, **VAS),
        mean_text(REPEAT_ML, " mL", **POSITIVE),
        mean_text(INDEX_ML, " mL", **POSITIVE),
        mean_text(DIFFERENCE_ML, " mL"),
        mean_text(ADJACENT_DAYS, " days", 0, **POSITIVE),
        "3 new fractures",
        "Repeat procedures performed (6)",
    ]


def funnel_texts(p0: float, n: int) -> str:
    return (
        f"{100 * max(funnel_limit(p0, n, 0.025), 0):.0f}% to {100 * funnel_limit(p0, n, 0.975):.0f}%"
        f"</td><td>{100 * max(funnel_limit(p0, n, 0.001), 0):.0f}% to "
        f"{100 * funnel_limit(p0, n, 0.999):.0f}%"
    )


@pytest.fixture
def reviewer_page(client, reviewer, department):
    client.force_login(reviewer)
    with time_machine.travel(NOW, tick=False):
        return client.get(URL).content.decode()


def test_the_page_prints_every_figure(reviewer_page):
    for text in every_figure_text():
        assert text in reviewer_page, text
    assert "Data as of 25 Nov 2026, 12:00" in reviewer_page
    # Funnel limits at each clinician's n, around the department's 5 of 6 and 4 of 6.
    assert funnel_texts(5 / 6, 4) in reviewer_page  # alice's adherence, n = 4
    assert funnel_texts(5 / 6, 2) in reviewer_page  # carol's, n = 2
    assert funnel_texts(4 / 6, 3) in reviewer_page  # alice's relief, n = 3
    assert funnel_texts(4 / 6, 1) in reviewer_page  # bob's relief, n = 1


def test_the_page_flags_small_numbers_and_says_how_intervals_are_bounded(reviewer_page):
    assert reviewer_page.count("small n</span>") >= 20
    assert "Interval cut at the end of the scale." in reviewer_page
    assert "Wilson 95% intervals, which stay within 0–100%" in reviewer_page


def test_published_figures_stand_beside_the_same_population_or_apart(reviewer_page):
    assert "Mean VAS at 1 month, pain unrelieved 4–32 days" in reviewer_page
    assert "Asymptomatic cement leakage, pain unrelieved 4–32 days" in reviewer_page
    assert "Not compared: the series report complete or partial relief" in reviewer_page
    assert "7.8% is the rate within a year after an initial vertebroplasty" in reviewer_page
    assert "the published 13–22% counts asymptomatic leaks only" in reviewer_page
    # The published new-fracture figures (58.8–63.8% adjacent, 72 and 287 days) are of
    # fractures after a first vertebroplasty: beside the department's repeat procedures they
    # are shown apart (the share, both delays and the chart's adjacent share), never compared.
    apart = "Not compared: the published figures are of new fractures after a first vertebroplasty"
    assert reviewer_page.count(apart) == 3
    assert "as the published series count from theirs" not in reviewer_page


def test_the_reviewer_sees_names_and_every_case(reviewer_page, department):
    assert "Alice Tester" in reviewer_page and "Carol Tester" in reviewer_page
    for name in ("D3", "A1", "A3", "A4", "B1", "B2", "D1"):
        case = department[name]
        assert reverse("assessments:result", args=[case.pk]) in reviewer_page


def test_a_clinician_sees_the_department_anonymised_and_only_their_own_cases(
    client, alice, department
):
    client.force_login(alice)
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "You (Alice Tester)" in page
    assert "Bob Tester" not in page and "Carol Tester" not in page
    assert "Clinician B" in page and "Clinician C" in page
    assert rate_text(5, 6) in page  # the department's adherence
    for name in ("A1", "A3", "A4"):
        assert reverse("assessments:result", args=[department[name].pk]) in page
    for name in ("B1", "B2", "D1", "D3"):
        assert reverse("assessments:result", args=[department[name].pk]) not in page
    # The clinician filter offers only the clinician herself.
    assert f'value="{department["B1"].owner_id}"' not in page


def test_the_pdf_starts_the_funnel_plots_on_a_page_with_their_first_chart(
    client, reviewer, department
):
    client.force_login(reviewer)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("outcomes:dashboard_pdf"))
    pages = pages_text(response.content)
    heading = "Clinicians against the department (funnel plots)"
    [page] = [page for page in pages if heading in page]
    # The section begins its page (only the running head before it), so its heading and
    # introduction are never left at the foot of a page whose chart begins the next; the first
    # funnel plot's title and its table follow them on the same page.
    before, after = page.split(heading, 1)
    assert not before.strip() or before.startswith("Vertebro outcomes audit · data as of"), before
    assert "Clinician adherence after “Repeat vertebroplasty indicated”, by clinician" in after


def test_the_pdf_prints_every_figure(client, reviewer, department):
    client.force_login(reviewer)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("outcomes:dashboard_pdf"))
    assert response.status_code == 200
    text = document_text(response.content)
    for figure in every_figure_text():
        assert figure in text, figure
    assert "data as of 25 Nov 2026, 12:00" in text
    for p0, n in ((5 / 6, 4), (5 / 6, 2), (4 / 6, 3), (4 / 6, 1)):
        limits = funnel_texts(p0, n).replace("</td><td>", " ")
        assert limits in text, limits
    assert "Procedures performed after “may be considered”" in text
    assert "Not followed by the clinician" not in text


def test_may_be_considered_is_counted_apart_with_no_adherence_words(reviewer_page):
    # Adherence is measured after "indicated" only; D4's "may be considered", not offered, is
    # the one decision after that recommendation: performed 0 of 1, as a count.
    considered = (
        "Procedures performed after “may be considered” (an option for the spine team to "
        'weigh, so no adherence is measured)</dt>\n    <dd class="col-sm-7">0 of 1</dd>'
    )
    assert considered in reviewer_page
    adherence = "Clinician adherence: procedures performed after “Repeat vertebroplasty indicated”"
    assert adherence in reviewer_page
    assert "(indicated or may be considered), patients who declined" not in reviewer_page
    assert "Not followed by the clinician" not in reviewer_page
    assert "Clinician adherence after a repeat recommendation" not in reviewer_page
    # The funnel plot, the run chart and the split tables name the recommendation measured.
    funnel_title = "Clinician adherence after “Repeat vertebroplasty indicated”</h3>"
    assert '<h3 class="h5" id="funnel-adherence-heading">' + funnel_title in reviewer_page
    assert "Clinician adherence after “indicated” (n above)" in reviewer_page
    assert '<th scope="col">Clinician adherence after “indicated” (95% CI)</th>' in reviewer_page
    assert '<th scope="col">Performed after “may be considered”</th>' in reviewer_page
    # The immediate-failure split: 7 decisions after "indicated", D4 apart as 0 of 1.
    split = "<td>13</td><td>7</td><td>" + rate_text(4, 5)
    row = reviewer_page.split(split, 1)[1].split("</tr>")[0]
    assert "</td><td>0 of 1</td>" in row
