"""Vertebro's FHIR definitions served at their canonical URLs: a CodeSystem for every code
system an export names, and the CapabilityStatement of the FHIR endpoints (`/fhir/metadata`).

The vocabularies' code systems list every code with its label, from the newest rules
version (its codes include those of every earlier one). The ids of rules, warnings, notes
and next steps are code systems too, whose concepts are the rules' sentences and are not
listed (`content: not-present`): the sentence of each code is in the resource that uses it.
"""

import enum

from django.utils import timezone

from assessments import rules_versions
from vertebro_rules import versions

from .common import (
    FHIR_JSON,
    QUESTIONNAIRE_ID,
    code_system,
    fhir_base,
    vocabulary_code_system_id,
)
from .guidance import module_uri

PUBLISHER = "Vertebro"
# R4. Written 4.0.0, not its technical correction 4.0.1: the official R4 JSON Schema (the
# one receiving systems validate with) allows no 4.0.1, and both name the same release to
# every FHIR client.
FHIR_VERSION = "4.0.0"


def _vocabularies() -> dict[str, type]:
    vocabulary = rules_versions.newest_vocabulary()
    found: dict[str, type] = {}
    for name in dir(vocabulary):
        choices = getattr(vocabulary, name)
        if isinstance(choices, enum.EnumType) and hasattr(choices, "labels"):
            system_id = vocabulary_code_system_id(choices)
            if system_id and choices.values:
                found[system_id] = choices
    return found


def _listed(concepts: list[tuple[str, str]]) -> dict:
    return {
        "content": "complete",
        "count": len(concepts),
        "concept": [{"code": code, "display": display} for code, display in concepts],
    }


def _fixed() -> dict[str, tuple[str, str, dict]]:
    """Code systems of the interoperability layer itself: id -> (title, description, body)."""
    from ..cds import service  # the CDS service's own codes

    return {
        "rule": (
            "Vertebro rules",
            "The rules of the Vertebro guidance (R1, R2, …); the sentence of a rule is the text "
            "of the reason that cites it.",
            {"content": "not-present"},
        ),
        "warning": (
            "Vertebro warnings",
            "Implausible or contradictory answers the guidance asks to check (P1, P2, …).",
            {"content": "not-present"},
        ),
        "document-type": (
            "Vertebro document types",
            "Vertebro's own kind of document, beside its LOINC type.",
            _listed([("assessment-summary", "Vertebro assessment summary")]),
        ),
        "procedure": (
            "Vertebro procedures",
            "A procedure code a record may use for a vertebroplasty order.",
            _listed([("vertebroplasty", "Vertebroplasty")]),
        ),
        "cds-topic": (
            "Vertebro CDS card topics",
            "The topic of Vertebro's CDS Hooks cards.",
            _listed([("repeat-vertebroplasty", "Repeat vertebroplasty at a treated level")]),
        ),
        "cds-override-reason": (
            "Reasons to set a Vertebro CDS card aside",
            "The overrideReasons of Vertebro's CDS Hooks cards, sent back as feedback.",
            _listed(list(service.OVERRIDE_REASONS)),
        ),
    }


def code_system_ids() -> list[str]:
    return sorted({*_fixed(), *_vocabularies()})


def build_code_system(system_id: str) -> dict | None:
    """The CodeSystem `system_id` at its canonical URL, or None if Vertebro has no such one."""
    vocabularies = _vocabularies()
    fixed = _fixed()
    if system_id in vocabularies:
        choices = vocabularies[system_id]
        title = f"Vertebro {system_id.replace('-', ' ')}"
        description = (
            f"The codes of Vertebro's {system_id.replace('-', ' ')} answers and results, with "
            "the labels Vertebro prints for them."
        )
        body = _listed(
            [
                (str(code), str(label))
                for code, label in zip(choices.values, choices.labels, strict=True)
            ]
        )
    elif system_id in fixed:
        title, description, body = fixed[system_id]
    else:
        return None
    return {
        "resourceType": "CodeSystem",
        "id": system_id,
        "url": code_system(system_id),
        "version": versions.VERSIONS[-1],
        "name": "".join(part.capitalize() for part in system_id.split("-")),
        "title": title,
        "status": "active",
        "experimental": False,
        "publisher": PUBLISHER,
        "description": description,
        "caseSensitive": True,
        **body,
    }


