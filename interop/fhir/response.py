"""QuestionnaireResponse out (an assessment's answers) and in (a new draft).

Export: draft -> `in-progress`, final -> `completed`; a finalized amendment -> `amended`
(FHIR: "changed after having been completed"), linked to the original it replaces by the
`replaces` extension; the superseded original stays `completed` (its answers are what was
given on the day), linked to its amendment by `replaced-by`;
`questionnaire` is the canonical URL with the rules version the answers were
given under, and the answers are the questions of that version. Import: the
response becomes a new draft, which runs under the active rules version; every
answer is read by its linkId as a question of that version, converted to the
field's type, and validated like the web forms (each field, then the
cross-field rules); any bad answer refuses the whole response, every one named
by its linkId, and nothing is saved.
"""

from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments import rules_versions, services
from assessments.models import Assessment
from vertebro_lib.codes import is_blank
from vertebro_lib.people import person_name
from vertebro_rules.errors import InvalidInput

from .common import (
    accepted_bases,
    amendment_extensions,
    assessment_identifier,
    field_kind,
    patient_subject,
    questionnaire_url,
    vocabulary_system,
)
from .questionnaire import answer_coding, step_link_id


def response_status(assessment: Assessment) -> str:
    """The QuestionnaireResponse status of an assessment (see the module's docstring)."""
    if not assessment.is_final:
        return "in-progress"
    return "amended" if assessment.amends_id else "completed"


VALUE_KEYS = {
    "text": "valueString",
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "date": "valueDate",
    "boolean": "valueBoolean",
    "choice": "valueCoding",
    "choices": "valueCoding",
}
STEP_LINK_IDS = frozenset(
    step_link_id(spec.step)
    for version in rules_versions.known_versions()
    for spec in rules_versions.edition(version).FIELDS
)


def _json_value(spec, kind, value):
    if kind == "choice":
        return answer_coding(spec, value)
    if kind == "decimal":
        return float(value)
    if kind == "date":
        return value.isoformat()
    return value


def _enabled(spec, values: dict) -> bool:
    """Whether a conditional question is shown (its `applies_when` holds)."""
    return spec.applies_when is None or spec.applies_when.holds(values)


@lru_cache(maxsize=4)
def _layout(version: str) -> tuple:
    """Per step, a version's questions with their kind and answer key (the input definition,
    once)."""
    fields = rules_versions.edition(version).FIELDS
    steps = sorted({spec.step for spec in fields})
    return tuple(
        (
            step_link_id(number),
            tuple(
                (spec, field_kind(spec), VALUE_KEYS[field_kind(spec)])
                for spec in fields
                if spec.step == number
            ),
        )
        for number in steps
    )


def answers_items(
    values: dict, *, version: str | None = None, only_enabled: bool = True
) -> list[dict]:
    """The response's items: one group per step, one item per answered, enabled question of
    the rules version (by default the active one)."""
    groups = []
    for link_id, questions in _layout(version or rules_versions.active_version()):
        items = []
        for spec, kind, key in questions:
            value = values.get(spec.name)
            if is_blank(value):
                continue
            if only_enabled and not _enabled(spec, values):
                continue
            if kind == "choices":
                answers = [{key: answer_coding(spec, one)} for one in value]
            else:
                answers = [{key: _json_value(spec, kind, value)}]
            items.append({"linkId": spec.name, "text": spec.label, "answer": answers})
        if items:
            groups.append({"linkId": link_id, "item": items})
    return groups


def _instant(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def export_response(assessment: Assessment) -> dict:
    """The assessment's answers as a QuestionnaireResponse (JSON)."""
    version = assessment.rules_version or assessment.rules().RULES_VERSION
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": str(assessment.pk),
        "identifier": assessment_identifier(assessment.pk),
        "questionnaire": f"{questionnaire_url()}|{version}",
        "status": response_status(assessment),
        "authored": _instant(assessment.finalized_at or assessment.updated),
    }
    links = amendment_extensions(assessment, "QuestionnaireResponse")
    if links:
        resource["extension"] = links
    subject = patient_subject(assessment.patient_ref)
    if subject:
        resource["subject"] = subject
    owner = assessment.owner
    resource["author"] = {"display": person_name(owner)}
    items = answers_items(assessment.input_values(), version=version)
    if items:
        resource["item"] = items
    return resource


# --- Import ---------------------------------------------------------------------------------


class ResponseRefused(InvalidInput):
    """The response cannot become a draft; `errors` maps each linkId to its messages."""


