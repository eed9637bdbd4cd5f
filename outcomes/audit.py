"""The department audit: what was recommended, what was done, and how the patients did.

(The clinical audit of the department; the access log of who opened which record is
`assessments.audit`, another thing.)

Every figure comes from a fixed number of aggregate queries, whatever the number of
assessments; `stats` turns counts, means and spreads into intervals.

Definitions (project conventions, printed on the dashboard and its PDF):
- Population: the assessments in the audit (`Assessment.objects.in_audit()`: final, an
  amended one counted once, as its amendment, with the outcomes that moved to it), whose
  assessment date — or, when chosen, repeat-procedure date — clinician, treated level,
  etiology and scenario match the filter. Drafts, discarded drafts and superseded
  assessments are counted apart, as excluded, with the reason.
- "Repeat recommended": the spec's repeat recommendations (§5), `repeat_indicated` or
  `repeat_may_be_considered`.
- Clinician adherence: procedures performed among the recorded decisions after "Repeat
  vertebroplasty indicated" only, leaving out the patients who declined (a patient's
  refusal is not the clinician's non-adherence; refusals are a rate of their own). "May be
  considered" is by definition an option for the spine team to weigh: not doing it is not
  non-adherence, so the procedures performed after it are a plain count (k of n), never an
  adherence. Override: a procedure performed although no repeat was recommended.
- Relief: the VAS at the 1-month visit at least `RELIEF_MIN_DROP` points below the VAS at
  the assessment. Pain change: the paired difference (1-month VAS − VAS at the assessment)
  of the same patients.
- New fractures are counted once per fracture (same patient, kind and date), however many
  visits report it, among patients who had the repeat procedure, with the days from that
  procedure. Within a year: patients with a repeat procedure seen at 12 months. A
  refracture or further collapse at the treated level is counted apart: the patients with
  one among those with a repeat procedure and at least one follow-up.
- Follow-ups due: a visit is due once its day (procedure, or assessment when none was done,
  + 30, 91 or 365 days) has passed.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connections
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Cast

from assessments.models import Assessment, in_audit_q
from vertebro_rules import vocabulary

from . import choices, wording
from .expressions import DaysBetween
from .models import AuditFact, FollowUp
from .stats import Mean, Rate, bounded, mean, rate

REPEAT_INDICATED = vocabulary.Recommendation.REPEAT_INDICATED
REPEAT_MAY_BE_CONSIDERED = vocabulary.Recommendation.REPEAT_MAY_BE_CONSIDERED
# "Repeat recommended": a procedure after either is no override, and a patient who declines
# either has refused an offered procedure.
REPEAT_RECOMMENDATIONS = (REPEAT_INDICATED, REPEAT_MAY_BE_CONSIDERED)
# The one recommendation a clinician's adherence is measured against.
ADHERENCE_RECOMMENDATION = REPEAT_INDICATED
# Project convention: a fall of 2 points or more on the 0–10 scale counts as relief.
RELIEF_MIN_DROP = 2
VAS_SCALE = (0.0, 10.0)
PERFORMED = choices.Performed.YES
DECLINED = choices.Performed.DECLINED
# New fractures at another level; a refracture or further collapse of the treated vertebra is
# counted apart (`TREATED_LEVEL`).
FRACTURES = (choices.NewFracture.ADJACENT, choices.NewFracture.NON_ADJACENT)
TREATED_LEVEL = choices.NewFracture.TREATED
# The series the published figures come from (outcomes.published), as the department's
# patients who match them: series 1, pain unrelieved 4–32 days after the index procedure;
# series 2, recurrent pain after relief, with a cleft, in osteoporotic fractures.
SERIES_1_SCENARIOS = (vocabulary.Scenario.IMMEDIATE_FAILURE,)
SERIES_2_SCENARIOS = (vocabulary.Scenario.DELAYED_RECURRENCE,)
OSTEOPOROTIC = vocabulary.FractureEtiology.OSTEOPOROTIC
CASE_LIST_LIMIT = 200

ASSESSMENT_DATE = "assessment"
PROCEDURE_DATE = "procedure"


@dataclass(frozen=True)
class AuditFilter:
    date_from: date | None = None
    date_to: date | None = None
    # Which date the period applies to: the assessment's, or the repeat procedure's.
    date_basis: str = ASSESSMENT_DATE
    clinician_id: int | None = None
    treated_level: str | None = None
    fracture_etiology: str | None = None
    scenario: str | None = None

    def q(self, prefix: str = "", *, in_audit: bool = True) -> Q:
        """The filter on assessments, reached from another model through `prefix`."""
        q = in_audit_q(prefix) if in_audit else Q()
        date_field = (
            "procedure__performed_on" if self.date_basis == PROCEDURE_DATE else "assessment_date"
        )
        if self.date_basis == PROCEDURE_DATE and (self.date_from or self.date_to):
            q &= Q(**{f"{prefix}procedure__performed": PERFORMED})
        if self.date_from:
            q &= Q(**{f"{prefix}{date_field}__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{prefix}{date_field}__lte": self.date_to})
        for name in ("treated_level", "fracture_etiology", "scenario"):
            if getattr(self, name):
                q &= Q(**{f"{prefix}{name}": getattr(self, name)})
        if self.clinician_id:
            q &= Q(**{f"{prefix}owner_id": self.clinician_id})
        return q

    def facts_q(self) -> Q:
        """The same filter on the audit's facts (`AuditFact`), which hold its columns."""
        q = in_audit_q()
        if self.date_basis == PROCEDURE_DATE:
            date_field = "performed_on"
            if self.date_from or self.date_to:
                q &= Q(performed=PERFORMED)
        else:
            date_field = "assessment_date"
        if self.date_from:
            q &= Q(**{f"{date_field}__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{date_field}__lte": self.date_to})
        for name, column in (
            ("treated_level", "treated_level"),
            ("fracture_etiology", "etiology"),
            ("scenario", "scenario"),
        ):
            if getattr(self, name):
                q &= Q(**{column: getattr(self, name)})
        if self.clinician_id:
            q &= Q(owner_id=self.clinician_id)
        return q

    @property
    def is_filtered(self) -> bool:
        return any(
            (
                self.date_from,
                self.date_to,
                self.clinician_id,
                self.treated_level,
                self.fracture_etiology,
                self.scenario,
            )
        )


