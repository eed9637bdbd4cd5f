"""The repeat procedure's cement volume takes the range the questionnaire takes for the index
one (spec §1), from the core's one definition of that input."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from outcomes.models import Procedure
from tests.outcomes.factories import PERFORMED, final_assessment
from vertebro_rules import inputs

INDEX_CEMENT = inputs.FIELDS_BY_NAME["index_cement_volume_ml"]


@pytest.mark.parametrize("volume", [INDEX_CEMENT.minimum, INDEX_CEMENT.maximum])
def test_the_limits_of_the_index_volume_are_accepted(alice, volume):
    procedure = Procedure(
        assessment=final_assessment(alice),
        recorded_by=alice,
        **{**PERFORMED, "cement_volume_ml": volume},
    )
    procedure.full_clean(validate_unique=False)


@pytest.mark.parametrize(
    "volume", [INDEX_CEMENT.minimum - Decimal("0.1"), INDEX_CEMENT.maximum + Decimal("0.1")]
)
def test_a_volume_outside_the_index_range_is_refused(alice, volume):
    procedure = Procedure(
        assessment=final_assessment(alice),
        recorded_by=alice,
        **{**PERFORMED, "cement_volume_ml": volume},
    )
    with pytest.raises(ValidationError) as refusal:
        procedure.full_clean(validate_unique=False)
    assert "cement_volume_ml" in refusal.value.message_dict
