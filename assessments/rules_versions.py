"""Rules versions in the application (docs/specification.md §9).

Every released rules version stays runnable beside the current one. The application
reads one of them as the *active* version: the version a new draft starts under and the
"current rules" of the impact report. It is the last switch an administrator recorded
(`RulesVersionSwitch`, written by `manage.py rules_version --activate`, each switch also a
security-log event), or, before any switch, the `VERTEBRO_RULES_VERSION` setting.

Each assessment records the version it runs under (`Assessment.rules_version`): a draft
is evaluated, shown and finalized under the version it was started under until its owner
moves it to the active version (`services.assessment_move_to_rules_version`); a finalized
assessment keeps, and prints, what its version decided on the day.

`edition(version)` is the one door to a version of the core: its inputs, its validation,
its `evaluate` and its guidance so far.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from vertebro_rules import versions as core_versions

UnknownRulesVersion = core_versions.UnknownVersion


def known_versions() -> tuple[str, ...]:
    """The rules versions this installation can run, oldest first."""
    return core_versions.VERSIONS


def is_complete(version: str) -> bool:
    """Whether every rule and text of the version is built (only such a one is switched on)."""
    return bool(edition(version).COMPLETE)


def edition(version: str):
    """The core of one rules version (inputs, validation, evaluate, progress, vocabulary)."""
    return core_versions.get(version)


def vocabulary_of(version: str):
    """The codes and labels of a rules version; a version the core no longer runs (2026.1)
    had those of its successor 2026.2."""
    if version not in core_versions.VERSIONS:
        version = core_versions.VERSIONS[0]
    return edition(version).vocabulary


def next_steps_line(version: str) -> str:
    """The chart's fixed line above the next steps (§5b), for a version that has them."""
    return getattr(edition(version), "NEXT_STEPS_LINE", "")


def newest_vocabulary():
    """The vocabulary of the newest version: its codes include those of every earlier one, so
    the database columns hold the answers of any version."""
    return edition(core_versions.VERSIONS[-1]).vocabulary


def active_version() -> str:
    """The version new drafts start under: the last recorded switch, else the setting."""
    with connection.cursor() as cursor:
        cursor.execute(_last_switch_sql())
        latest = cursor.fetchone()
    return latest[0] if latest is not None else settings.VERTEBRO_RULES_VERSION


@functools.cache
def _last_switch_sql() -> str:
    """The version of the last switch (the latest `switched_at`, then the highest id).

    Plain SQL written once per process from the model's own table and column names: every
    step and review page asks it, and building it through the ORM each time cost more than
    running it.
    """
    from assessments.models import RulesVersionSwitch

    q = connection.ops.quote_name
    meta = RulesVersionSwitch._meta
    return (
        f"SELECT {q(meta.get_field('version').column)} FROM {q(meta.db_table)}"
        f" ORDER BY {q(meta.get_field('switched_at').column)} DESC, {q(meta.pk.column)} DESC"
        " LIMIT 1"
    )


@dataclass(frozen=True, slots=True)
class VersionChange:
    """What moving a draft from one rules version to another changes, in words."""

    old: str
    new: str
    new_questions: tuple[str, ...]
    dropped_questions: tuple[str, ...]

    @property
    def changes_questions(self) -> bool:
        return bool(self.new_questions or self.dropped_questions)


def version_change(old: str, new: str) -> VersionChange:
    """The questions the `new` version asks that `old` did not, and those it no longer reads."""
    old_fields = edition(old).FIELDS_BY_NAME
    new_fields = edition(new).FIELDS_BY_NAME
    return VersionChange(
        old=old,
        new=new,
        new_questions=tuple(
            spec.label for name, spec in new_fields.items() if name not in old_fields
        ),
        dropped_questions=tuple(
            spec.label for name, spec in old_fields.items() if name not in new_fields
        ),
    )