# --- The groups the queries return, and sums over them ------------------------------------


class Groups:
    """Rows of an aggregate query (dicts), summed over any selection of them."""

    def __init__(self, rows: Iterable[dict]):
        self.rows = list(rows)

    def where(self, keep: Callable[[dict], bool]) -> "Groups":
        return Groups(row for row in self.rows if keep(row))

    def total(self, name: str) -> float:
        return sum(row[name] or 0 for row in self.rows)

    def count(self, name: str) -> int:
        return int(self.total(name))

    def mean(self, name: str) -> Mean:
        """The mean of a measure whose count, sum and sum of squares are `name`_n/_sum/_sq."""
        n = self.count(f"{name}_n")
        if not n:
            return mean(0, None, None)
        return mean(n, self.total(f"{name}_sum") / n, self.total(f"{name}_sq") / n)

    def rate(self, k: str, n: str) -> Rate:
        return rate(self.count(k), self.count(n))

    def by(self, key: str) -> dict:
        split: dict = defaultdict(list)
        for row in self.rows:
            split[row[key]].append(row)
        return {value: Groups(rows) for value, rows in split.items()}


def _is_repeat(row: dict) -> bool:
    return row["recommendation"] in REPEAT_RECOMMENDATIONS


def _is_indicated(row: dict) -> bool:
    return row["recommendation"] == ADHERENCE_RECOMMENDATION


def _is_considered(row: dict) -> bool:
    return row["recommendation"] == REPEAT_MAY_BE_CONSIDERED


def _performed(row: dict) -> bool:
    return row["performed"] == PERFORMED


# --- What the audit returns ---------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow:
    recommendation: str
    recommendation_label: str
    rule: str
    rule_label: str  # why the rule decided, in words (the page prints no rule id)
    total: int
    recorded: int
    performed: int
    declined: int
    not_offered: int
    not_performed: int
    is_repeat: bool


