"""Tamper-evident finalized records.

At finalization the frozen record of an assessment — who it belongs to, what it amends, every
input, the frozen guidance and the values copied from it, the rules version, who finalized it
and when — is written as canonical JSON (keys sorted, no spaces, UTF-8) and its SHA-256
digest is stored beside it (`Assessment.record_digest`). `manage.py verify_records`
recomputes every digest: a change made behind the application's back (a raw SQL UPDATE, a
restored backup that lost a row's column) no longer matches.

`canonical_record` is the one definition of what the digest covers. It reads attributes only,
so it works on migration (historical) models too. Its `format` changes whenever what it
covers changes; records keep the digest of the format they were finalized under.
"""

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from vertebro_rules import versions
from vertebro_rules.inputs import INPUT_FIELD_NAMES as INPUT_FIELD_NAMES_2026_2

# 2: the display record (every word the pages and PDF print, assessments/frozen.py) is covered.
RECORD_FORMAT = 2
SHORT_DIGEST_LENGTH = 12


def _plain(value):
    """A stored value as canonical JSON holds it, the same whichever database returned it."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _input_names(assessment) -> tuple[str, ...]:
    """The inputs of the record's rules version (records of 2026.1, which the core no longer
    runs, had the inputs of 2026.2), so that a version's new inputs never change the digest
    of a record finalized under an earlier one."""
    version = getattr(assessment, "rules_version", "")
    if version in versions.VERSIONS:
        return versions.get(version).INPUT_FIELD_NAMES
    return INPUT_FIELD_NAMES_2026_2


def canonical_record(assessment, record_format: int = RECORD_FORMAT) -> dict:
    """The frozen record of a finalized assessment, as plain JSON values (of an earlier
    `record_format` when asked, to check a digest made before the format changed)."""
    record = {
        "format": record_format,
        "assessment": str(assessment.pk),
        "owner": assessment.owner_id,
        "amends": str(assessment.amends_id) if assessment.amends_id else None,
        "inputs": {name: _plain(getattr(assessment, name)) for name in _input_names(assessment)},
        "guidance": _plain(assessment.guidance),
        "scenario": assessment.scenario,
        "recommendation": assessment.recommendation,
        "deciding_rule": assessment.deciding_rule,
        "rules_version": assessment.rules_version,
        "finalized_by": assessment.finalized_by_id,
        "finalized_at": _plain(assessment.finalized_at),
        # Only present when given, so that records frozen before it existed keep their digest.
        **(
            {"amendment_reason": assessment.amendment_reason}
            if getattr(assessment, "amendment_reason", "")
            else {}
        ),
    }
    # The warnings ticked as read at finalization (rules 2026.3 on), only when there were
    # any, so that records finalized without warnings keep their digest.
    acknowledgements = getattr(assessment, "warning_acknowledgements", None)
    if acknowledgements:
        record["warning_acknowledgements"] = _plain(acknowledgements)
    if record_format >= 2:
        record["display_record"] = _plain(assessment.display_record)
    return record


def canonical_json(assessment, record_format: int = RECORD_FORMAT) -> bytes:
    return json.dumps(
        canonical_record(assessment, record_format),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


def record_digest(assessment, record_format: int = RECORD_FORMAT) -> str:
    """SHA-256 (hex) of the canonical JSON of the assessment's frozen record."""
    return hashlib.sha256(canonical_json(assessment, record_format)).hexdigest()


def short_digest(digest: str) -> str:
    """The first hex digits, as the admin and the PDF show them."""
    return digest[:SHORT_DIGEST_LENGTH]


def digest_matches(assessment) -> bool:
    return bool(assessment.record_digest) and assessment.record_digest == record_digest(assessment)
