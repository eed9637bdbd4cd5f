"""FHIR R4 Observations that other parts of Vertebro hand to the record (follow-up pain)."""

from datetime import date, datetime

from .common import code_system, patient_subject

LOINC = "http://loinc.org"
PAIN_SEVERITY_0_10 = "72514-3"  # Pain severity - 0-10 verbal numeric rating [Score] - Reported


def vas_observation(
    *,
    patient_ref: str,
    score: int,
    effective: date | datetime,
    level: str | None = None,
    resource_id: str | None = None,
) -> dict:
    """A pain score (VAS 0–10) as an Observation: LOINC 72514-3, valueInteger.

    `level` (e.g. "L1") is recorded as the body site; `effective` is a date or an aware
    datetime. Raises ValueError for a score outside 0–10.
    """
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValueError("A pain score is a whole number from 0 to 10.")
    resource = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": {
            "coding": [
                {
                    "system": LOINC,
                    "code": PAIN_SEVERITY_0_10,
                    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                }
            ],
            "text": "Pain (VAS 0–10)",
        },
        "subject": patient_subject(patient_ref),
        "valueInteger": score,
    }
    if isinstance(effective, datetime):
        if effective.tzinfo is None:
            raise ValueError("The time of a pain score must carry its time zone.")
        resource["effectiveDateTime"] = effective.isoformat(timespec="seconds")
    else:
        resource["effectiveDateTime"] = effective.isoformat()
    if level:
        resource["bodySite"] = {
            "coding": [{"system": code_system("vertebral-level"), "code": level}],
            "text": level,
        }
    if resource_id:
        resource = {"resourceType": "Observation", "id": resource_id, **resource}
    return resource