@dataclass(frozen=True)
class Adherence:
    """What was decided after the assessments of one group."""

    assessments: int
    recorded: int  # decisions recorded
    repeat_recorded: int  # decisions recorded after a repeat recommendation (either kind)
    indicated_recorded: int  # decisions recorded after "repeat vertebroplasty indicated"
    adherence: Rate  # performed / (recorded after "indicated" − declined), "indicated" only
    refusals: Rate  # declined by the patient / recorded after a repeat recommendation
    not_offered: int  # after "indicated"
    not_performed: int  # after "indicated": offered, not done
    not_done_reasons: dict  # after "indicated": offered, not done, by reason code
    considered: Rate  # performed / recorded after "may be considered": a count, no adherence
    overrides: Rate  # performed / recorded after another recommendation
    relief: Rate  # among repeat procedures performed, seen at 1 month


@dataclass(frozen=True)
class Completeness:
    clinician_id: int
    assessments: int
    decisions: Rate  # decisions recorded / assessments
    follow_ups: Rate  # visits recorded / visits due


@dataclass(frozen=True)
class Split:
    code: str
    label: str
    figures: Adherence


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int
    adherence: Rate
    relief: Rate

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"


@dataclass(frozen=True)
class MeetingCase:
    """One case for the meeting: why it is listed, and where its result page is."""

    assessment_id: str
    patient_ref: str
    treated_level: str
    clinician_id: int
    assessment_date: date | None
    recommendation: str
    rule: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Fracture:
    kind: str
    days: int


@dataclass
class Audit:
    filter: AuditFilter
    assessments: int = 0
    excluded: dict = field(default_factory=dict)  # status -> count (drafts, discarded, …)
    rules: list[RuleRow] = field(default_factory=list)
    department: Adherence | None = None
    override_rows: list[RuleRow] = field(default_factory=list)
    by_clinician: dict[int, Adherence] = field(default_factory=dict)
    completeness: list[Completeness] = field(default_factory=list)
    by_etiology: list[Split] = field(default_factory=list)
    by_scenario: list[Split] = field(default_factory=list)
    quarters: list[Quarter] = field(default_factory=list)
    performed: int = 0
    vas_before: Mean | None = None
    vas_1_month: Mean | None = None
    vas_3_months: Mean | None = None
    change_1_month: Mean | None = None
    change_3_months: Mean | None = None
    series_1_before: Mean | None = None
    series_1_month: Mean | None = None
    series_2_3_months: Mean | None = None
    leakage: Rate | None = None
    asymptomatic_leakage: Rate | None = None
    series_1_asymptomatic_leakage: Rate | None = None
    symptomatic_leakage: Rate | None = None
    major_complications: Rate | None = None
    osteoporotic_major_complications: Rate | None = None
    cement_repeat: Mean | None = None
    cement_index: Mean | None = None
    cement_difference: Mean | None = None
    series_2_cement_repeat: Mean | None = None
    series_2_cement_index: Mean | None = None
    cleft_gone: Rate | None = None
    relief_cleft_gone: Rate | None = None
    relief_cleft_persists: Rate | None = None
    new_fracture_year: Rate | None = None
    treated_level_fracture: Rate | None = None
    fractures: int = 0
    adjacent_share: Rate | None = None
    days_adjacent: Mean | None = None
    days_non_adjacent: Mean | None = None
    cases: list[MeetingCase] = field(default_factory=list)
    cases_more: bool = False  # more cases than the list shows
    feedback: list[dict] = field(default_factory=list)
    computed_at: datetime | None = None  # when the figures were computed (they may be cached)

    # Shortcuts kept for the display.
    @property
    def adherence(self) -> Rate | None:
        return self.department.adherence if self.department else None

    @property
    def overrides(self) -> Rate | None:
        return self.department.overrides if self.department else None

    @property
    def refusals(self) -> Rate | None:
        return self.department.refusals if self.department else None

    @property
    def relief(self) -> Rate | None:
        return self.department.relief if self.department else None


# --- Feedback from the electronic record (CDS Hooks), registered by the app that keeps it --

FeedbackSource = Callable[[AuditFilter], list[dict]]
_feedback_sources: list[FeedbackSource] = []


def register_feedback_source(source: FeedbackSource) -> None:
    """`source(audit_filter)` returns [{"recommendation", "outcome", "n"}] in one query:
    guidance cards accepted or overridden in the electronic record."""
    if source not in _feedback_sources:
        _feedback_sources.append(source)


