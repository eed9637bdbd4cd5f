"""The pain-score Observation other parts of Vertebro use for follow-ups."""

from datetime import UTC, date, datetime

import pytest

from interop.fhir.observation import vas_observation

from .validators import assert_valid_fhir


def test_a_vas_follow_up_is_a_valid_observation():
    resource = vas_observation(
        patient_ref="MRN-1", score=3, effective=date(2026, 11, 1), level="L1", resource_id="fu-1"
    )
    assert_valid_fhir(resource)
    assert resource["code"]["coding"][0]["code"] == "72514-3"
    assert resource["valueInteger"] == 3
    assert resource["effectiveDateTime"] == "2026-11-01"
    assert resource["bodySite"]["text"] == "L1"
    assert resource["id"] == "fu-1"
    timed = vas_observation(
        patient_ref="MRN-1", score=0, effective=datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    )
    assert_valid_fhir(timed)
    assert timed["effectiveDateTime"] == "2026-11-01T09:30:00+00:00"


@pytest.mark.parametrize("score", [-1, 11, True, 2.5])
def test_a_score_outside_0_to_10_is_refused(score):
    with pytest.raises(ValueError):
        vas_observation(patient_ref="MRN-1", score=score, effective=date(2026, 11, 1))


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        vas_observation(patient_ref="MRN-1", score=3, effective=datetime(2026, 11, 1, 9, 30))
