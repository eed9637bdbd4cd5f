"""The CDS Hooks service `vertebro-repeat-vertebroplasty`: from a hook call to its cards.

Plain Python: the caller (the view) verifies the JWT, looks up the assessment
and stores the launch handle; this module reads the request, decides which
card (if any) to return and builds it.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import date

from assessments import rules_versions

from ..wording import without_ref_numbers

SERVICE_ID = "vertebro-repeat-vertebroplasty"
HOOKS = ("order-select", "order-sign")
# Service id -> the hook it is registered for.
SERVICES = {SERVICE_ID: "order-select", f"{SERVICE_ID}-sign": "order-sign"}
TITLE = "Vertebro: repeat vertebroplasty at a treated level"
DESCRIPTION = (
    "When a vertebroplasty is ordered at a level treated before, shows the Vertebro guidance "
    "of a recent finalized assessment, or offers to complete one with the patient and the "
    "index procedure filled in."
)
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
}
NEEDED_PREFETCH = ("patient", "procedures")
SUMMARY_MAX_LENGTH = 140
SOURCE_LABEL = "Vertebro"
TOPIC_SYSTEM_PATH = "/CodeSystem/cds-topic"
APP_LINK_SUMMARY = "Complete the Vertebro assessment before repeating the vertebroplasty"
APP_LINK_LABEL = "Complete the Vertebro assessment"

# Indicator of a guidance card, by recommendation: the red flags (R1, R17, R16) and a
# contraindication are critical; a card whose guidance carries a warning (§5a) is at least
# "warning", whatever the recommendation.
CRITICAL = frozenset(
    {
        "urgent_referral",
        "exclude_infection",
        "manage_infection",
        "assess_complication",
        "contraindicated",
    }
)
WARNING = frozenset(
    {
        "complete_workup",
        "not_indicated",
        "evaluate_new_level",
        "continue_conservative",
        "refer_oncology_mdt",
        "decide_with_spine_team",
    }
)
LEVEL_TEXT = re.compile(r"\s*([TL])\s*([0-9]{1,2})\b", re.IGNORECASE)
# The codes of the newest rules version include those of every earlier one; the pre-filled
# answers are checked again as the questions of the draft's own version (interop/launch.py).
LEVELS = frozenset(rules_versions.newest_vocabulary().VertebralLevel.values)
SNOMED = "http://snomed.info/sct"
# SNOMED CT body structures of the vertebrae Vertebro assesses (DICOM CID 7603 "Vertebra").
SNOMED_LEVELS = {
    "64864005": "T1",
    "53733008": "T2",
    "1626008": "T3",
    "73071006": "T4",
    "56401006": "T5",
    "45296009": "T6",
    "62487009": "T7",
    "11068009": "T8",
    "82687006": "T9",
    "7610001": "T10",
    "12989004": "T11",
    "23215003": "T12",
    "66794005": "L1",
    "14293000": "L2",
    "36470004": "L3",
    "11994002": "L4",
    "49668003": "L5",
}
# A card's detail stays short; the whole guidance is one link away (the result page).
DETAIL_MAX_LENGTH = 600
# The guidance's warnings (answers to check) take at most this much of it.
WARNINGS_MAX_LENGTH = 220
OVERRIDE_REASON_PATH = "/CodeSystem/cds-override-reason"
# Why a clinician may set a card aside, offered by the record and sent back as feedback.
OVERRIDE_REASONS = (
    ("clinical-judgement", "Clinical judgement differs from the guidance"),
    ("patient-preference", "Patient's informed preference"),
    ("assessment-out-of-date", "The assessment no longer reflects the patient"),
    ("wrong-patient-or-level", "The assessment is of another patient or level"),
)
LEVEL_UNKNOWN_SUMMARY = "Vertebro cannot read the vertebral level of this vertebroplasty order"
GENDERS = frozenset(rules_versions.newest_vocabulary().Sex.values)


class LevelNotRecognised(Exception):
    """A vertebroplasty is ordered, or was performed, at a level the service cannot read."""


class PrefetchMissing(Exception):
    """A prefetch the service needs was not sent (412)."""

    def __init__(self, names):
        self.names = tuple(names)
        super().__init__(f"Missing prefetch: {', '.join(self.names)}.")


class PrefetchMismatch(Exception):
    """A prefetched resource belongs to another patient than `context.patientId` (412)."""


def indicator_for(recommendation: str, *, has_warnings: bool = False) -> str:
    if recommendation in CRITICAL:
        return "critical"
    if recommendation in WARNING or has_warnings:
        return "warning"
    return "info"


def discovery() -> dict:
    """The discovery document: the service under one id per hook (a service entry has one hook).

    Both ids reach the same service, which reads the hook from the request.
    """
    return {
        "services": [
            {
                "hook": hook,
                "id": service_id,
                "title": TITLE,
                "description": DESCRIPTION,
                "prefetch": PREFETCH,
            }
            for service_id, hook in SERVICES.items()
        ]
    }


# --- Reading the request -------------------------------------------------------------------


def _codings(concept) -> list[dict]:
    if not isinstance(concept, dict):
        return []
    return [coding for coding in concept.get("coding") or [] if isinstance(coding, dict)]


def _has_code(concept, codes: frozenset[tuple[str, str]]) -> bool:
    return any((coding.get("system"), coding.get("code")) in codes for coding in _codings(concept))


def level_of(resource: dict) -> str | None:
    """The vertebral level named by a resource's bodySite: a SNOMED CT vertebra, or a
    coding's code or display, or the text, that starts with the level ("L1", "T12 vertebra")."""
    for site in resource.get("bodySite") or []:
        if not isinstance(site, dict):
            continue
        for coding in _codings(site):
            if coding.get("system") == SNOMED and coding.get("code") in SNOMED_LEVELS:
                return SNOMED_LEVELS[coding["code"]]
        candidates = [coding.get("code") for coding in _codings(site)]
        candidates += [coding.get("display") for coding in _codings(site)]
        candidates.append(site.get("text"))
        for candidate in candidates:
            if not isinstance(candidate, str):
                continue
            match = LEVEL_TEXT.match(candidate)
            if match:
                level = f"{match.group(1).upper()}{int(match.group(2))}"
                if level in LEVELS:
                    return level
    return None