def feedback(audit_filter: AuditFilter) -> list[dict]:
    """The rows of every registered feedback source for the filter (one query each)."""
    return [row for source in _feedback_sources for row in source(audit_filter)]


# --- The queries ----------------------------------------------------------------------------


def audit(
    audit_filter: AuditFilter,
    *,
    today: date,
    case_owner_id: int | None = None,
    with_feedback: bool = True,
) -> Audit:
    """Every figure of the dashboard, in a fixed number of queries whatever the numbers.

    1. the assessments matching the filter by status, clinician, recommendation, rule,
       etiology and scenario (counts: those in the audit, and those left out by status);
    2. the recorded decisions by the same groups, the quarter and the decision: counts;
    3. the repeat procedures performed by etiology and scenario: counts, sums and sums of
       squares of every outcome;
    4. the new fractures after a repeat procedure, one row per fracture;
    5. the cases for the meeting (the most recent `CASE_LIST_LIMIT`), only
       `case_owner_id`'s when given (a clinician's own view);
    6. any feedback source registered (one query each).

    Queries 2–5 read the audit's facts (`outcomes.facts`), one narrow row per decision.
    """
    result = Audit(filter=audit_filter)
    statuses = Groups(_rows(_totals(audit_filter)))
    totals = statuses.where(_in_audit)
    result.excluded = {
        status: groups.count("total")
        for status, groups in statuses.where(lambda row: not _in_audit(row)).by("status").items()
    }
    decisions = Groups(_rows(_decision_groups(audit_filter, today)))
    _recommendations(result, totals, decisions)
    _adherence(result, totals, decisions)
    _outcomes(result, Groups(_rows(_outcome_groups(audit_filter))))
    _fractures(result, audit_filter, decisions.where(_performed).count("followed"))
    _cases(result, audit_filter, case_owner_id)
    if with_feedback:
        result.feedback = feedback(audit_filter)
    return result


def _rows(queryset) -> list[dict]:
    """The rows of an aggregate `values()` query, read straight from the database cursor.

    Every column is a code, a count or a sum (no date, no decimal), so there is nothing to
    convert: Django's converters, one call per value, cost a tenth of the dashboard over
    thousands of groups of sixty figures.
    """
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


GROUP_KEYS = {
    "owner_id": "owner_id",
    "recommendation": "recommendation",
    "rule": "deciding_rule",
    "etiology": "fracture_etiology",
    "scenario": "scenario",
}


IN_AUDIT_STATUSES = frozenset(Assessment.IN_AUDIT_STATUSES)


def _in_audit(row: dict) -> bool:
    return row["status"] in IN_AUDIT_STATUSES


def _totals(audit_filter: AuditFilter):
    # Every status, read from one covering index: the audit's own, and those it leaves out
    # (counted apart, with the reason). No quarter here: the run chart reads the decisions
    # only, and a date function on every assessment would cost more than the rest.
    return (
        Assessment.objects.filter(audit_filter.q(in_audit=False))
        .annotate(**{key: F(source) for key, source in GROUP_KEYS.items() if key != source})
        .values(*GROUP_KEYS, "status")
        .annotate(total=Count("*"))
        .order_by()
    )


def _float(expression):
    return Cast(expression, FloatField())


def _square(expression):
    """x², whose mean gives the spread: SQLite's STDDEV fails on NULLs (filtered rows) and on no row."""
    return ExpressionWrapper(expression * expression, output_field=FloatField())


def _moments(name: str, expression, condition: Q | None = None) -> dict:
    """Count, sum and sum of squares of `expression` (NULLs left out), under `name`."""
    extra = {"filter": condition} if condition is not None else {}
    return {
        f"{name}_n": Count(expression, **extra),
        f"{name}_sum": Sum(expression, **extra),
        f"{name}_sq": Sum(_square(expression), **extra),
    }


VISITS = {
    "v1": choices.Interval.ONE_MONTH,
    "v3": choices.Interval.THREE_MONTHS,
    "v12": choices.Interval.TWELVE_MONTHS,
}


