"""The department audit: what was recommended, what was done, and how the patients did.

Every figure is an aggregate computed by the database (a fixed number of
queries, whatever the number of assessments); `stats` turns counts, means and
standard deviations into 95% intervals.

Definitions (project conventions, printed on the dashboard):
- The population is the final assessments (superseded ones are replaced by
  their amendment) whose assessment date, clinician and treated level match
  the filter.
- "Repeat recommended": the spec's "repeat recommendations" (§5),
  `repeat_indicated` or `repeat_may_be_considered`. Adherence: procedures
  performed among recorded decisions after a repeat recommendation.
  Override: a procedure performed although no repeat was recommended.
- Relief (complete or partial): VAS at the 1-month follow-up at least
  `RELIEF_MIN_DROP` points below the VAS at the assessment.
- The cleft is "gone" when any follow-up reads it gone, "persists" when one
  reads it persisting and none gone.
- New fracture within a year: among patients with a 12-month follow-up, a
  new fracture recorded at any follow-up; days are counted from the
  procedure (or the assessment when none was done) to the fracture.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Q,
    Sum,
    When,
)
from django.db.models.functions import Cast

from assessments.models import Assessment, in_audit_q
from vertebro_rules import vocabulary

from . import choices
from .expressions import DaysBetween
from .models import FollowUp, Procedure
from .stats import Mean, Rate, mean, rate

REPEAT_RECOMMENDATIONS = (
    vocabulary.Recommendation.REPEAT_INDICATED,
    vocabulary.Recommendation.REPEAT_MAY_BE_CONSIDERED,
)
# Project convention: a fall of 2 points or more on the 0–10 scale counts as relief.
RELIEF_MIN_DROP = 2
PERFORMED = choices.Performed.YES


@dataclass(frozen=True)
class AuditFilter:
    date_from: date | None = None
    date_to: date | None = None
    clinician_id: int | None = None
    treated_level: str | None = None

    def q(self, prefix: str = "") -> Q:
        """The filter on assessments, reached from another model through `prefix`."""
        q = in_audit_q(prefix)
        if self.date_from:
            q &= Q(**{f"{prefix}assessment_date__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{prefix}assessment_date__lte": self.date_to})
        if self.clinician_id:
            q &= Q(**{f"{prefix}owner_id": self.clinician_id})
        if self.treated_level:
            q &= Q(**{f"{prefix}treated_level": self.treated_level})
        return q


@dataclass(frozen=True)
class RuleRow:
    recommendation: str
    recommendation_label: str
    rule: str
    total: int
    recorded: int
    performed: int
    declined: int
    not_offered: int
    not_performed: int
    is_repeat: bool


@dataclass
class Audit:
    filter: AuditFilter
    assessments: int = 0
    rules: list[RuleRow] = field(default_factory=list)
    adherence: Rate | None = None
    overrides: Rate | None = None
    override_rows: list[RuleRow] = field(default_factory=list)
    performed: int = 0
    vas_before: Mean | None = None
    vas_1_month: Mean | None = None
    vas_3_months: Mean | None = None
    relief: Rate | None = None
    leakage: Rate | None = None
    symptomatic_leakage: Rate | None = None
    major_complications: Rate | None = None
    cement_repeat: Mean | None = None
    cement_index: Mean | None = None
    cement_difference: Mean | None = None
    cleft_gone: Rate | None = None
    relief_cleft_gone: Rate | None = None
    relief_cleft_persists: Rate | None = None
    new_fracture_year: Rate | None = None
    adjacent_share: Rate | None = None
    days_adjacent: Mean | None = None
    days_non_adjacent: Mean | None = None


def _base_date(prefix: str):
    """Where follow-ups count from: the procedure's date when performed, else the assessment."""
    return Case(
        When(
            **{
                f"{prefix}procedure__performed": PERFORMED,
                f"{prefix}procedure__performed_on__isnull": False,
            },
            then=F(f"{prefix}procedure__performed_on"),
        ),
        default=F(f"{prefix}assessment_date"),
        output_field=DateField(),
    )


def _float(expression):
    return Cast(expression, FloatField())


def _square(expression):
    """x², whose mean gives the spread: SQLite's STDDEV fails on NULLs (filtered rows) and on no row."""
    return ExpressionWrapper(expression * expression, output_field=FloatField())


