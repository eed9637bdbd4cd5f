"""The procedure and follow-up columns of the CSV export (one row per assessment).

The export reads them beside each assessment in the same query: the procedure
through its one-to-one relation, each follow-up visit through a filtered
relation of its own (v1, v3, v12), so there is still one row per assessment.
The admin action and the `export_csv` command pass `CSV_COLUMNS` to the export
of `assessments.reports.export`, which knows nothing of outcomes.
"""

from datetime import datetime

from django.db.models import Exists, FilteredRelation, OuterRef, Q

from assessments.reports.export import Columns

from . import choices
from .models import FollowUp, Procedure

PROCEDURE_COLUMNS = (
    ("procedure_performed", "procedure__performed"),
    ("procedure_not_done_reason", "procedure__not_done_reason"),
    ("procedure_not_done_detail", "procedure__not_done_detail"),
    ("procedure_date", "procedure__performed_on"),
    ("procedure_cement_volume_ml", "procedure__cement_volume_ml"),
    ("procedure_leakage", "procedure__leakage"),
    ("procedure_cleft_filled", "procedure__cleft_filled"),
    ("procedure_complications", "procedure__complications"),
    ("procedure_complication_description", "procedure__complication_description"),
    ("procedure_operator", "procedure__operator"),
)
VISIT_FIELDS = (
    ("date", "seen_on"),
    ("vas", "vas"),
    ("mobility", "mobility"),
    ("analgesics", "analgesics"),
    ("cleft", "cleft_on_imaging"),
    ("new_fracture", "new_fracture"),
    ("new_fracture_date", "new_fracture_date"),
)
VISITS = {f"followup_{interval}": interval for interval in choices.Interval.values}

OUTCOME_COLUMNS = (
    *(column for column, _ in PROCEDURE_COLUMNS),
    *(f"{visit}_{column}" for visit in VISITS for column, _ in VISIT_FIELDS),
)
OUTCOME_SOURCES = (
    *(source for _, source in PROCEDURE_COLUMNS),
    *(f"{visit}__{field}" for visit in VISITS for _, field in VISIT_FIELDS),
)


def with_outcomes(queryset):
    """`queryset` of assessments with one joined relation per follow-up visit."""
    return queryset.annotate(
        **{
            visit: FilteredRelation("follow_ups", condition=Q(follow_ups__interval=interval))
            for visit, interval in VISITS.items()
        }
    )


def outcomes_changed_since(start: datetime) -> Q:
    """Assessments whose procedure or a follow-up was recorded or changed at or after `start`
    (an incremental export must see a follow-up recorded today on an old assessment)."""
    procedure = Procedure.objects.filter(assessment=OuterRef("pk"), updated__gte=start)
    follow_up = FollowUp.objects.filter(assessment=OuterRef("pk"), updated__gte=start)
    return Q(Exists(procedure)) | Q(Exists(follow_up))


CSV_COLUMNS = Columns(OUTCOME_COLUMNS, OUTCOME_SOURCES, with_outcomes)