def _entries(bundle) -> list[dict]:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        return []
    return [
        entry["resource"]
        for entry in bundle.get("entry") or []
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict)
    ]


def _performed_date(procedure: dict) -> date | None:
    raw = procedure.get("performedDateTime")
    if raw is None and isinstance(procedure.get("performedPeriod"), dict):
        raw = procedure["performedPeriod"].get("start")
    if not isinstance(raw, str) or len(raw) < 10:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class OrderContext:
    """What the hook call tells about the order, the patient and the index procedure."""

    level: str
    patient_ref: str | None
    age: int | None
    sex: str | None
    index_procedure_date: date | None


def vertebroplasty_order(request: dict, codes: frozenset[tuple[str, str]]) -> dict | None:
    """The draft vertebroplasty ServiceRequest of the call (selected one for order-select)."""
    context = request.get("context") or {}
    orders = [
        resource
        for resource in _entries(context.get("draftOrders"))
        if resource.get("resourceType") == "ServiceRequest"
        and _has_code(resource.get("code"), codes)
    ]
    if request.get("hook") == "order-select":
        selections = set(context.get("selections") or [])
        orders = [order for order in orders if f"ServiceRequest/{order.get('id')}" in selections]
    return orders[0] if orders else None


def patient_identifier(patient: dict, system: str = "") -> str | None:
    """The chart identifier of the Patient: `system` if configured, else the MRN, else the first."""
    identifiers = [
        identifier
        for identifier in patient.get("identifier") or []
        if isinstance(identifier, dict) and isinstance(identifier.get("value"), str)
    ]
    if system:
        identifiers = [
            identifier for identifier in identifiers if identifier.get("system") == system
        ]
    else:
        mrn = [
            i for i in identifiers if any(c.get("code") == "MR" for c in _codings(i.get("type")))
        ]
        identifiers = mrn or identifiers
    value = identifiers[0]["value"].strip() if identifiers else ""
    return value or None


