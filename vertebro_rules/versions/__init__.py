"""The rules versions (docs/specification.md §9), each runnable, behind one entry point.

A rules version names the content of the specification: its inputs and their
validation, its rules, notes, warnings, next steps and texts. Every version the
project ever used stays here, runnable, so that a draft is evaluated with the
version it is asked for and the impact of a new version on past work can be
listed (§9). A retired id (R8 since 2026.3) is never reused.

    from vertebro_rules import versions

    version = versions.get("2026.3")            # or versions.get() for the default
    inputs = version.validate_case(data, today=today)   # raises InvalidInput
    guidance = version.evaluate(inputs)
    guidance.to_dict()                          # the JSON of §6 of that version

or in one call, `versions.evaluate_case(data, today=today, version="2026.3")`.
"""

from collections.abc import Mapping
from datetime import date
from types import ModuleType
from typing import Any, Protocol, cast

from ..errors import InvalidInput
from . import v2026_2, v2026_3

# The version the core evaluates when none is named (the `evaluate` command's default). The web
# application's active version is a setting of its own (§9: 2026.3 runs on drafts and test systems
# until the clinical safety board confirms it).
ACTIVE_DEFAULT = "2026.3"


class RulesVersion(Protocol):
    """What every rules version offers (each is a package `vertebro_rules.versions.vYYYY_N`)."""

    RULES_VERSION: str
    # False while a version is being built: it runs, but is not yet offered as a default.
    COMPLETE: bool
    FIELDS: tuple[Any, ...]
    FIELDS_BY_NAME: dict[str, Any]
    INPUT_FIELD_NAMES: tuple[str, ...]
    MRI_ONLY_FIELDS: tuple[str, ...]
    MRI_FIELDS: tuple[str, ...]
    REFERENCES: dict[int, str]
    # The deciding rules reached only when no work-up item is missing (after R6).
    WORKUP_COMPLETE_RULES: frozenset[str]
    vocabulary: ModuleType

    @property
    def Inputs(self) -> type: ...

    def fields_of_step(self, step: int) -> tuple[str, ...]: ...
    def missing_inputs(self, values: Mapping[str, Any]) -> list[str]: ...
    def cross_field_errors(
        self, values: Mapping[str, Any], *, today: date
    ) -> dict[str, list[str]]: ...
    def validate_values(self, values: Mapping[str, Any], *, today: date) -> None: ...
    def validate_case(self, data: Any, *, today: date) -> Any: ...
    def to_inputs(self, values: Mapping[str, Any]) -> Any: ...
    def evaluate(self, inputs: Any) -> Any: ...
    def progress(self, values: Mapping[str, Any], *, today: date) -> Any: ...
    def red_flag_lines(self, values: Mapping[str, Any], *, today: date) -> list[str]: ...


_REGISTRY: dict[str, RulesVersion] = {
    module.RULES_VERSION: cast(RulesVersion, module) for module in (v2026_2, v2026_3)
}

# Every version's name, oldest first.
VERSIONS: tuple[str, ...] = tuple(_REGISTRY)


class UnknownVersion(LookupError):
    """A rules version that does not exist; the message lists those that do."""


def get(version: str | None = None) -> RulesVersion:
    """The rules version named `version` (the active default when None)."""
    name = ACTIVE_DEFAULT if version is None else version
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownVersion(
            f"Unknown rules version {name!r}; choose one of: {', '.join(VERSIONS)}."
        ) from None


def list_versions() -> list[dict[str, object]]:
    """Each version with whether it is complete and whether it is the default, oldest first."""
    return [
        {"version": name, "complete": module.COMPLETE, "default": name == ACTIVE_DEFAULT}
        for name, module in _REGISTRY.items()
    ]


def validate_case(data: Any, *, today: date, version: str | None = None) -> Any:
    """Validate one JSON case under `version`; return its inputs or raise InvalidInput.

    A refused case carries in `InvalidInput.red_flags` the §8 lines its valid answers raise.
    """
    return get(version).validate_case(data, today=today)


def evaluate(inputs: Any, *, version: str | None = None) -> Any:
    """The guidance of validated `inputs` under `version` (a `Guidance`; `to_dict()` is §6)."""
    return get(version).evaluate(inputs)


def evaluate_case(data: Any, *, today: date, version: str | None = None) -> Any:
    """Validate then evaluate one JSON case: the one path of the command, FHIR and CDS."""
    rules = get(version)
    return rules.evaluate(rules.validate_case(data, today=today))


__all__ = [
    "ACTIVE_DEFAULT",
    "VERSIONS",
    "InvalidInput",
    "RulesVersion",
    "UnknownVersion",
    "evaluate",
    "evaluate_case",
    "get",
    "list_versions",
    "validate_case",
]
