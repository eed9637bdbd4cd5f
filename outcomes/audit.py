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
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    StdDev,
    When,
)
from django.db.models.functions import Cast

from assessments import choices as assessment_choices
from assessments.models import Assessment

from . import choices
from .expressions import DaysBetween
from .models import FollowUp, Procedure
from .stats import Mean, Rate, mean, rate

REPEAT_RECOMMENDATIONS = (
    assessment_choices.Recommendation.REPEAT_INDICATED,
    assessment_choices.Recommendation.REPEAT_MAY_BE_CONSIDERED,
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
        q = Q(**{f"{prefix}status": Assessment.Status.FINAL})
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


def audit(audit_filter: AuditFilter) -> Audit:
    result = Audit(filter=audit_filter)
    _recommendations(result, audit_filter)
    _procedures(result, audit_filter)
    _follow_up_vas(result, audit_filter)
    _cleft(result, audit_filter)
    _new_fracture_year(result, audit_filter)
    _fracture_days(result, audit_filter)
    return result


def _recommendations(result: Audit, audit_filter: AuditFilter) -> None:
    labels = dict(assessment_choices.Recommendation.choices)
    decided = {
        "performed": choices.Performed.YES,
        "declined": choices.Performed.DECLINED,
        "not_offered": choices.Performed.NOT_OFFERED,
        "not_performed": choices.Performed.NO,
    }
    groups = (
        Assessment.objects.filter(audit_filter.q())
        .values("recommendation", "deciding_rule")
        .annotate(
            total=Count("id"),
            recorded=Count("procedure"),
            **{
                name: Count("procedure", filter=Q(procedure__performed=value))
                for name, value in decided.items()
            },
        )
        .order_by("recommendation", "deciding_rule")
    )
    rows = [
        RuleRow(
            recommendation=group["recommendation"],
            recommendation_label=labels.get(group["recommendation"], group["recommendation"]),
            rule=group["deciding_rule"],
            total=group["total"],
            recorded=group["recorded"],
            performed=group["performed"],
            declined=group["declined"],
            not_offered=group["not_offered"],
            not_performed=group["not_performed"],
            is_repeat=group["recommendation"] in REPEAT_RECOMMENDATIONS,
        )
        for group in groups
    ]
    order = list(labels)
    rows.sort(
        key=lambda row: (
            order.index(row.recommendation) if row.recommendation in order else 99,
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


def _procedures(result: Audit, audit_filter: AuditFilter) -> None:
    paired = Q(cement_volume_ml__isnull=False, assessment__index_cement_volume_ml__isnull=False)
    leaked = Q(leakage__in=[choices.Leakage.ASYMPTOMATIC, choices.Leakage.SYMPTOMATIC])
    repeat = _float("cement_volume_ml")
    index = _float("assessment__index_cement_volume_ml")
    figures = Procedure.objects.filter(
        audit_filter.q("assessment__"), performed=PERFORMED
    ).aggregate(
        n=Count("id"),
        vas_n=Count("assessment__vas_current"),
        vas_mean=Avg(_float("assessment__vas_current")),
        vas_sd=StdDev(_float("assessment__vas_current")),
        leak_n=Count("id", filter=~Q(leakage="")),
        leaked=Count("id", filter=leaked),
        symptomatic=Count("id", filter=Q(leakage=choices.Leakage.SYMPTOMATIC)),
        complications_n=Count("id", filter=~Q(complications="")),
        major=Count("id", filter=Q(complications=choices.Complications.MAJOR)),
        pair_n=Count("id", filter=paired),
        repeat_mean=Avg(repeat, filter=paired),
        repeat_sd=StdDev(repeat, filter=paired),
        index_mean=Avg(index, filter=paired),
        index_sd=StdDev(index, filter=paired),
        difference_mean=Avg(repeat - index, filter=paired),
        difference_sd=StdDev(repeat - index, filter=paired),
    )
    result.performed = figures["n"]
    result.vas_before = mean(figures["vas_n"], figures["vas_mean"], figures["vas_sd"])
    result.leakage = rate(figures["leaked"], figures["leak_n"])
    result.symptomatic_leakage = rate(figures["symptomatic"], figures["leak_n"])
    result.major_complications = rate(figures["major"], figures["complications_n"])
    pairs = figures["pair_n"]
    result.cement_repeat = mean(pairs, figures["repeat_mean"], figures["repeat_sd"])
    result.cement_index = mean(pairs, figures["index_mean"], figures["index_sd"])
    result.cement_difference = mean(pairs, figures["difference_mean"], figures["difference_sd"])


def _relief_q(prefix: str = "") -> Q:
    return Q(vas__lte=F(f"{prefix}assessment__vas_current") - RELIEF_MIN_DROP)


def _follow_up_vas(result: Audit, audit_filter: AuditFilter) -> None:
    groups = {
        group["interval"]: group
        for group in FollowUp.objects.filter(
            audit_filter.q("assessment__"), assessment__procedure__performed=PERFORMED
        )
        .values("interval")
        .annotate(
            n=Count("id"),
            vas_mean=Avg(_float("vas")),
            vas_sd=StdDev(_float("vas")),
            relieved=Count("id", filter=_relief_q()),
        )
        .order_by("interval")
    }
    empty = {"n": 0, "vas_mean": None, "vas_sd": None, "relieved": 0}
    one = groups.get(choices.Interval.ONE_MONTH, empty)
    three = groups.get(choices.Interval.THREE_MONTHS, empty)
    result.vas_1_month = mean(one["n"], one["vas_mean"], one["vas_sd"])
    result.vas_3_months = mean(three["n"], three["vas_mean"], three["vas_sd"])
    result.relief = rate(one["relieved"], one["n"])


def _cleft(result: Audit, audit_filter: AuditFilter) -> None:
    def reads(value):
        return Exists(
            FollowUp.objects.filter(assessment=OuterRef("assessment"), cleft_on_imaging=value)
        )

    one_month = FollowUp.objects.filter(
        assessment=OuterRef("assessment"), interval=choices.Interval.ONE_MONTH
    )
    relieved = one_month.filter(vas__lte=OuterRef("assessment__vas_current") - RELIEF_MIN_DROP)
    figures = (
        Procedure.objects.filter(
            audit_filter.q("assessment__"),
            performed=PERFORMED,
            assessment__cleft_sign=assessment_choices.Finding.PRESENT,
        )
        .annotate(
            gone=reads(choices.CleftOnImaging.GONE),
            persists=reads(choices.CleftOnImaging.PERSISTS),
            seen=Exists(one_month),
            relieved=Exists(relieved),
        )
        .aggregate(
            imaged=Count("id", filter=Q(gone=True) | Q(persists=True)),
            gone_n=Count("id", filter=Q(gone=True)),
            gone_seen=Count("id", filter=Q(gone=True, seen=True)),
            gone_relieved=Count("id", filter=Q(gone=True, relieved=True)),
            persists_seen=Count("id", filter=Q(gone=False, persists=True, seen=True)),
            persists_relieved=Count("id", filter=Q(gone=False, persists=True, relieved=True)),
        )
    )
    result.cleft_gone = rate(figures["gone_n"], figures["imaged"])
    result.relief_cleft_gone = rate(figures["gone_relieved"], figures["gone_seen"])
    result.relief_cleft_persists = rate(figures["persists_relieved"], figures["persists_seen"])


def _new_fracture_year(result: Audit, audit_filter: AuditFilter) -> None:
    follow_ups = FollowUp.objects.filter(assessment=OuterRef("pk"))
    figures = (
        Assessment.objects.filter(audit_filter.q(), procedure__isnull=False)
        .annotate(
            followed=Exists(follow_ups.filter(interval=choices.Interval.TWELVE_MONTHS)),
            fractured=Exists(follow_ups.exclude(new_fracture=choices.NewFracture.NONE)),
        )
        .aggregate(
            n=Count("id", filter=Q(followed=True)),
            k=Count("id", filter=Q(followed=True, fractured=True)),
        )
    )
    result.new_fracture_year = rate(figures["k"], figures["n"])


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
        .annotate(n=Count("id"), days_mean=Avg(days), days_sd=StdDev(days))
        .order_by("new_fracture")
    }
    empty = {"n": 0, "days_mean": None, "days_sd": None}
    adjacent = groups.get(choices.NewFracture.ADJACENT, empty)
    non_adjacent = groups.get(choices.NewFracture.NON_ADJACENT, empty)
    result.adjacent_share = rate(adjacent["n"], adjacent["n"] + non_adjacent["n"])
    result.days_adjacent = mean(adjacent["n"], adjacent["days_mean"], adjacent["days_sd"])
    result.days_non_adjacent = mean(
        non_adjacent["n"], non_adjacent["days_mean"], non_adjacent["days_sd"]
    )