def audit(audit_filter: AuditFilter) -> Audit:
    """Every figure of the dashboard, in three aggregate queries whatever the numbers.

    1. final assessments by recommendation and deciding rule;
    2. recorded procedures by recommendation, deciding rule and decision, each with its
       three visits joined beside it: counts, sums and sums of squares per group (a few
       dozen groups, added up here);
    3. new fractures by kind, with the days from the procedure (or assessment).
    """
    result = Audit(filter=audit_filter)
    totals = (
        Assessment.objects.filter(audit_filter.q())
        .values("recommendation", "deciding_rule")
        .annotate(total=Count("*"))
        .order_by()
    )
    groups = list(_procedure_groups(audit_filter))
    _recommendations(result, totals, groups)
    _outcomes(result, groups)
    _fracture_days(result, audit_filter)
    return result


def _recommendations(result: Audit, totals, groups: list[dict]) -> None:
    """Assessments by recommendation and deciding rule, and what was decided after them."""
    labels = dict(vocabulary.Recommendation.choices)
    decisions: dict[tuple[str, str], dict[str, int]] = {}
    for group in groups:
        key = (group["assessment__recommendation"], group["assessment__deciding_rule"])
        decisions.setdefault(key, {})[group["performed"]] = group["n"]
    rows = []
    for group in totals:
        key = (group["recommendation"], group["deciding_rule"])
        counts = decisions.get(key, {})
        rows.append(
            RuleRow(
                recommendation=key[0],
                recommendation_label=labels.get(key[0], key[0]),
                rule=key[1],
                total=group["total"],
                recorded=sum(counts.values()),
                performed=counts.get(choices.Performed.YES, 0),
                declined=counts.get(choices.Performed.DECLINED, 0),
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
    repeat = [row for row in rows if row.is_repeat]
    other = [row for row in rows if not row.is_repeat]
    result.adherence = rate(sum(r.performed for r in repeat), sum(r.recorded for r in repeat))
    result.overrides = rate(sum(r.performed for r in other), sum(r.recorded for r in other))
    result.override_rows = [row for row in other if row.performed]


def _rule_number(rule: str) -> int:
    return int(rule[1:]) if rule[1:].isdigit() else 0


VISITS = {
    "v1": choices.Interval.ONE_MONTH,
    "v3": choices.Interval.THREE_MONTHS,
    "v12": choices.Interval.TWELVE_MONTHS,
}
FRACTURES = (choices.NewFracture.ADJACENT, choices.NewFracture.NON_ADJACENT)


def _any_visit(**lookup) -> Q:
    """One of the three visits matches `lookup` (given without the visit's prefix)."""
    q = Q()
    for visit in VISITS:
        q |= Q(**{f"{visit}__{name}": value for name, value in lookup.items()})
    return q


def _moments(name: str, expression, condition: Q | None = None) -> dict:
    """Count, sum and sum of squares of `expression` (NULLs left out), under `name`."""
    extra = {"filter": condition} if condition is not None else {}
    return {
        f"{name}_n": Count(expression, **extra),
        f"{name}_sum": Sum(expression, **extra),
        f"{name}_sq": Sum(_square(expression), **extra),
    }


def _procedure_groups(audit_filter: AuditFilter):
    visits = {
        visit: FilteredRelation(
            "assessment__follow_ups", condition=Q(assessment__follow_ups__interval=interval)
        )
        for visit, interval in VISITS.items()
    }
    paired = Q(cement_volume_ml__isnull=False, assessment__index_cement_volume_ml__isnull=False)
    leaked = Q(leakage__in=[choices.Leakage.ASYMPTOMATIC, choices.Leakage.SYMPTOMATIC])
    relieved = Q(v1__vas__lte=F("assessment__vas_current") - RELIEF_MIN_DROP)
    seen_at_1 = Q(v1__id__isnull=False)
    cleft = Q(assessment__cleft_sign=vocabulary.Finding.PRESENT)
    gone = _any_visit(cleft_on_imaging=choices.CleftOnImaging.GONE)
    not_gone = Q()
    for visit in VISITS:
        not_gone &= Q(**{f"{visit}__id__isnull": True}) | Q(
            **{f"{visit}__cleft_on_imaging__in": ["persists", "not_imaged"]}
        )
    persists = _any_visit(cleft_on_imaging=choices.CleftOnImaging.PERSISTS) & not_gone
    seen_at_12 = Q(v12__id__isnull=False)
    repeat = _float("cement_volume_ml")
    index = _float("assessment__index_cement_volume_ml")
    return (
        # Every decision is one of these; saying so lets SQLite (which keeps no statistics)
        # start from the procedures through their index instead of from every assessment.
        Procedure.objects.filter(
            audit_filter.q("assessment__"), performed__in=choices.Performed.values
        )
        .annotate(**visits)
        .values("assessment__recommendation", "assessment__deciding_rule", "performed")
        .annotate(
            n=Count("id"),
            **_moments("before", _float("assessment__vas_current")),
            **_moments("v1", _float("v1__vas")),
            **_moments("v3", _float("v3__vas")),
            relieved=Count("id", filter=relieved),
            leak_n=Count("id", filter=~Q(leakage="")),
            leaked=Count("id", filter=leaked),
            symptomatic=Count("id", filter=Q(leakage=choices.Leakage.SYMPTOMATIC)),
            complications_n=Count("id", filter=~Q(complications="")),
            major=Count("id", filter=Q(complications=choices.Complications.MAJOR)),
            **_moments("repeat", repeat, paired),
            **_moments("index", index, paired),
            **_moments("difference", repeat - index, paired),
            imaged=Count("id", filter=cleft & (gone | persists)),
            gone_n=Count("id", filter=cleft & gone),
            gone_seen=Count("id", filter=cleft & gone & seen_at_1),
            gone_relieved=Count("id", filter=cleft & gone & relieved),
            persists_seen=Count("id", filter=cleft & persists & seen_at_1),
            persists_relieved=Count("id", filter=cleft & persists & relieved),
            year_n=Count("id", filter=seen_at_12),
            year_k=Count("id", filter=seen_at_12 & _any_visit(new_fracture__in=FRACTURES)),
        )
        .order_by()
    )


def _total(groups: list[dict], name: str) -> float:
    return sum(group[name] or 0 for group in groups)


def _mean(groups: list[dict], name: str) -> Mean:
    n = _total(groups, f"{name}_n")
    if not n:
        return mean(0, None, None)
    return mean(n, _total(groups, f"{name}_sum") / n, _total(groups, f"{name}_sq") / n)


def _outcomes(result: Audit, groups: list[dict]) -> None:
    """The repeat procedures performed (and, for new fractures, every recorded decision)."""
    done = [group for group in groups if group["performed"] == PERFORMED]

    def total(name: str) -> float:
        return _total(done, name)

    result.performed = total("n")
    result.vas_before = _mean(done, "before")
    result.vas_1_month = _mean(done, "v1")
    result.vas_3_months = _mean(done, "v3")
    result.relief = rate(total("relieved"), total("v1_n"))
    result.leakage = rate(total("leaked"), total("leak_n"))
    result.symptomatic_leakage = rate(total("symptomatic"), total("leak_n"))
    result.major_complications = rate(total("major"), total("complications_n"))
    result.cement_repeat = _mean(done, "repeat")
    result.cement_index = _mean(done, "index")
    result.cement_difference = _mean(done, "difference")
    result.cleft_gone = rate(total("gone_n"), total("imaged"))
    result.relief_cleft_gone = rate(total("gone_relieved"), total("gone_seen"))
    result.relief_cleft_persists = rate(total("persists_relieved"), total("persists_seen"))
    result.new_fracture_year = rate(_total(groups, "year_k"), _total(groups, "year_n"))


def _fracture_days(result: Audit, audit_filter: AuditFilter) -> None:
    days = _float(DaysBetween(F("new_fracture_date"), _base_date("assessment__")))
    groups = {
        group["new_fracture"]: group
        for group in FollowUp.objects.filter(
            audit_filter.q("assessment__"),
            assessment__procedure__isnull=False,
            new_fracture__in=[choices.NewFracture.ADJACENT, choices.NewFracture.NON_ADJACENT],
        )
        .values("new_fracture")
        .annotate(n=Count("id"), days_mean=Avg(days), days_square=Avg(_square(days)))
        .order_by("new_fracture")
    }
    empty = {"n": 0, "days_mean": None, "days_square": None}
    adjacent = groups.get(choices.NewFracture.ADJACENT, empty)
    non_adjacent = groups.get(choices.NewFracture.NON_ADJACENT, empty)
    result.adjacent_share = rate(adjacent["n"], adjacent["n"] + non_adjacent["n"])
    result.days_adjacent = mean(adjacent["n"], adjacent["days_mean"], adjacent["days_square"])
    result.days_non_adjacent = mean(
        non_adjacent["n"], non_adjacent["days_mean"], non_adjacent["days_square"]
    )
