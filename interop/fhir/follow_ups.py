"""The follow-up pain scores of an assessment as FHIR R4 Observations (LOINC 72514-3)."""

from django.utils import timezone

from outcomes.models import FollowUp

from .common import fhir_base
from .observation import vas_observation


def follow_up_observations(assessment) -> list[dict]:
    """One Observation per recorded follow-up, in visit order; the treated level as body site."""
    follow_ups = FollowUp.objects.filter(assessment=assessment).order_by("seen_on", "interval")
    return [
        vas_observation(
            patient_ref=assessment.patient_ref,
            score=follow_up.vas,
            effective=follow_up.seen_on,
            level=assessment.treated_level,
            resource_id=f"{assessment.pk}-vas-{follow_up.interval}",
        )
        for follow_up in follow_ups
    ]


def follow_up_bundle(assessment) -> dict:
    """The Observations together, as a `collection` Bundle."""
    observations = follow_up_observations(assessment)
    return {
        "resourceType": "Bundle",
        "id": f"{assessment.pk}-follow-ups",
        "type": "collection",
        "timestamp": timezone.localtime().isoformat(timespec="seconds"),
        "entry": [
            {"fullUrl": f"{fhir_base()}/Observation/{resource['id']}", "resource": resource}
            for resource in observations
        ],
    }