def _decision_groups(audit_filter: AuditFilter, today: date):
    """Every recorded decision by clinician, recommendation, rule, etiology, scenario,
    quarter and decision: how many, and what the completeness and the relief need."""
    due = {
        visit: Q(base_date__lte=today - timedelta(days=choices.INTERVAL_DAYS[interval]))
        for visit, interval in VISITS.items()
    }
    seen = {"v1": Q(seen_1=True), "v3": Q(seen_3=True), "v12": Q(seen_12=True)}
    return (
        AuditFact.objects.filter(audit_filter.facts_q())
        .values(*GROUP_KEYS, "period", "performed")
        .annotate(
            n=Count("pk"),
            seen1=Count("pk", filter=seen["v1"]),
            followed=Count("pk", filter=seen["v1"] | seen["v3"] | seen["v12"]),
            relieved=Count("pk", filter=Q(relieved=True)),
            **{
                f"not_done_{code}": Count(
                    "pk", filter=Q(performed=choices.Performed.NO, not_done_reason=code)
                )
                for code in choices.NotDoneReason.values
            },
            **{f"due_{visit}": Count("pk", filter=due[visit]) for visit in VISITS},
            **{f"seen_{visit}": Count("pk", filter=due[visit] & seen[visit]) for visit in VISITS},
        )
        .order_by()
    )


def _outcome_groups(audit_filter: AuditFilter):
    """The repeat procedures performed, by etiology and scenario (what the published series
    are matched on): counts, sums and sums of squares of every outcome."""
    seen_at_1 = Q(seen_1=True)
    cleft = Q(cleft=True)
    series_2 = cleft & Q(etiology=OSTEOPOROTIC)
    relieved = Q(relieved=True)
    gone = Q(cleft_gone=True)
    persists = Q(cleft_persists=True)
    paired = Q(cement_ml__isnull=False, index_cement_ml__isnull=False)
    before = F("vas_before")
    return (
        AuditFact.objects.filter(audit_filter.facts_q(), performed=PERFORMED)
        .values("etiology", "scenario")
        .annotate(
            n=Count("pk"),
            **_moments("before", before),
            **_moments("v1", F("vas_1")),
            **_moments("v3", F("vas_3")),
            **_moments("change1", F("vas_1") - before),
            **_moments("change3", F("vas_3") - before),
            **_moments("before_paired", before, seen_at_1),
            **_moments("v3_cleft", F("vas_3"), cleft),
            leak_n=Count("pk", filter=~Q(leakage="")),
            asymptomatic=Count("pk", filter=Q(leakage=choices.Leakage.ASYMPTOMATIC)),
            symptomatic=Count("pk", filter=Q(leakage=choices.Leakage.SYMPTOMATIC)),
            complications_n=Count("pk", filter=~Q(complications="")),
            major=Count("pk", filter=Q(complications=choices.Complications.MAJOR)),
            **_moments("repeat", F("cement_ml"), paired),
            **_moments("index", F("index_cement_ml"), paired),
            **_moments("difference", F("cement_ml") - F("index_cement_ml"), paired),
            **_moments("s2_repeat", F("cement_ml"), paired & series_2),
            **_moments("s2_index", F("index_cement_ml"), paired & series_2),
            imaged=Count("pk", filter=cleft & (gone | persists)),
            gone_n=Count("pk", filter=cleft & gone),
            gone_seen=Count("pk", filter=cleft & gone & seen_at_1),
            gone_relieved=Count("pk", filter=cleft & gone & relieved),
            persists_seen=Count("pk", filter=cleft & persists & seen_at_1),
            persists_relieved=Count("pk", filter=cleft & persists & relieved),
            year_n=Count("pk", filter=Q(seen_12=True)),
            year_k=Count("pk", filter=Q(fracture_in_year=True)),
        )
        .order_by()
    )


# --- From the groups to the figures ---------------------------------------------------------


