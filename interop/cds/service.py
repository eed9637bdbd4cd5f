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
from vertebro_rules.dates import in_words

from ..wording import sentence_units, with_dates, without_ref_numbers

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
# CDS Hooks 2.0.1 § Card: the summary is a "one-sentence, <140-character summary message".
SUMMARY_MAX_LENGTH = 139
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
# A card's detail stays short; the whole guidance is one link away (the result page). What
# must be read before the order (a date to check, the first warning, the missing work-up, a
# red flag's own next step) is always shown whole; the next step and the deciding reason
# fill what room is left under this length, in whole sentences.
DETAIL_MAX_LENGTH = 1000
DETAIL_TAIL = "Open the Vertebro result for the full guidance, its notes and references."
# The tail when a sentence or a part of the guidance was left out for room.
DETAIL_TAIL_SHORTENED = "More on the Vertebro result page."
MISMATCH_SUMMARY = "Check the index date before relying on this guidance: "
OVERRIDE_REASON_PATH = "/CodeSystem/cds-override-reason"
# Why a clinician may set a card aside, offered by the record and sent back as feedback.
OVERRIDE_REASONS = (
    ("clinical-judgement", "Clinical judgement differs from the guidance"),
    ("patient-preference", "Patient's informed preference"),
    ("assessment-out-of-date", "The assessment no longer reflects the patient"),
    ("wrong-patient-or-level", "The assessment is of another patient or level"),
)
LEVEL_UNKNOWN_SUMMARY = "Vertebro cannot tell which vertebra this order is for"
GENDERS = frozenset(rules_versions.newest_vocabulary().Sex.values)


class LevelNotRecognised(Exception):
    """A vertebroplasty is ordered, or was performed, at a level the service cannot read.

    `level` is the order's level when it is an earlier vertebroplasty's that cannot be read
    (None when the order's own level cannot); `prefill` holds the step 1 answers the record
    gives all the same (the patient, and the order's level when read)."""

    def __init__(self, message: str, *, level: str | None = None, prefill: dict | None = None):
        super().__init__(message)
        self.level = level
        self.prefill = prefill or {}


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
    # Every completed vertebroplasty of the record at the level, by date (None: undated).
    record_procedures: tuple[date | None, ...] = ()


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


def _patient_answers(prefetch: dict, identifier_system: str, today: date) -> dict:
    """Step 1's patient answers from the prefetched Patient (absent ones left out)."""
    patient = prefetch.get("patient")
    if not isinstance(patient, dict) or patient.get("resourceType") != "Patient":
        return {}
    gender = patient.get("gender")
    values = {
        "patient_ref": patient_identifier(patient, identifier_system),
        "patient_age": _age(patient.get("birthDate"), today),
        "sex": gender if gender in GENDERS else None,
    }
    return {name: value for name, value in values.items() if value is not None}


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
    prefetch = request.get("prefetch") or {}
    if level is None:
        raise LevelNotRecognised(
            "The ordered vertebroplasty's level is not recognised.",
            prefill=_patient_answers(prefetch, identifier_system, today),
        )
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
                f"An earlier vertebroplasty's level is not recognised: it may have been at {level}.",
                level=level,
                prefill={
                    **_patient_answers(prefetch, identifier_system, today),
                    "treated_level": level,
                },
            )
        return None
    dated = sorted(day for day in earlier if day is not None)
    patient = prefetch["patient"]
    if patient.get("resourceType") != "Patient":
        raise PrefetchMissing(["patient"])
    answers = _patient_answers(prefetch, identifier_system, today)
    return OrderContext(
        level=level,
        patient_ref=answers.get("patient_ref"),
        age=answers.get("patient_age"),
        sex=answers.get("sex"),
        # The spec's index procedure is the first vertebroplasty at this level.
        index_procedure_date=dated[0] if dated else None,
        record_procedures=(*dated, *(None for day in earlier if day is None)),
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
        "summary": whole_clauses(summary, SUMMARY_MAX_LENGTH),
        "indicator": indicator,
        "detail": detail,
        "source": source,
        "links": links,
    }