def _age(birth_date, today: date) -> int | None:
    if not isinstance(birth_date, str) or len(birth_date) != 10:
        return None
    try:
        born = date.fromisoformat(birth_date)
    except ValueError:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _id_text(value) -> str:
    return value[:64] if isinstance(value, str) else "(no id)"


def _subject_is(resource: dict, patient_id: str) -> bool:
    """Whether the resource's subject (or patient) reference names the patient: `Patient/ID`,
    or an absolute URL ending in it."""
    for field in ("subject", "patient"):
        reference = resource.get(field)
        if isinstance(reference, dict) and isinstance(reference.get("reference"), str):
            target = reference["reference"]
            return target == f"Patient/{patient_id}" or target.endswith(f"/Patient/{patient_id}")
    return False


def check_prefetch_patient(request: dict) -> None:
    """Every prefetched resource must be of `context.patientId`: the Patient itself, and each
    Procedure of the procedures bundle by its subject. Raises PrefetchMismatch naming the
    first resource that is not (a resource without a subject is not the patient's either).

    Without this, another patient's Patient would give that patient's guidance card, and
    another patient's Procedure would count as this patient's index procedure.
    """
    context = request.get("context") or {}
    patient_id = context.get("patientId")
    prefetch = request.get("prefetch") or {}
    if not isinstance(patient_id, str) or not prefetch:
        return
    patient = prefetch.get("patient")
    if isinstance(patient, dict) and (
        patient.get("resourceType") != "Patient" or patient.get("id") != patient_id
    ):
        kind = patient.get("resourceType")
        name = f"{kind if isinstance(kind, str) else 'Resource'}"[:40]
        raise PrefetchMismatch(
            f"The prefetched patient ({name}/{_id_text(patient.get('id'))}) is not "
            "context.patientId."
        )
    for index, resource in enumerate(_entries(prefetch.get("procedures"))):
        if resource.get("resourceType") != "Procedure":
            continue
        if not _subject_is(resource, patient_id):
            raise PrefetchMismatch(
                f"The prefetched Procedure/{_id_text(resource.get('id'))} (procedures entry "
                f"{index}) is not of context.patientId."
            )


def order_context(
    request: dict, *, codes: frozenset[tuple[str, str]], identifier_system: str, today: date
) -> OrderContext | None:
    """The order's context, or None when no card applies (not a vertebroplasty, or no earlier
    vertebroplasty at that level). Raises PrefetchMissing, and LevelNotRecognised when the
    order's level, or that of an earlier vertebroplasty, cannot be read (never silence: the
    level may have been treated before)."""
    order = vertebroplasty_order(request, codes)
    if order is None:
        return None
    level = level_of(order)
    if level is None:
        raise LevelNotRecognised("The ordered vertebroplasty's level is not recognised.")
    prefetch = request.get("prefetch") or {}
    missing = [name for name in NEEDED_PREFETCH if not isinstance(prefetch.get(name), dict)]
    if missing:
        raise PrefetchMissing(missing)
    performed = [
        procedure
        for procedure in _entries(prefetch["procedures"])
        if procedure.get("resourceType") == "Procedure"
        and procedure.get("status") == "completed"
        and _has_code(procedure.get("code"), codes)
    ]
    earlier = [_performed_date(p) for p in performed if level_of(p) == level]
    if not earlier:
        if any(level_of(p) is None for p in performed):
            raise LevelNotRecognised(
                f"An earlier vertebroplasty's level is not recognised: it may have been at {level}."
            )
        return None
    dated = [day for day in earlier if day is not None]
    patient = prefetch["patient"]
    if patient.get("resourceType") != "Patient":
        raise PrefetchMissing(["patient"])
    gender = patient.get("gender")
    return OrderContext(
        level=level,
        patient_ref=patient_identifier(patient, identifier_system),
        age=_age(patient.get("birthDate"), today),
        sex=gender if gender in GENDERS else None,
        # The spec's index procedure is the first vertebroplasty at this level.
        index_procedure_date=min(dated) if dated else None,
    )