def _recommendations(result: Audit, totals: Groups, decisions: Groups) -> None:
    """Assessments by recommendation and deciding rule, and what was decided after them."""
    labels = dict(wording.recommendation_choices())
    counted: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in decisions.rows:
        counted[(row["recommendation"], row["rule"])][row["performed"]] += row["n"]
    assessed: dict[tuple[str, str], int] = defaultdict(int)
    for row in totals.rows:
        assessed[(row["recommendation"], row["rule"])] += row["total"]
    rows = []
    for key, total in assessed.items():
        counts = counted.get(key, {})
        rows.append(
            RuleRow(
                recommendation=key[0],
                recommendation_label=wording.recommendation_label(key[0]),
                rule=key[1],
                rule_label=wording.rule_words(key[1]),
                total=total,
                recorded=sum(counts.values()),
                performed=counts.get(PERFORMED, 0),
                declined=counts.get(DECLINED, 0),
                not_offered=counts.get(choices.Performed.NOT_OFFERED, 0),
                not_performed=counts.get(choices.Performed.NO, 0),
                is_repeat=key[0] in REPEAT_RECOMMENDATIONS,
            )
        )
    order = list(labels)
    rows.sort(
        key=lambda row: (
            order.index(row.recommendation) if row.recommendation in order else len(order),
            _rule_number(row.rule),
        )
    )
    result.rules = rows
    result.assessments = sum(row.total for row in rows)
    result.override_rows = [row for row in rows if not row.is_repeat and row.performed]


def _rule_number(rule: str) -> int:
    return int(rule[1:]) if rule[1:].isdigit() else 0


def adherence_of(totals: Groups, decisions: Groups) -> Adherence:
    repeat = decisions.where(_is_repeat)
    indicated = decisions.where(_is_indicated)
    considered = decisions.where(_is_considered)
    other = decisions.where(lambda row: not _is_repeat(row))

    def decided(groups: Groups, *values: str) -> int:
        return groups.where(lambda row: row["performed"] in values).count("n")

    repeat_recorded = repeat.count("n")
    indicated_recorded = indicated.count("n")
    done = decisions.where(_performed)
    return Adherence(
        assessments=totals.count("total"),
        recorded=decisions.count("n"),
        repeat_recorded=repeat_recorded,
        indicated_recorded=indicated_recorded,
        adherence=rate(
            decided(indicated, PERFORMED), indicated_recorded - decided(indicated, DECLINED)
        ),
        refusals=rate(decided(repeat, DECLINED), repeat_recorded),
        not_offered=decided(indicated, choices.Performed.NOT_OFFERED),
        not_performed=decided(indicated, choices.Performed.NO),
        not_done_reasons={
            code: indicated.count(f"not_done_{code}") for code in choices.NotDoneReason.values
        },
        considered=rate(decided(considered, PERFORMED), considered.count("n")),
        overrides=rate(decided(other, PERFORMED), other.count("n")),
        relief=done.rate("relieved", "seen1"),
    )


def _adherence(result: Audit, totals: Groups, decisions: Groups) -> None:
    result.department = adherence_of(totals, decisions)
    decided_by = decisions.by("owner_id")
    empty = Groups(())
    for owner_id, owner_totals in sorted(totals.by("owner_id").items()):
        owner_decisions = decided_by.get(owner_id, empty)
        result.by_clinician[owner_id] = adherence_of(owner_totals, owner_decisions)
        due = sum(owner_decisions.count(f"due_{visit}") for visit in VISITS)
        seen = sum(owner_decisions.count(f"seen_{visit}") for visit in VISITS)
        result.completeness.append(
            Completeness(
                clinician_id=owner_id,
                assessments=owner_totals.count("total"),
                decisions=rate(owner_decisions.count("n"), owner_totals.count("total")),
                follow_ups=rate(seen, due),
            )
        )
    for key, codes, label_of, target in (
        ("etiology", wording.etiology_choices(), wording.etiology_label, result.by_etiology),
        ("scenario", wording.scenario_choices(), wording.scenario_label, result.by_scenario),
    ):
        decided = decisions.by(key)
        labels = dict(codes)
        for code, code_totals in totals.by(key).items():
            target.append(
                Split(
                    code,
                    label_of(code),
                    adherence_of(code_totals, decided.get(code, empty)),
                )
            )
        order = list(labels)
        target.sort(
            key=lambda split: order.index(split.code) if split.code in order else len(order)
        )
    by_period = decisions.by("period")
    for period in _every_quarter(by_period):
        # A quarter without any decision is kept, empty: the run chart shows the gap.
        figures = adherence_of(empty, by_period.get(period, empty))
        year, quarter = divmod(period, 10)
        result.quarters.append(Quarter(year, quarter, figures.adherence, figures.relief))


