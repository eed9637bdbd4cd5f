"""Tamper-evident finalized records, against anyone who can write to the database.

A finalized record is sealed with an HMAC-SHA256 under a key that is NOT in the database
(`VERTEBRO_RECORD_KEY`, from the environment): whoever edits a row with SQL cannot compute
the new seal, so the change shows. The seal covers the canonical form of the record below,
status included, so a record set back to draft (editable again) or to discarded (hidden)
no longer matches.

The seals are also chained: each finalization (and each supersession of an amended record)
appends one entry to `RecordChainEntry`: its sequence number, the record, the record's
seal and the previous entry's MAC, all under one MAC. A deleted entry, a deleted record or
two entries swapped break the chain. Cutting entries off the end leaves a shorter, valid
chain, which only an outside copy of the head shows: `manage.py verify_records` prints the
chain head (sequence number and MAC) so that the department writes it down or sends it
elsewhere every day (the external anchor, see the README).

THE CANONICAL FORM (record format 3) — changing any of this changes every seal, and the
fixed test vector in tests/audit/test_record_hmac.py fails:
- a JSON object with these keys: "format" (3), "assessment" (id, hex with dashes),
  "status", "owner" (user id), "amends" (id or null), "amendment_reason", "inputs" (every
  input of the record's rules version by name; those that are null are left out), "guidance" (the frozen guidance
  JSON), "display_record" (the frozen words), "scenario", "recommendation", "deciding_rule",
  "rules_version", "finalized_by" (user id), "finalized_at", "created",
  "warning_acknowledgements" (null when none or empty);
- values: datetimes in UTC as ISO 8601 with microseconds ("2026-11-25T14:05:00.000000+00:00"),
  dates ISO ("2026-11-25"), decimals normalized without exponent ("5.0" -> "5", "-2.50" ->
  "-2.5"), JSON objects recursively, lists in their order;
- serialized with sorted keys, separators "," and ":", non-ASCII kept, encoded UTF-8.
The seal is HMAC-SHA256(key, that UTF-8), in lowercase hex.

A chain entry's MAC is HMAC-SHA256(key, canonical JSON of {"format": 3, "seq", "assessment",
"event", "record_mac", "previous" (the previous entry's MAC, "" for the first),
"recorded_at"}).

Keys rotate: each seal and entry stores the id of the key it was made with (`key_id`, the
first 16 hex digits of HMAC-SHA256(key, "vertebro record key id"), so the id reveals nothing
of the key). A new key goes in `VERTEBRO_RECORD_KEY`, the previous ones in
`VERTEBRO_RECORD_OLD_KEYS`; old seals keep verifying with their own key, new ones use the
new key.

Everything here reads attributes only, so it works on migration (historical) models too.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection

from vertebro_rules import versions
from vertebro_rules.inputs import INPUT_FIELD_NAMES as INPUT_FIELD_NAMES_2026_2

RECORD_FORMAT = 3
SHORT_DIGEST_LENGTH = 12
KEY_ID_LENGTH = 16

FINAL_STATUSES = ("final", "superseded")


class UnknownKey(Exception):
    """A seal names a key id that no configured key has."""


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


def _dumps(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


# --- keys ---------------------------------------------------------------------------------


def key_id_of(key: bytes) -> str:
    return hmac.new(key, b"vertebro record key id", hashlib.sha256).hexdigest()[:KEY_ID_LENGTH]


def _as_bytes(key: str | bytes) -> bytes:
    return key if isinstance(key, bytes) else key.encode("utf-8")


def current_key() -> tuple[str, bytes]:
    """(key id, key) that new seals are made with."""
    key = _as_bytes(settings.VERTEBRO_RECORD_KEY)
    return key_id_of(key), key


def keys_by_id() -> dict[str, bytes]:
    keys = [_as_bytes(key) for key in getattr(settings, "VERTEBRO_RECORD_OLD_KEYS", [])]
    keys.append(_as_bytes(settings.VERTEBRO_RECORD_KEY))
    return {key_id_of(key): key for key in keys}


def _key(key_id: str) -> bytes:
    try:
        return keys_by_id()[key_id]
    except KeyError:
        raise UnknownKey(f"no configured key has the id {key_id or '(none)'}") from None


def _mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


# --- the record ---------------------------------------------------------------------------


def _input_names(assessment) -> tuple[str, ...]:
    """The inputs of the record's rules version (records of 2026.1, which the core no longer
    runs, had the inputs of 2026.2), so that a version's new inputs never change the seal
    of a record finalized under an earlier one."""
    version = getattr(assessment, "rules_version", "")
    if version in versions.VERSIONS:
        return versions.get(version).INPUT_FIELD_NAMES
    return INPUT_FIELD_NAMES_2026_2


def canonical_record(assessment, *, status: str | None = None) -> dict:
    """The canonical form of a finalized record (format 3, see the module docstring);
    `status` replaces the stored one (to seal a record as it was at an earlier event)."""
    return {
        "format": RECORD_FORMAT,
        "assessment": str(assessment.pk),
        "status": status or assessment.status,
        "owner": assessment.owner_id,
        "amends": str(assessment.amends_id) if assessment.amends_id else None,
        "amendment_reason": getattr(assessment, "amendment_reason", "") or "",
        # The inputs of the record's rules version; empty (null) ones are left out.
        "inputs": {
            name: _plain(value)
            for name in _input_names(assessment)
            if (value := getattr(assessment, name, None)) is not None
        },
        "guidance": _plain(assessment.guidance),
        "display_record": _plain(assessment.display_record),
        "scenario": assessment.scenario,
        "recommendation": assessment.recommendation,
        "deciding_rule": assessment.deciding_rule,
        "rules_version": assessment.rules_version,
        "finalized_by": assessment.finalized_by_id,
        "finalized_at": _plain(assessment.finalized_at),
        "created": _plain(assessment.created),
        # getattr: migrations run this on historical models that may predate the field. An
        # empty list is null, as on a record from before warnings were acknowledged.
        "warning_acknowledgements": _plain(
            getattr(assessment, "warning_acknowledgements", None) or None
        ),
    }


def canonical_json(assessment, *, status: str | None = None) -> bytes:
    return _dumps(canonical_record(assessment, status=status))


def record_mac(assessment, *, key: bytes, status: str | None = None) -> str:
    """HMAC-SHA256 (hex) of the canonical JSON of the record under `key`."""
    return _mac(key, canonical_json(assessment, status=status))


def seal(assessment) -> None:
    """Set `record_key_id` and `record_digest` of a record about to be saved final (or
    superseded) with the current key."""
    key_id, key = current_key()
    assessment.record_key_id = key_id
    assessment.record_digest = record_mac(assessment, key=key)


def seal_matches(assessment) -> bool:
    """Whether the stored seal is the HMAC of the record as it is now (False for an unknown key)."""
    if not assessment.record_digest or not getattr(assessment, "record_key_id", ""):
        return False
    try:
        key = _key(assessment.record_key_id)
    except UnknownKey:
        return False
    return hmac.compare_digest(assessment.record_digest, record_mac(assessment, key=key))


def short_digest(digest: str) -> str:
    """The first hex digits, as the admin and the PDF show them."""
    return digest[:SHORT_DIGEST_LENGTH]


# --- the chain ----------------------------------------------------------------------------


def entry_message(*, seq, assessment_id, event, record_mac, previous, recorded_at) -> bytes:
    return _dumps(
        {
            "format": RECORD_FORMAT,
            "seq": seq,
            "assessment": str(assessment_id),
            "event": event,
            "record_mac": record_mac,
            "previous": previous,
            "recorded_at": _plain(recorded_at),
        }
    )


def entry_mac(entry, *, key: bytes) -> str:
    return _mac(
        key,
        entry_message(
            seq=entry.seq,
            assessment_id=entry.assessment_id,
            event=entry.event,
            record_mac=entry.record_mac,
            previous=entry.previous_mac,
            recorded_at=entry.recorded_at,
        ),
    )


def _lock_chain(chain_model) -> None:
    """Appends one at a time. PostgreSQL: a table lock that plain reads pass through. SQLite
    lets one connection write at a time, and the caller has written before appending."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {chain_model._meta.db_table} IN EXCLUSIVE MODE")


