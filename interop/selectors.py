"""Reads the interoperability layer needs from the assessments."""

from datetime import datetime

from assessments.models import Assessment


def recent_final_assessment(*, patient_ref: str, level: str, since: datetime) -> Assessment | None:
    """The latest finalized (not superseded) assessment of this patient and level since `since`."""
    return (
        Assessment.objects.final()
        .filter(
            patient_ref=patient_ref,
            treated_level=level,
            finalized_at__gte=since,
        )
        .only(
            "id",
            "guidance",
            "finalized_at",
            "assessment_date",
            "amends",
            "index_procedure_date",
            "recommendation",
            "deciding_rule",
            "rules_version",
        )
        .order_by("-finalized_at")
        .first()
    )