def _every_quarter(periods) -> list[int]:
    """Every quarter (year × 10 + quarter) from the first to the last of `periods`."""
    if not periods:
        return []
    first, last = min(periods), max(periods)
    quarters, (year, quarter) = [], divmod(first, 10)
    while year * 10 + quarter <= last:
        quarters.append(year * 10 + quarter)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


def _vas(figure: Mean) -> Mean:
    return bounded(figure, *VAS_SCALE)


def _change(figure: Mean) -> Mean:
    return bounded(figure, -VAS_SCALE[1], VAS_SCALE[1])


def _positive(figure: Mean) -> Mean:
    return bounded(figure, 0.0, float("inf"))


def _outcomes(result: Audit, done: Groups) -> None:
    """The repeat procedures performed (`done`): pain, relief, safety, cement, the cleft."""
    series_1 = done.where(lambda row: row["scenario"] in SERIES_1_SCENARIOS)
    series_2 = done.where(lambda row: row["scenario"] in SERIES_2_SCENARIOS)
    osteoporotic = done.where(lambda row: row["etiology"] == OSTEOPOROTIC)
    result.performed = done.count("n")
    result.vas_before = _vas(done.mean("before"))
    result.vas_1_month = _vas(done.mean("v1"))
    result.vas_3_months = _vas(done.mean("v3"))
    result.change_1_month = _change(done.mean("change1"))
    result.change_3_months = _change(done.mean("change3"))
    result.series_1_before = _vas(series_1.mean("before_paired"))
    result.series_1_month = _vas(series_1.mean("v1"))
    # Series 2 is of osteoporotic fractures, as the row's label says.
    result.series_2_3_months = _vas(
        series_2.where(lambda row: row["etiology"] == OSTEOPOROTIC).mean("v3_cleft")
    )
    result.leakage = rate(
        done.count("asymptomatic") + done.count("symptomatic"), done.count("leak_n")
    )
    result.asymptomatic_leakage = done.rate("asymptomatic", "leak_n")
    result.series_1_asymptomatic_leakage = series_1.rate("asymptomatic", "leak_n")
    result.symptomatic_leakage = done.rate("symptomatic", "leak_n")
    result.major_complications = done.rate("major", "complications_n")
    result.osteoporotic_major_complications = osteoporotic.rate("major", "complications_n")
    result.cement_repeat = _positive(done.mean("repeat"))
    result.cement_index = _positive(done.mean("index"))
    result.cement_difference = done.mean("difference")
    result.series_2_cement_repeat = _positive(series_2.mean("s2_repeat"))
    result.series_2_cement_index = _positive(series_2.mean("s2_index"))
    result.cleft_gone = done.rate("gone_n", "imaged")
    result.relief_cleft_gone = done.rate("gone_relieved", "gone_seen")
    result.relief_cleft_persists = done.rate("persists_relieved", "persists_seen")
    result.new_fracture_year = done.rate("year_k", "year_n")


def _fractures(result: Audit, audit_filter: AuditFilter, followed: int) -> None:
    """New fractures after a repeat procedure, each counted once however many visits report it;
    the patients with a refracture at the treated level among the `followed` (those with a
    repeat procedure and at least one follow-up)."""
    # The few follow-ups with a fracture (through their index), of the decisions in the audit.
    reported = AuditFact.objects.filter(audit_filter.facts_q(), performed=PERFORMED).filter(
        Q(fractured=True) | Q(refractured=True)
    )
    procedure_date = AuditFact.objects.filter(assessment_id=OuterRef("assessment_id")).values(
        "performed_on"
    )
    days = DaysBetween(F("new_fracture_date"), Subquery(procedure_date[:1]))
    rows = (
        FollowUp.objects.filter(
            new_fracture__in=(*FRACTURES, TREATED_LEVEL),
            assessment_id__in=reported.values("assessment_id"),
        )
        .annotate(days=days)
        .values_list("assessment_id", "new_fracture", "new_fracture_date", "days")
        .distinct()
        .order_by()
    )
    rows = list(rows)
    treated = {assessment_id for assessment_id, kind, _, _ in rows if kind == TREATED_LEVEL}
    result.treated_level_fracture = rate(len(treated), followed)
    fractures = [Fracture(kind, days) for _, kind, _, days in rows if kind != TREATED_LEVEL]
    result.fractures = len(fractures)
    adjacent = [f.days for f in fractures if f.kind == choices.NewFracture.ADJACENT]
    other = [f.days for f in fractures if f.kind == choices.NewFracture.NON_ADJACENT]
    result.adjacent_share = rate(len(adjacent), len(fractures))
    result.days_adjacent = _positive(_mean_of(adjacent))
    result.days_non_adjacent = _positive(_mean_of(other))