def chain_append(*, chain_model, assessment, event: str, now: datetime):
    """Append the chain entry of one finalization ("finalize") or supersession ("supersede")
    of a sealed record; call inside the transaction that saved it."""
    _lock_chain(chain_model)
    head = chain_model.objects.order_by("-seq").only("seq", "mac").first()
    key_id, key = current_key()
    entry = chain_model(
        seq=(head.seq + 1) if head else 1,
        assessment_id=assessment.pk,
        event=event,
        record_mac=assessment.record_digest,
        previous_mac=head.mac if head else "",
        key_id=key_id,
        recorded_at=now,
    )
    entry.mac = entry_mac(entry, key=key)
    entry.save()
    return entry


# --- verification -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    assessment_id: str | None
    why: str


@dataclass(frozen=True, slots=True)
class Verification:
    records_checked: int
    entries_checked: int
    head_seq: int
    head_mac: str
    problems: list[Problem]


def verify(*, record_model, chain_model, finalized_ids) -> Verification:
    """Check every chain entry and every record ever finalized.

    `finalized_ids` are the ids of the records the table holds as final or superseded (or
    with a seal); the records named by the chain are checked too, whatever their status now.
    """
    problems: list[Problem] = []
    keys = keys_by_id()
    latest: dict[str, object] = {}
    expected_seq, previous, entries = 1, "", 0
    head_seq, head_mac = 0, ""
    for entry in chain_model.objects.order_by("seq").iterator(chunk_size=1000):
        entries += 1
        record_id = str(entry.assessment_id)
        if entry.seq != expected_seq:
            problems.append(
                Problem(
                    record_id,
                    f"chain entry {entry.seq} follows entry {expected_seq - 1}: "
                    f"entries {expected_seq}–{entry.seq - 1} were deleted",
                )
            )
        if entry.previous_mac != previous:
            problems.append(
                Problem(
                    record_id,
                    f"chain entry {entry.seq} does not follow the entry before it "
                    "(an entry was deleted, inserted or moved)",
                )
            )
        key = keys.get(entry.key_id)
        if key is None:
            problems.append(
                Problem(record_id, f"chain entry {entry.seq}: no configured key {entry.key_id}")
            )
        elif not hmac.compare_digest(entry.mac, entry_mac(entry, key=key)):
            problems.append(
                Problem(record_id, f"chain entry {entry.seq} was changed (its MAC does not match)")
            )
        latest[record_id] = entry
        expected_seq, previous = entry.seq + 1, entry.mac
        head_seq, head_mac = entry.seq, entry.mac

    wanted = set(latest) | {str(pk) for pk in finalized_ids}
    seen = set()
    checked = 0
    ids = sorted(wanted)
    for start in range(0, len(ids), 500):
        for record in record_model.objects.filter(pk__in=ids[start : start + 500]):
            record_id = str(record.pk)
            seen.add(record_id)
            checked += 1
            problems.extend(_record_problems(record, latest.get(record_id), keys))
    for record_id in sorted(wanted - seen):
        entry = latest[record_id]
        problems.append(
            Problem(
                record_id,
                f"finalized record deleted from the database (chain entry {entry.seq})",
            )
        )
    problems.sort(key=lambda problem: (problem.assessment_id or "", problem.why))
    return Verification(checked, entries, head_seq, head_mac, problems)