# --- Cards ---------------------------------------------------------------------------------


def _source(canonical_base: str, rules_version: str) -> dict:
    """Who gives the card: Vertebro and the rules version it applied (CDS Hooks `Source`).

    `source.url` would name where to learn about the source, not the patient's result:
    the result page is the card's link."""
    return {
        "label": f"{SOURCE_LABEL} (rules {rules_version})",
        "topic": {
            "system": f"{canonical_base}{TOPIC_SYSTEM_PATH}",
            "code": "repeat-vertebroplasty",
            "display": "Repeat vertebroplasty at a treated level",
        },
    }


def override_reasons(canonical_base: str) -> list[dict]:
    system = f"{canonical_base}{OVERRIDE_REASON_PATH}"
    return [{"system": system, "code": code, "display": text} for code, text in OVERRIDE_REASONS]


def _card(*, summary: str, indicator: str, detail: str, source: dict, links: list) -> dict:
    return {
        "uuid": str(uuid.uuid4()),
        "summary": _shorten(summary, SUMMARY_MAX_LENGTH),
        "indicator": indicator,
        "detail": detail,
        "source": source,
        "links": links,
    }


def _shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}…"


def index_date_mismatch(record_date: date | None, assessment_date: date | None) -> str:
    """The warning when the record's first vertebroplasty at the level and the assessment's
    index procedure are not the same day ("" when they agree or either is unknown)."""
    if record_date is None or assessment_date is None or record_date == assessment_date:
        return ""
    return (
        f"The record's vertebroplasty at this level is dated {record_date.isoformat()}, the "
        f"assessment's index procedure {assessment_date.isoformat()}: check which is right "
        "before relying on this guidance."
    )


# The next steps each deciding rule asks for itself (rules 2026.3 §5b, `next_steps_for`):
# the guidance lists its steps in id order, so a contraindication or pregnancy step can
# come before the deciding rule's own action; the card shows the rule's own step first.
RULE_STEPS: dict[str, tuple[str, ...]] = {
    "R1": ("S1",),
    "R2": ("S13", "S14", "S15", "S16", "S17"),
    "R3": ("S6", "S7"),
    "R4": ("S4",),
    "R5": ("S8",),
    "R6": ("S9",),
    "R7": ("S7",),
    "R9": ("S10",),
    "R11": ("S20",),
    "R13": ("S21",),
    "R14": ("S11",),
    "R15": ("S17",),
    "R16": ("S3",),
    "R17": ("S28", "S2"),
    "R18": ("S5",),
    "R19": ("S18", "S19"),
    "R20": ("S12",),
    "R22": ("S27",),
    "R23": ("S29",),
}


def first_next_step(guidance):
    """The next step the card shows: the deciding rule's own step when the guidance lists
    one, else the first listed (None when there is none)."""
    if not guidance.next_steps:
        return None
    deciding = guidance.reasons[0].label if guidance.reasons else ""
    own = RULE_STEPS.get(deciding, ())
    for step_id in own:
        for step in guidance.next_steps:
            if step.label == step_id:
                return step
    return guidance.next_steps[0]