def _mean_of(values: list[int]) -> Mean:
    if not values:
        return mean(0, None, None)
    n = len(values)
    return mean(n, sum(values) / n, sum(v * v for v in values) / n)


CASE_REASONS = {
    "major": "Major complication",
    "symptomatic": "Symptomatic cement leak",
    "fracture": "New vertebral fracture at another level",
    "treated": "Refracture or further collapse at the treated level",
    "override": "Override: performed without a repeat recommendation",
    "declined": "Declined by the patient",
    "not_followed": "Not performed after “Repeat vertebroplasty indicated”",
}


def _case_reasons(row: dict, flags) -> tuple[str, ...]:
    reasons = []
    for name in flags:
        if not row[f"is_{name}"]:
            continue
        words = CASE_REASONS[name]
        if name == "not_followed":
            words += f" ({_not_done_words(row)})"
        reasons.append(words)
    return tuple(reasons)


def _not_done_words(row: dict) -> str:
    if row["performed"] == choices.Performed.NOT_OFFERED:
        return "not offered"
    if row["not_done_reason"] == choices.NotDoneReason.OTHER and row["not_done_detail"]:
        return f"offered, not done: {row['not_done_detail']}"
    if row["not_done_reason"]:
        reason = choices.NotDoneReason(row["not_done_reason"]).label.lower()
        return f"offered, not done: {reason}"
    return "offered, not done"


def _cases(result: Audit, audit_filter: AuditFilter, owner_id: int | None) -> None:
    performed = Q(performed=PERFORMED)
    flags = {
        "major": performed & Q(complications=choices.Complications.MAJOR),
        "symptomatic": performed & Q(leakage=choices.Leakage.SYMPTOMATIC),
        "fracture": Q(fractured=True),
        "treated": Q(refractured=True),
        "override": performed & ~Q(recommendation__in=REPEAT_RECOMMENDATIONS),
        "declined": Q(performed=DECLINED),
        "not_followed": Q(
            performed__in=(choices.Performed.NO, choices.Performed.NOT_OFFERED),
            recommendation=ADHERENCE_RECOMMENDATION,
        ),
    }
    any_flag = Q()
    for condition in flags.values():
        any_flag |= condition
    cases = (
        AuditFact.objects.filter(audit_filter.facts_q())
        .annotate(
            **{
                f"is_{name}": Case(When(condition, then=True), default=False)
                for name, condition in flags.items()
            },
        )
        .filter(any_flag)
    )
    if owner_id is not None:
        cases = cases.filter(owner_id=owner_id)
    # One row more than the list shows says whether there are more, without counting them all.
    rows = list(
        cases.order_by("-assessment_date", "patient_ref").values(
            "assessment_id",
            "patient_ref",
            "treated_level",
            "owner_id",
            "assessment_date",
            "recommendation",
            "rule",
            "performed",
            "not_done_reason",
            "not_done_detail",
            *(f"is_{name}" for name in flags),
        )[: CASE_LIST_LIMIT + 1]
    )
    result.cases_more = len(rows) > CASE_LIST_LIMIT
    rows = rows[:CASE_LIST_LIMIT]
    result.cases = [
        MeetingCase(
            assessment_id=str(row["assessment_id"]),
            patient_ref=row["patient_ref"] or "",
            treated_level=row["treated_level"] or "",
            clinician_id=row["owner_id"],
            assessment_date=row["assessment_date"],
            recommendation=row["recommendation"],
            rule=row["rule"],
            reasons=_case_reasons(row, flags),
        )
        for row in rows
    ]
