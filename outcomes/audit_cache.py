"""The department audit, computed once per filter and day while the records stay the same.

A meeting opens the page, prints the PDF and opens both again with the same filter: the
figures are computed on the first view and read from the cache (the database cache shared
by every app server) after that, until

- an assessment, a procedure or a follow-up is added, changed or removed: how many there
  are and when each table last changed, read in one query on every view, are part of the
  key, so the next view computes afresh;
- the day changes (follow-ups fall due with the date), or
- `VERTEBRO_AUDIT_CACHE_SECONDS` pass (an hour by default; 0 turns the cache off), the
  bound on a change made outside the application, such as a data migration.

The feedback of the electronic record on guidance cards is read fresh on every view (it is
another app's, with its own tables). The page's "data as of" is when the figures were
computed.
"""

import hashlib
from dataclasses import astuple
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from assessments.models import Assessment

from . import audit as department_audit
from .models import FollowUp, Procedure

DEFAULT_SECONDS = 3600
# Part of every key: a change to what the audit computes makes every cached audit stale.
FORMAT = 2


def _seconds() -> int:
    return int(getattr(settings, "VERTEBRO_AUDIT_CACHE_SECONDS", DEFAULT_SECONDS))


def records_version() -> tuple:
    """How many assessments, procedures and follow-ups there are and when each table last
    changed, in one query."""
    quote = connection.ops.quote_name
    parts = []
    for model in (Assessment, Procedure, FollowUp):
        table = quote(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        parts.append(f"(SELECT MAX({quote('updated')}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(str(value) for value in cursor.fetchone())


def _key(audit_filter, today: date, case_owner_id: int | None, version: tuple) -> str:
    text = repr((FORMAT, astuple(audit_filter), today.isoformat(), case_owner_id, version))
    return "outcomes-audit:" + hashlib.sha256(text.encode()).hexdigest()


def audit(audit_filter, *, today: date, case_owner_id: int | None = None):
    """`outcomes.audit.audit`, from the cache when the records have not changed since."""
    seconds = _seconds()
    if seconds <= 0:
        result = department_audit.audit(audit_filter, today=today, case_owner_id=case_owner_id)
        result.computed_at = timezone.now()
        return result
    key = _key(audit_filter, today, case_owner_id, records_version())
    result = cache.get(key)
    if result is None:
        result = department_audit.audit(
            audit_filter, today=today, case_owner_id=case_owner_id, with_feedback=False
        )
        result.computed_at = timezone.now()
        cache.set(key, result, seconds)
    result.feedback = department_audit.feedback(audit_filter)
    return result