def _record_problems(record, entry, keys) -> list[Problem]:
    record_id = str(record.pk)
    found = []
    if record.status not in FINAL_STATUSES:
        found.append(Problem(record_id, f"finalized record now has status {record.status!r}"))
    if not record.record_digest:
        found.append(Problem(record_id, "no seal stored"))
    elif not record.record_key_id:
        found.append(
            Problem(
                record_id,
                "sealed only with the old unkeyed SHA-256, which did not match when the keyed "
                "seals were introduced",
            )
        )
    elif record.record_key_id not in keys:
        found.append(
            Problem(record_id, f"sealed with a key not configured ({record.record_key_id})")
        )
    elif not hmac.compare_digest(
        record.record_digest, record_mac(record, key=keys[record.record_key_id])
    ):
        found.append(Problem(record_id, "content changed since finalization (seal mismatch)"))
    if entry is None:
        found.append(Problem(record_id, "not in the chain of finalizations"))
    elif entry.record_mac != record.record_digest:
        found.append(Problem(record_id, f"seal differs from the one chained in entry {entry.seq}"))
    return found


# --- the unkeyed digests of record formats 1 and 2 (migrations 0008 and 0011 only) ---------


def legacy_record_digest(assessment, record_format: int) -> str:
    """SHA-256 of the format 1 or 2 canonical JSON (before seals were keyed)."""
    record = {
        "format": record_format,
        "assessment": str(assessment.pk),
        "owner": assessment.owner_id,
        "amends": str(assessment.amends_id) if assessment.amends_id else None,
        "inputs": {
            name: _plain(getattr(assessment, name, None)) for name in _input_names(assessment)
        },
        "guidance": _plain(assessment.guidance),
        "scenario": assessment.scenario,
        "recommendation": assessment.recommendation,
        "deciding_rule": assessment.deciding_rule,
        "rules_version": assessment.rules_version,
        "finalized_by": assessment.finalized_by_id,
        "finalized_at": _plain(assessment.finalized_at),
        **(
            {"amendment_reason": assessment.amendment_reason}
            if getattr(assessment, "amendment_reason", "")
            else {}
        ),
    }
    # The warnings ticked as read (rules 2026.3), only when there were any.
    acknowledgements = getattr(assessment, "warning_acknowledgements", None)
    if acknowledgements:
        record["warning_acknowledgements"] = _plain(acknowledgements)
    if record_format >= 2:
        record["display_record"] = _plain(getattr(assessment, "display_record", None))
    return hashlib.sha256(_dumps(record)).hexdigest()