def build_capability_statement() -> dict:
    """What Vertebro's FHIR endpoints serve: its Questionnaire and code systems (read)."""
    return {
        "resourceType": "CapabilityStatement",
        "id": "vertebro",
        "url": f"{fhir_base()}/CapabilityStatement/vertebro",
        "version": versions.VERSIONS[-1],
        "name": "VertebroFhirEndpoints",
        "title": "Vertebro FHIR endpoints",
        "status": "active",
        "experimental": False,
        "date": timezone.localdate().isoformat(),
        "publisher": PUBLISHER,
        "description": (
            "Vertebro publishes its Questionnaire and code systems at their canonical URLs. "
            "Assessments are exported (QuestionnaireResponse, GuidanceResponse, "
            "DocumentReference, Bundle) from the application, and guidance is given through "
            "CDS Hooks at /cds-services; neither is a FHIR REST interface."
        ),
        "kind": "instance",
        "software": {"name": "Vertebro", "version": versions.VERSIONS[-1]},
        "implementation": {"description": "Vertebro", "url": fhir_base()},
        "fhirVersion": FHIR_VERSION,
        "format": [FHIR_JSON, "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Read only; no patient data is served here.",
                "resource": [
                    {
                        "type": "Questionnaire",
                        "interaction": [{"code": "read"}],
                        "documentation": f"Questionnaire/{QUESTIONNAIRE_ID}",
                    },
                    {
                        "type": "CodeSystem",
                        "interaction": [{"code": "read"}],
                        "documentation": ", ".join(
                            f"CodeSystem/{system_id}" for system_id in code_system_ids()
                        ),
                    },
                    {
                        "type": "StructureDefinition",
                        "interaction": [{"code": "read"}],
                        "documentation": ", ".join(
                            f"StructureDefinition/{extension_id}" for extension_id in EXTENSIONS
                        ),
                    },
                    {
                        "type": "Library",
                        "interaction": [{"code": "read"}],
                        "documentation": "rules/<rules version>: the GuidanceResponse's moduleUri",
                    },
                    {
                        "type": "NamingSystem",
                        "interaction": [{"code": "read"}],
                        "documentation": "assessment: the identifier system of assessments",
                    },
                ],
            }
        ],
    }


# Vertebro's own extensions (`common.amendment_extensions`): id -> (title, description).
EXTENSIONS = {
    "replaces": (
        "Replaces",
        "On an amendment's QuestionnaireResponse or GuidanceResponse: the resource of the same "
        "type of the assessment it corrects (FHIR R4 gives these resources no element for it).",
    ),
    "replaced-by": (
        "Replaced by",
        "On a superseded assessment's QuestionnaireResponse or GuidanceResponse: the resource "
        "of the same type of its finalized amendment.",
    ),
}


def build_structure_definition(extension_id: str) -> dict | None:
    """The StructureDefinition of one of Vertebro's extensions at its canonical URL (a
    Reference to a QuestionnaireResponse or GuidanceResponse), or None."""
    if extension_id not in EXTENSIONS:
        return None
    title, description = EXTENSIONS[extension_id]
    url = f"{fhir_base()}/StructureDefinition/{extension_id}"
    targets = [
        f"http://hl7.org/fhir/StructureDefinition/{name}"
        for name in ("QuestionnaireResponse", "GuidanceResponse")
    ]
    return {
        "resourceType": "StructureDefinition",
        "id": extension_id,
        "url": url,
        "version": versions.VERSIONS[-1],
        "name": "".join(part.capitalize() for part in extension_id.split("-")),
        "title": title,
        "status": "active",
        "experimental": False,
        "publisher": PUBLISHER,
        "description": description,
        "fhirVersion": FHIR_VERSION,
        "kind": "complex-type",
        "abstract": False,
        "context": [
            {"type": "element", "expression": "QuestionnaireResponse"},
            {"type": "element", "expression": "GuidanceResponse"},
        ],
        "type": "Extension",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "differential": {
            "element": [
                {
                    "id": "Extension",
                    "path": "Extension",
                    "short": title,
                    "definition": description,
                    "min": 0,
                    "max": "1",
                },
                {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
                {
                    "id": "Extension.url",
                    "path": "Extension.url",
                    "fixedUri": url,
                },
                {
                    "id": "Extension.value[x]",
                    "path": "Extension.value[x]",
                    "min": 1,
                    "type": [{"code": "Reference", "targetProfile": targets}],
                },
            ]
        },
    }


def build_rules_library(version: str) -> dict | None:
    """The rules version a GuidanceResponse's `moduleUri` names, as a FHIR Library, or None
    for a version Vertebro does not have."""
    if version not in versions.VERSIONS:
        return None
    return {
        "resourceType": "Library",
        "id": f"rules-{version.replace('.', '-')}",
        "url": module_uri(version),
        "version": version,
        "name": f"VertebroRules{version.replace('.', '')}",
        "title": f"Vertebro guidance rules, version {version}",
        "status": "active",
        "experimental": False,
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/library-type",
                    "code": "logic-library",
                    "display": "Logic Library",
                }
            ]
        },
        "publisher": PUBLISHER,
        "description": (
            f"The rules of version {version} of the Vertebro guidance on repeat vertebroplasty "
            "at a previously treated level; the answers they read are those of the Questionnaire "
            f"of version {version}. Decision support for clinicians; it does not replace "
            "clinical judgement."
        ),
        "relatedArtifact": [
            {
                "type": "depends-on",
                "display": "The Vertebro assessment Questionnaire",
                "resource": f"{fhir_base()}/Questionnaire/{QUESTIONNAIRE_ID}|{version}",
            }
        ],
    }


def build_assessment_naming_system() -> dict:
    """The identifier system of an assessment's QuestionnaireResponse and GuidanceResponse
    (`common.assessment_identifier`), described at its own URL."""
    return {
        "resourceType": "NamingSystem",
        "id": "assessment",
        "name": "VertebroAssessment",
        "status": "active",
        "kind": "identifier",
        "date": timezone.localdate().isoformat(),
        "publisher": PUBLISHER,
        "description": (
            "The identifier of a Vertebro assessment (a UUID): the QuestionnaireResponse and the "
            "GuidanceResponse of one assessment carry the same one."
        ),
        "uniqueId": [{"type": "uri", "value": f"{fhir_base()}/assessment", "preferred": True}],
    }
