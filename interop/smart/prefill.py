"""Step 1 from the electronic record: the launch's Patient, its vertebroplasties (Procedure)
and its DXA T-scores (Observation), read with the launch's access token.

Only what the record states unambiguously is filled in; the clinician confirms each answer
(they are marked "from the EHR" on step 1). Where the record is ambiguous the answer is left
empty and `notes` say why: vertebroplasties at more than one level give no level and no date
(which one is the index procedure is the clinician's call), and an Observation or Procedure of
another patient is ignored. A level treated more than once gives the first date, and a note.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings

from ..cds.service import level_of, patient_identifier, several_procedures
from . import client

FINAL_STATUSES = frozenset({"final", "amended", "corrected"})


@dataclass
class Prefill:
    values: dict = field(default_factory=dict)  # answers as JSON values (dates ISO), by name
    notes: list[str] = field(default_factory=list)


def _codes(setting: list[str]) -> frozenset[tuple[str, str]]:
    return frozenset(tuple(item.split("|", 1)) for item in setting if "|" in item)


def _has_code(concept, codes) -> bool:
    if not isinstance(concept, dict):
        return False
    return any(
        isinstance(coding, dict) and (coding.get("system"), coding.get("code")) in codes
        for coding in concept.get("coding") or []
    )


def _entries(bundle: dict, kind: str) -> list[dict]:
    return [
        entry["resource"]
        for entry in bundle.get("entry") or []
        if isinstance(entry, dict)
        and isinstance(entry.get("resource"), dict)
        and entry["resource"].get("resourceType") == kind
    ]


def _of_patient(resource: dict, patient_id: str) -> bool:
    reference = (resource.get("subject") or {}).get("reference")
    return isinstance(reference, str) and (
        reference == f"Patient/{patient_id}" or reference.endswith(f"/Patient/{patient_id}")
    )


def _day(raw) -> date | None:
    if not isinstance(raw, str) or len(raw) < 10:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


def _age(birth_date, today: date) -> int | None:
    born = _day(birth_date) if isinstance(birth_date, str) and len(birth_date) == 10 else None
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def from_patient(patient: dict, *, today: date) -> dict:
    values = {
        "patient_ref": patient_identifier(patient, settings.VERTEBRO_CDS_PATIENT_IDENTIFIER_SYSTEM),
        "patient_age": _age(patient.get("birthDate"), today),
        "sex": patient.get("gender") if patient.get("gender") in ("female", "male") else None,
    }
    return {name: value for name, value in values.items() if value is not None}


def from_procedures(bundle: dict, *, patient_id: str, notes: list[str]) -> dict:
    """The level and date of the index vertebroplasty: the first completed one, when every
    completed vertebroplasty of the patient is at one level."""
    codes = _codes(settings.VERTEBRO_CDS_ORDER_CODES)
    done = [
        procedure
        for procedure in _entries(bundle, "Procedure")
        if _of_patient(procedure, patient_id)
        and procedure.get("status") == "completed"
        and _has_code(procedure.get("code"), codes)
    ]
    levels = sorted({level for level in map(level_of, done) if level is not None})
    if len(levels) > 1:
        notes.append(
            "The record lists vertebroplasties at "
            + ", ".join(levels)
            + ": choose the treated level and its index date yourself."
        )
        return {}
    if not levels:
        return {}
    days = []
    for procedure in done:
        period = procedure.get("performedPeriod")
        raw = procedure.get("performedDateTime") or (
            period.get("start") if isinstance(period, dict) else None
        )
        days.append(_day(raw))
    dated = sorted(day for day in days if day is not None)
    values: dict = {"treated_level": levels[0]}
    if dated:
        # The index procedure is the first vertebroplasty at the level (spec §1).
        values["index_procedure_date"] = dated[0].isoformat()
    # A level treated more than once is outside the guidance (the spec's gap; see
    # `several_procedures`): said beside the answers.
    note = several_procedures(levels[0], (*dated, *(None for day in days if day is None)))
    if note:
        notes.append(note)
    return values


def from_observations(bundle: dict, *, patient_id: str) -> dict:
    """The lowest DXA T-score among the patient's final T-score Observations."""
    codes = _codes(settings.VERTEBRO_SMART_T_SCORE_CODES)
    scores = []
    for observation in _entries(bundle, "Observation"):
        if not (
            _of_patient(observation, patient_id)
            and observation.get("status") in FINAL_STATUSES
            and _has_code(observation.get("code"), codes)
        ):
            continue
        quantity = observation.get("valueQuantity")
        if not isinstance(quantity, dict) or isinstance(quantity.get("value"), bool):
            continue
        try:
            scores.append(Decimal(str(quantity.get("value"))))
        except InvalidOperation:
            continue
    if not scores:
        return {}
    # Not rounded: a value with more decimals than the question takes is refused (and left
    # for the clinician) rather than changed.
    return {"bmd_t_score": min(scores)}


def read_record(*, base: str, token: str, patient_id: str, today: date) -> Prefill:
    """Read the patient's facts from the record; RecordError when the Patient cannot be read.
    A failed Procedure or Observation search only leaves its answers empty (with a note)."""
    result = Prefill()
    patient = client.fhir_read(base, f"Patient/{patient_id}", token=token, what="the Patient")
    if patient.get("resourceType") != "Patient" or patient.get("id") != patient_id:
        raise client.RecordError("The record sent another resource than the launch's Patient.")
    result.values.update(from_patient(patient, today=today))
    try:
        procedures = client.fhir_read(
            base, "Procedure", token=token, params={"patient": patient_id}, what="the procedures"
        )
    except client.RecordError as error:
        result.notes.append(f"{error} Enter the treated level and the index date yourself.")
    else:
        result.values.update(from_procedures(procedures, patient_id=patient_id, notes=result.notes))
    try:
        observations = client.fhir_read(
            base,
            "Observation",
            token=token,
            params={"patient": patient_id, "code": ",".join(settings.VERTEBRO_SMART_T_SCORE_CODES)},
            what="the DXA T-scores",
        )
    except client.RecordError as error:
        result.notes.append(f"{error} Enter the T-score yourself.")
    else:
        result.values.update(from_observations(observations, patient_id=patient_id))
    return result
