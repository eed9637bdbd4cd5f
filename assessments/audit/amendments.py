"""What the pages show about an amendment chain: predecessor, successor, amend button."""

from dataclasses import dataclass

from django.db.models import Q

from assessments.models import Assessment
from assessments.roles import is_clinician


@dataclass(frozen=True, slots=True)
class AmendmentLinks:
    predecessor: Assessment | None  # the assessment this one amends
    successor: Assessment | None  # the amendment of this one (a draft until finalized)
    can_amend: bool  # the viewer, a clinician, owns this final assessment; no amendment yet

    @property
    def successor_in_progress(self) -> bool:
        return self.successor is not None and not self.successor.is_final


def amendment_links(assessment: Assessment, *, user) -> AmendmentLinks:
    """The neighbours of `assessment` in its amendment chain, in one query."""
    neighbours = Assessment.objects.filter(
        Q(amends=assessment) | Q(pk=assessment.amends_id)
        if assessment.amends_id
        else Q(amends=assessment)
    ).only("id", "patient_ref", "status", "finalized_at", "amends", "amendment_reason")
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