def _walk(items, errors, found, fields_by_name, path="item"):
    if not isinstance(items, list):
        errors.setdefault(path, []).append("Expected a list of items.")
        return
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("linkId"), str):
            errors.setdefault(path, []).append("Each item needs a linkId.")
            continue
        link_id = item["linkId"]
        if link_id in STEP_LINK_IDS:
            if "answer" in item:
                errors.setdefault(link_id, []).append("A group holds items, not answers.")
            _walk(item.get("item", []), errors, found, fields_by_name, link_id)
            continue
        if link_id not in fields_by_name:
            errors.setdefault(link_id, []).append("Unknown question (linkId).")
            continue
        if link_id in found:
            errors.setdefault(link_id, []).append("Answered more than once.")
            continue
        found[link_id] = item.get("answer", [])


def _coding_code(spec, raw, systems: tuple[str, ...]):
    """The code of an answer's Coding, of the vocabulary's system under the canonical base or
    an earlier export's base (the first of `systems` is the canonical one, named if refused)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        raise ValueError("Expected a Coding with a code.")
    if raw.get("system") not in systems:
        raise ValueError(f"Expected a code of {systems[0]}.")
    return raw["code"]


def _typed(spec, answers):
    """The field's value from a question's answers; raise ValueError with the message."""
    if not isinstance(answers, list):
        raise ValueError("Expected a list of answers.")
    kind = field_kind(spec)
    key = VALUE_KEYS[kind]
    if not answers:
        return None
    if kind != "choices" and len(answers) > 1:
        raise ValueError("Only one answer is allowed.")
    raws = []
    for answer in answers:
        if (
            not isinstance(answer, dict)
            or set(answer) - {key, "id", "extension"}
            or key not in answer
        ):
            raise ValueError(f"Expected an answer of type {key}.")
        raws.append(answer[key])
    if kind in ("choice", "choices"):
        systems = tuple(
            dict.fromkeys(vocabulary_system(spec.vocabulary, base) for base in accepted_bases())
        )
        codes = [_coding_code(spec, raw, systems) for raw in raws]
        return spec.from_json(codes if kind == "choices" else codes[0])
    raw = raws[0]
    if kind == "decimal" and isinstance(raw, float):
        raw = Decimal(repr(raw))
    return spec.from_json(raw)


def read_response(resource, *, today: date, rules=None) -> dict:
    """The typed input values of a QuestionnaireResponse, as the questions of `rules` (a rules
    version's core; by default the active version's); raise ResponseRefused.

    The same checks as the web forms: each value against its field, then the cross-field
    rules on the answers given (a draft may be incomplete).
    """
    rules = rules or rules_versions.edition(rules_versions.active_version())
    errors: dict[str, list[str]] = {}
    if not isinstance(resource, dict) or resource.get("resourceType") != "QuestionnaireResponse":
        raise ResponseRefused({"resourceType": ["Expected a QuestionnaireResponse."]})
    canonical = resource.get("questionnaire")
    known = {questionnaire_url(base) for base in accepted_bases()}
    if not isinstance(canonical, str) or canonical.split("|", 1)[0] not in known:
        errors["questionnaire"] = [f"Expected a response to {questionnaire_url()}."]
    found: dict = {}
    _walk(resource.get("item", []), errors, found, rules.FIELDS_BY_NAME)
    values = {}
    for name, answers in found.items():
        spec = rules.FIELDS_BY_NAME[name]
        try:
            value = _typed(spec, answers)
        except ValueError as error:
            errors.setdefault(name, []).append(str(error))
            continue
        if is_blank(value):
            continue
        message = spec.check(value, today=today)
        if message:
            errors.setdefault(name, []).append(message)
        else:
            values[name] = value
    if not errors:
        for name, messages in rules.cross_field_errors(values, today=today).items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ResponseRefused(errors)
    return values


@transaction.atomic
def import_response(resource, *, user) -> Assessment:
    """A new draft of `user` from a QuestionnaireResponse; raise ResponseRefused, save nothing.

    The draft runs under the active rules version, and the answers are read as its questions.
    """
    draft = Assessment(owner=user)
    values = read_response(resource, today=timezone.localdate(), rules=draft.rules())
    for name, value in values.items():
        setattr(draft, name, value)
    if "contraindications" not in values:
        draft.contraindications = []
    try:
        return services.assessment_save_step(
            assessment=draft, fields=tuple(values), expected_version=None, user=user
        )
    except ValidationError as error:  # the model's own checks, as for the forms
        raise ResponseRefused(error.message_dict) from None