def whole_clauses(text: str, limit: int) -> str:
    """`text` within `limit` characters, shortened only by leaving out its last clauses (after
    a colon or semicolon, or a parenthesis, outside parentheses), never inside one; ends with
    a full stop. The rules' headlines (at most 140 characters, §4.2) always have a first
    clause that fits; a text without one is cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    cuts, depth = [], 0
    for at, char in enumerate(text):
        if char == "(":
            if depth == 0 and at > 0:
                cuts.append(at)
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char in ";:" and depth == 0:
            cuts.append(at)
    for at in reversed(cuts):
        shortened = f"{text[:at].rstrip(' ,;:')}."
        if len(shortened) <= limit:
            return shortened
    return f"{text[: limit - 1].rsplit(' ', 1)[0].rstrip(' ,;:')}…"


def _first_sentences(text: str, room: int) -> tuple[str, bool] | None:
    """The first whole sentences of `text` within `room` characters and whether any was left
    out; None when not even the first fits."""
    units = sentence_units(text)
    kept: list[str] = []
    for unit in units:
        if len(" ".join([*kept, unit])) > room:
            break
        kept.append(unit)
    if not kept:
        return None
    return " ".join(kept), len(kept) < len(units)


def _lower_first(text: str) -> str:
    """`text` to follow a colon: its first word in lower case unless an abbreviation (MRI)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _dates_in_words(days) -> str:
    return ", ".join(in_words(day) if day is not None else "no date" for day in days)


def index_date_mismatch(
    record_date: date | None, assessment_date: date | None, *, first_of_several: bool = False
) -> str:
    """The warning when the record's first vertebroplasty at the level and the assessment's
    index procedure are not the same day ("" when they agree or either is unknown)."""
    if record_date is None or assessment_date is None or record_date == assessment_date:
        return ""
    which = "first vertebroplasty" if first_of_several else "vertebroplasty"
    return (
        f"The record's {which} at this level is dated {in_words(record_date)}, the "
        f"assessment's index procedure {in_words(assessment_date)}: check which is right "
        "before relying on this guidance."
    )


def several_procedures(level: str, record_procedures) -> str:
    """Said when the record shows the level treated more than once ("" otherwise).

    The spec's index procedure is "the first vertebroplasty at this level" (§1) and its rules
    judge a repeat procedure after one: they do not say what a level already treated twice
    is. The safer reading: the guidance counts from the first, and the clinician is told
    that it does not cover such a level and to decide with the spine team."""
    if len(record_procedures) < 2:
        return ""
    return (
        f"The record shows {len(record_procedures)} vertebroplasties at {level} "
        f"({_dates_in_words(record_procedures)}): Vertebro's guidance counts from the first "
        "and covers a first repeat only; decide with the spine team."
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
    assessed: date,
    finalized: date,
    amended: bool = False,
    mismatch: str = "",
    record_note: str = "",
) -> dict:
    """The card of a finalized assessment's guidance, in words only: `guidance` is the
    assessment's `GuidanceDisplay` (assessments.reports.display), whose labels are those
    frozen at finalization. No rule, warning, note or next-step code and no reference number:
    the reader in the record has neither the rules nor the reference list at hand.

    The card may be read up to VERTEBRO_CDS_RECENT_DAYS after finalization: it gives the day
    the patient was assessed and the day it was finalized (or amended), and the guidance's
    times counted from the assessment ("8 days ago") as dates (`wording.with_dates`).

    The detail holds the recommendation, the first warning whole (and how many more there
    are), the missing work-up, the next step (the deciding rule's own) and the deciding
    reason, in that order; the next step and the reason in whole sentences as room allows
    within DETAIL_MAX_LENGTH, a red flag's next step always; the whole guidance (every
    reason, next step, note, reference) is on the result page, the card's link.

    An index-date mismatch between the record and the assessment (`mismatch`), or a level
    the record shows treated more than once (`record_note`), comes first in the detail and
    makes the card at least a warning; a mismatch also heads the summary, which many records
    show alone until the card is opened."""

    def words(text: str) -> str:
        return with_dates(without_ref_numbers(text), assessed=assessed)

    headline = words(guidance.headline)
    summary = f"{MISMATCH_SUMMARY}{_lower_first(headline)}" if mismatch else headline
    when = f"patient assessed {in_words(assessed)}, {'amended' if amended else 'finalized'}"
    head = (
        f"**{guidance.label}** (Vertebro rules {guidance.rules_version}; {when} "
        f"{in_words(finalized)})."
    )
    if whole_clauses(summary, SUMMARY_MAX_LENGTH) != summary:
        head += f" {headline}"  # the summary left part of the headline out
    parts = [f"**Check the dates.** {mismatch}"] if mismatch else []
    if record_note:
        parts.append(f"**Check the record.** {record_note}")
    parts.append(head)
    if guidance.warnings:
        first, *more = guidance.warnings
        text = f"**Check these answers.** {words(first.text)}"
        if more:
            others = "answer" if len(more) == 1 else "answers"
            text += f" And {len(more)} more {others} to check on the result page."
        parts.append(text)
    if guidance.missing_workup:
        parts.append(f"Missing from the work-up: {', '.join(guidance.missing_workup)}.")
    optional = []
    step = first_next_step(guidance)
    if step is not None:
        needed = guidance.recommendation in CRITICAL
        optional.append(("**Next step.** ", words(step.text), needed))
    if guidance.reasons:
        optional.append(("**Why.** ", words(guidance.reasons[0].text), False))
    left_out = False
    for label, text, needed in optional:
        # Each fills what room is left (the separators and the longer tail count).
        room = DETAIL_MAX_LENGTH - len("\n\n".join([*parts, DETAIL_TAIL])) - 2 - len(label)
        shown = _first_sentences(text, room)
        if shown is None and needed:
            units = sentence_units(text)
            shown = units[0], len(units) > 1
        if shown is None:
            left_out = True
            continue
        parts.append(f"{label}{shown[0]}")
        left_out = left_out or shown[1]
    parts.append(DETAIL_TAIL_SHORTENED if left_out else DETAIL_TAIL)
    indicator = indicator_for(guidance.recommendation, has_warnings=bool(guidance.warnings))
    if (mismatch or record_note) and indicator == "info":
        indicator = "warning"
    card = _card(
        summary=summary,
        indicator=indicator,
        detail="\n\n".join(parts),
        source=_source(canonical_base, guidance.rules_version),
        links=[{"label": "Open the Vertebro result", "url": result_url, "type": "absolute"}],
    )
    card["overrideReasons"] = override_reasons(canonical_base)
    return card