def guidance_card(
    *,
    guidance,
    result_url: str,
    canonical_base: str,
    finalized: str,
    mismatch: str = "",
) -> dict:
    """The card of a finalized assessment's guidance, in words only: `guidance` is the
    assessment's `GuidanceDisplay` (assessments.reports.display), whose labels are those
    frozen at finalization. No rule, warning, note or next-step code and no reference number:
    the reader in the record has neither the rules nor the reference list at hand.

    The detail holds, in at most DETAIL_MAX_LENGTH characters: the recommendation, the
    warnings (answers to check), the missing work-up, the first next step and the deciding
    reason, as room allows in that order; the whole guidance (every reason, next step, note,
    reference) is on the result page, the card's link.

    An index-date mismatch between the record and the assessment comes first in the detail
    and makes the card at least a warning: guidance computed from another index date may
    not be this patient's."""
    head = f"**{guidance.label}** (Vertebro rules {guidance.rules_version}, finalized {finalized})."
    tail = "Open the Vertebro result for the full guidance, its notes and references."
    parts = [f"**Check the dates.** {mismatch}"] if mismatch else []
    parts.append(head)
    if guidance.warnings:
        listed = " ".join(without_ref_numbers(warning.text) for warning in guidance.warnings)
        parts.append(_shorten(f"**Check these answers.** {listed}", WARNINGS_MAX_LENGTH))
    if guidance.missing_workup:
        parts.append(f"Missing from the work-up: {', '.join(guidance.missing_workup)}.")
    optional = []
    step = first_next_step(guidance)
    if step is not None:
        optional.append(f"**Next step.** {without_ref_numbers(step.text)}")
    if guidance.reasons:
        optional.append(f"**Why.** {without_ref_numbers(guidance.reasons[0].text)}")
    for text in optional:
        # Each fills what room is left (the separator before it counts).
        room = DETAIL_MAX_LENGTH - len("\n\n".join([*parts, tail])) - 2
        if room >= 60:
            parts.append(_shorten(text, room))
    parts.append(tail)
    detail = "\n\n".join(parts)
    indicator = indicator_for(guidance.recommendation, has_warnings=bool(guidance.warnings))
    if mismatch and indicator == "info":
        indicator = "warning"
    card = _card(
        summary=_shorten(guidance.headline, SUMMARY_MAX_LENGTH),
        indicator=indicator,
        detail=_shorten(detail, DETAIL_MAX_LENGTH),
        source=_source(canonical_base, guidance.rules_version),
        links=[{"label": "Open the Vertebro result", "url": result_url, "type": "absolute"}],
    )
    card["overrideReasons"] = override_reasons(canonical_base)
    return card


def app_link_card(*, launch_url: str, canonical_base: str, rules_version: str) -> dict:
    """The card that offers to complete an assessment, through a single-use launch handle."""
    return _card(
        summary=APP_LINK_SUMMARY,
        indicator="info",
        detail=(
            "Vertebro holds no recent finalized assessment of this patient at this level. "
            "The link opens a new draft with the patient reference, age, sex, treated level and "
            "index procedure date taken from the record; confirm each, then answer the rest."
        ),
        source=_source(canonical_base, rules_version),
        links=[{"label": APP_LINK_LABEL, "url": launch_url, "type": "absolute"}],
    )


def level_unknown_card(*, reason: str, canonical_base: str, rules_version: str) -> dict:
    """Said instead of silence when a vertebroplasty's level cannot be read: Vertebro cannot
    tell whether the level was treated before."""
    return _card(
        summary=LEVEL_UNKNOWN_SUMMARY,
        indicator="warning",
        detail=(
            f"{reason} Vertebro reads the level from `bodySite`: a SNOMED CT vertebra "
            "(e.g. 66794005 for L1) or a code, display or text starting with the level "
            '("L1", "T12 vertebra"). If this level was treated before, assess the repeat '
            "vertebroplasty in Vertebro."
        ),
        source=_source(canonical_base, rules_version),
        links=[],
    )


def prefill(context: OrderContext) -> dict:
    """Step 1 answers taken from the record (JSON-ready); absent facts are left out."""
    values = {
        "patient_ref": context.patient_ref,
        "patient_age": context.age,
        "sex": context.sex,
        "treated_level": context.level,
        "index_procedure_date": (
            context.index_procedure_date.isoformat() if context.index_procedure_date else None
        ),
    }
    return {name: value for name, value in values.items() if value is not None}
