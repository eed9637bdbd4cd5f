"""The canonical form of a sealed record is pinned by a fixed test vector: a known record and a
known key give a known canonical JSON and a known HMAC, in memory and read back from the
database. A refactor that changes the form (key order, decimal or date writing, a key added
or dropped) fails here instead of silently invalidating every seal in a hospital's database."""

import hashlib
import hmac
import uuid
import zoneinfo
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from assessments import integrity
from assessments.models import Assessment

KEY = b"vertebro fixed test vector key"
VECTOR_ID = uuid.UUID("0b8e3c52-6f1d-4c1e-9a57-2f4d6c8e9a10")
OWNER_ID, FINALIZER_ID = 7001, 7002

# The record format 3 canonical JSON of the record below, byte for byte.
CANONICAL = (
    '{"amendment_reason":"","amends":null,"assessment":"0b8e3c52-6f1d-4c1e-9a57-2f4d6c8e9a10",'
    '"created":"2026-07-01T13:00:00.000000+00:00","deciding_rule":"R5",'
    '"display_record":{"answers":[],"format":2,"scenario":"Unrelieved pain"},'
    '"finalized_at":"2026-07-01T14:05:09.123456+00:00","finalized_by":7002,"format":3,'
    '"guidance":{"reasons":[{"refs":[1,2],"rule":"R5"}],"recommendation":"repeat_indicated"},'
    '"inputs":{"bmd_t_score":"-2.5","complication_assessed":true,"contraindications":[],'
    '"fluid_at_cement_interface":false,"fracture_etiology":"osteoporotic",'
    '"index_cement_volume_ml":"5","index_procedure_date":"2026-03-02","infection_signs":false,'
    '"mri_not_possible":false,"opioid_failure":true,"patient_age":74,"patient_ref":"MRN-Ü-0042",'
    '"prior_vertebral_fractures":1,"sex":"female","treated_level":"L1"},"owner":7001,'
    '"recommendation":"repeat_indicated","rules_version":"2026.3","scenario":"unrelieved_pain",'
    '"status":"final","warning_acknowledgements":null}'
)
# HMAC-SHA256(KEY, CANONICAL as UTF-8).
EXPECTED_MAC = "5b5e9967fc034ec741ea0a84ed0094dcaad6d6290a51ea42c874d5e4a347468c"
CREATED = datetime(2026, 7, 1, 13, 0, tzinfo=UTC)


def _vector() -> Assessment:
    """The vector record: keys of its JSON not in sorted order, decimals that normalize
    ("5.0", "-2.50"), a local (British summer) time, a non-ASCII patient reference."""
    return Assessment(
        id=VECTOR_ID,
        owner_id=OWNER_ID,
        status="final",
        patient_ref="MRN-Ü-0042",
        patient_age=74,
        sex="female",
        treated_level="L1",
        index_procedure_date=date(2026, 3, 2),
        index_cement_volume_ml=Decimal("5.0"),
        fracture_etiology="osteoporotic",
        bmd_t_score=Decimal("-2.50"),
        prior_vertebral_fractures=1,
        contraindications=[],
        fluid_at_cement_interface=False,
        # The inputs rules 2026.3 added (vertebral_infection left empty: left out).
        opioid_failure=True,
        mri_not_possible=False,
        infection_signs=False,
        vertebral_infection=None,
        complication_assessed=True,
        guidance={
            "recommendation": "repeat_indicated",
            "reasons": [{"rule": "R5", "refs": [1, 2]}],
        },
        display_record={"format": 2, "scenario": "Unrelieved pain", "answers": []},
        scenario="unrelieved_pain",
        recommendation="repeat_indicated",
        deciding_rule="R5",
        rules_version="2026.3",
        finalized_by_id=FINALIZER_ID,
        finalized_at=datetime(
            2026, 7, 1, 15, 5, 9, 123456, tzinfo=zoneinfo.ZoneInfo("Europe/London")
        ),
        created=CREATED,
    )


def test_the_pinned_vector_is_the_hmac_sha256_of_the_pinned_canonical_json():
    """The two constants agree with each other, independently of the code under test."""
    assert hmac.new(KEY, CANONICAL.encode("utf-8"), hashlib.sha256).hexdigest() == EXPECTED_MAC


def test_the_vector_record_in_memory_has_the_pinned_canonical_form_and_mac():
    record = _vector()
    assert integrity.canonical_json(record).decode("utf-8") == CANONICAL
    assert integrity.record_mac(record, key=KEY) == EXPECTED_MAC


@pytest.mark.django_db
def test_the_vector_record_read_back_from_the_database_has_the_pinned_mac():
    """Each database returns decimals, JSON key order and times its own way (PostgreSQL's
    jsonb reorders keys; SQLite keeps them): the canonical form must not depend on it."""
    User = get_user_model()
    User.objects.create(id=OWNER_ID, username="vector-owner")
    User.objects.create(id=FINALIZER_ID, username="vector-finalizer")
    _vector().save(force_insert=True)
    Assessment.objects.filter(pk=VECTOR_ID).update(created=CREATED)  # auto_now_add on insert
    stored = Assessment.objects.get(pk=VECTOR_ID)
    assert integrity.canonical_json(stored).decode("utf-8") == CANONICAL
    assert integrity.record_mac(stored, key=KEY) == EXPECTED_MAC


def test_every_part_of_the_record_changes_the_mac():
    changes = {
        "status": "draft",
        "patient_age": 75,
        "guidance": {"recommendation": "refer", "reasons": [{"rule": "R5", "refs": [1, 2]}]},
        "display_record": {"format": 2, "scenario": "Other", "answers": []},
        "rules_version": "2026.2",
        "owner_id": 7003,
        "finalized_by_id": 7003,
        "finalized_at": datetime(2026, 7, 1, 14, 5, 10, tzinfo=UTC),
        "created": datetime(2026, 7, 1, 13, 0, 1, tzinfo=UTC),
        "amends_id": uuid.UUID(int=1),
        "amendment_reason": "typo in the level",
        "recommendation": "refer",
        "scenario": "other",
        "deciding_rule": "R6",
        "warning_acknowledgements": [{"id": "P4", "text": "Read", "acknowledged_by": 7001}],
        "opioid_failure": False,
    }
    for name, value in changes.items():
        record = _vector()
        setattr(record, name, value)
        assert integrity.record_mac(record, key=KEY) != EXPECTED_MAC, name


def test_another_key_gives_another_mac_and_the_key_id_reveals_no_key():
    assert integrity.record_mac(_vector(), key=KEY + b"!") != EXPECTED_MAC
    assert (
        integrity.key_id_of(KEY)
        == hmac.new(KEY, b"vertebro record key id", hashlib.sha256).hexdigest()[:16]
    )
    assert integrity.key_id_of(KEY) != integrity.key_id_of(KEY + b"!")