# The answers a launch pre-fills, as the pages name them.
PREFILL_NAMES = (
    ("patient_ref", "patient reference"),
    ("patient_age", "age"),
    ("sex", "sex"),
    ("treated_level", "treated level"),
    ("index_procedure_date", "index vertebroplasty date"),
)


# The key of the pre-fill under which sentences for the clinician are kept beside the answers
# (not an answer: `launch.typed_prefill` reads only the questions' names).
PREFILL_NOTES = "record_notes"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _prefill_items(prefill: dict, *, values: bool) -> tuple[list[str], list[str]]:
    """The step 1 answers the record sent and those it did not, as the pages name them: with
    `values`, each answer as sent ("treated level L2"), else its name only."""
    sent, absent = [], []
    for name, words in PREFILL_NAMES:
        value = prefill.get(name)
        if value is None:
            absent.append(words)
        elif not values:
            sent.append(words)
        elif name == "index_procedure_date":
            sent.append(f"index vertebroplasty {in_words(date.fromisoformat(value))}")
        else:
            sent.append(f"{words} {value}")
    return sent, absent


def prefill_words(prefill: dict) -> str:
    """What the record sent for step 1, with the values, and what it did not, in a sentence."""
    sent, absent = _prefill_items(prefill, values=True)
    if not sent:
        return "The record sent none of the answers of step 1: enter them yourself."
    text = f"The record sent the {_join(sent)}"
    if absent:
        text += f"; the {_join(absent)} {'was' if len(absent) == 1 else 'were'} not in the record"
    return f"{text}."


@dataclass(frozen=True)
class LaunchPage:
    """The words of the page that confirms opening a draft from a card's link."""

    sent: str
    opens: str
    button: str
    opened: str  # the message on step 1 once the draft is open


def launch_page(prefill: dict, usable: dict | None = None) -> LaunchPage:
    """What the launch page says: the draft is pre-filled only with answers the record sent
    and the questionnaire takes (`usable`, by field name; all those sent when not given)."""
    sent = [name for name, _ in PREFILL_NAMES if prefill.get(name) is not None]
    taken = sent if usable is None else [name for name in sent if name in usable]
    left_out = [words for name, words in PREFILL_NAMES if name in sent and name not in taken]
    if not taken:
        opens = "A new, empty draft opens at step 1: answer the questionnaire from the start."
        if left_out:
            opens = f"The questionnaire cannot take the {_join(left_out)} as sent. " + opens
        return LaunchPage(
            sent=prefill_words(prefill),
            opens=opens,
            button="Open a new draft",
            opened="The record sent none of the answers of step 1 that the questionnaire can "
            "take: enter them yourself, then save.",
        )
    opens = (
        "A new draft opens at step 1 with these answers filled in: check each one, then "
        "answer the rest of the questionnaire."
    )
    if left_out:
        opens = (
            f"A new draft opens at step 1 with these answers filled in, except the "
            f"{_join(left_out)}, which the questionnaire cannot take as sent: check each one, "
            "then answer the rest of the questionnaire."
        )
    return LaunchPage(
        sent=prefill_words(prefill),
        opens=opens,
        button="Open the pre-filled draft",
        opened="Answers marked “From the EHR” were taken from the record: check each one, "
        "complete the rest and save.",
    )


