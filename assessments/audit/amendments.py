"""What the pages show about an amendment chain: predecessor, successor, amend button."""

import uuid
from dataclasses import dataclass

from django.db.models import Q

from assessments.models import Assessment
from assessments.roles import is_clinician
from vertebro_lib.prepared import PreparedRead


@dataclass(frozen=True, slots=True)
class AmendmentLinks:
    predecessor: Assessment | None  # the assessment this one amends
    successor: Assessment | None  # the amendment of this one (a draft until finalized)
    can_amend: bool  # the viewer, a clinician, owns this final assessment; no amendment yet

    @property
    def successor_in_progress(self) -> bool:
        return self.successor is not None and not self.successor.is_final


# What the links show of a neighbour.
NEIGHBOUR_COLUMNS = ("id", "patient_ref", "status", "finalized_at", "amends", "amendment_reason")
_PLACEHOLDER_ID = uuid.UUID("7e57ab1e-0000-4000-8000-00000000a3e0")
_OTHER_PLACEHOLDER_ID = uuid.UUID("7e57ab1e-0000-4000-8000-00000000a3e1")
_AMENDS = Assessment._meta.get_field("amends")
# The result page reads the chain at every request: its SQL is written once
# (vertebro_lib.prepared), in the two shapes it has.
_amendments_of = PreparedRead(
    lambda assessment_id: Assessment.objects.filter(amends=assessment_id).only(*NEIGHBOUR_COLUMNS),
    placeholders=[_PLACEHOLDER_ID],
    fields=[_AMENDS],
)
_amendments_of_and_amended = PreparedRead(
    lambda assessment_id, amends_id: Assessment.objects.filter(
        Q(amends=assessment_id) | Q(pk=amends_id)
    ).only(*NEIGHBOUR_COLUMNS),
    placeholders=[_PLACEHOLDER_ID, _OTHER_PLACEHOLDER_ID],
    fields=[_AMENDS, Assessment._meta.pk],
)


def _neighbours(assessment: Assessment) -> list[Assessment]:
    """The assessments next to `assessment` in its chain, in one query; none to ask for a
    draft that amends nothing (only a finalized assessment is ever amended)."""
    if assessment.amends_id:
        return _amendments_of_and_amended(assessment.pk, assessment.amends_id)
    if assessment.is_final:
        return _amendments_of(assessment.pk)
    return []


def amendment_links(assessment: Assessment, *, user) -> AmendmentLinks:
    """The neighbours of `assessment` in its amendment chain, in one query at most."""
    neighbours = _neighbours(assessment)
    predecessor = successor = None
    for neighbour in neighbours:
        if neighbour.pk == assessment.amends_id:
            predecessor = neighbour
        else:
            successor = neighbour
    return AmendmentLinks(
        predecessor=predecessor,
        successor=successor,
        can_amend=(
            assessment.is_current_final
            and assessment.owner_id == user.pk
            and successor is None
            and is_clinician(user)
        ),
    )