def _launch_detail(prefill: dict) -> str:
    sent, _ = _prefill_items(prefill, values=False)
    if not sent:
        return "The link opens a new Vertebro assessment."
    return (
        f"The link opens a new draft with the {_join(sent)} taken from the record; confirm "
        "each, then answer the rest."
    )


def reassess_due(*, assessed: date, reassess_from: date) -> str:
    """Why a recent assessment is not served as guidance: the day it asked to reassess from
    has come (its guidance was "too early" or "continue and reassess" until then)."""
    return (
        f"The last assessment ({in_words(assessed)}) asked for reassessment from "
        f"{in_words(reassess_from)}: reassess before ordering."
    )


def app_link_card(
    *,
    launch_url: str,
    canonical_base: str,
    rules_version: str,
    prefill: dict,
    recent_days: int,
    reassess: str = "",
) -> dict:
    """The card that offers to complete an assessment, through a single-use launch handle:
    when Vertebro holds no recent assessment, or one whose reassessment date has come
    (`reassess`, from `reassess_due`)."""
    level = prefill.get("treated_level", "this level")
    notes = [note for note in prefill.get(PREFILL_NOTES, ()) if note]
    none_recent = (
        f"Vertebro holds no assessment of this patient at {level} finalized in the last "
        f"{recent_days} days."
    )
    detail = "\n\n".join(
        [
            *(f"**Check the record.** {note}" for note in notes),
            f"{reassess or none_recent} {_launch_detail(prefill)}",
        ]
    )
    return _card(
        summary=APP_LINK_SUMMARY,
        indicator="warning" if notes or reassess else "info",
        detail=detail,
        source=_source(canonical_base, rules_version),
        links=[{"label": APP_LINK_LABEL, "url": launch_url, "type": "absolute"}],
    )


def level_unknown_card(
    *, unknown: LevelNotRecognised, launch_url: str, canonical_base: str, rules_version: str
) -> dict:
    """Said instead of silence when a vertebroplasty's level cannot be read: Vertebro cannot
    tell whether the level was treated before. In the clinician's words, with the launch of
    an assessment; how Vertebro reads a level is for the service log, not the card."""
    if unknown.level is None:
        summary = LEVEL_UNKNOWN_SUMMARY
        text = (
            "The order does not name the vertebral level in a form Vertebro can read. Check the "
            "level on the order; if that vertebra was treated by vertebroplasty before, complete "
            "a Vertebro assessment before the repeat procedure."
        )
    else:
        summary = (
            f"A vertebroplasty in the record has no readable level: check whether {unknown.level} "
            "was treated before"
        )
        text = (
            f"A vertebroplasty in the record has no readable level: it may have been at "
            f"{unknown.level}. Check before ordering; if {unknown.level} was treated before, "
            "complete a Vertebro assessment before the repeat procedure."
        )
    return _card(
        summary=summary,
        indicator="warning",
        detail=f"{text} {_launch_detail(unknown.prefill)}",
        source=_source(canonical_base, rules_version),
        links=[{"label": APP_LINK_LABEL, "url": launch_url, "type": "absolute"}],
    )


def prefill(context: OrderContext) -> dict:
    """Step 1 answers taken from the record (JSON-ready); absent facts are left out. A level
    the record shows treated more than once is said beside them (`PREFILL_NOTES`)."""
    values = {
        "patient_ref": context.patient_ref,
        "patient_age": context.age,
        "sex": context.sex,
        "treated_level": context.level,
        "index_procedure_date": (
            context.index_procedure_date.isoformat() if context.index_procedure_date else None
        ),
    }
    answers: dict = {name: value for name, value in values.items() if value is not None}
    note = several_procedures(context.level, context.record_procedures)
    if note:
        answers[PREFILL_NOTES] = [note]
    return answers
