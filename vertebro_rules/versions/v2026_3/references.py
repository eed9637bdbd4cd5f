"""The evidence list of rules version 2026.3 (docs/specification.md §7), with its exact printed text.

Entries 1–7 follow the numbering of the source summary; entry 8 is the one
source the specification adds (cited by R21 only). Entries whose source is not
confirmed say so in their text ("Source not yet confirmed."): 2026.3 runs on
drafts and test systems only until the board confirms them (§9).
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of the evidence list: its number and printed text."""

    id: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The entry in the guidance JSON (§6): its number and printed text."""
        return {"id": self.id, "text": self.text}


EVIDENCE: dict[int, Reference] = {
    reference.id: reference
    for reference in (
        Reference(
            1,
            "Repeat vertebroplasty for unrelieved pain at previously treated levels (immediate "
            "failure, 4–32 days). Source not yet confirmed.",
        ),
        Reference(
            2,
            "Repeat percutaneous vertebroplasty for recurrent pain arising from previously "
            "treated vertebrae in patients with osteoporotic vertebral compression fractures. "
            "Authors and journal not yet confirmed.",
        ),
        Reference(
            3,
            "Progression of vertebral compression fractures after previous vertebral "
            "augmentation: technical reasons for recurrent fractures in a previously treated "
            "vertebra. Cureus (review). Authors and year not yet confirmed.",
        ),
        Reference(
            4,
            "Practice parameter for vertebral augmentation (patient selection, complications, "
            "follow-up). Source not yet confirmed.",
        ),
        Reference(
            5,
            "Tseng YY, Yang TC, Tu PH, Lo YL, Yang ST. Repeated and multiple new vertebral "
            "compression fractures after percutaneous transpedicular vertebroplasty. Journal "
            "not yet confirmed.",
        ),
        Reference(
            6,
            "Risk factors for new fractures after vertebroplasty (1-year fracture-free rate "
            "92.2%). Source not yet confirmed.",
        ),
        Reference(
            7, "Medical prevention of further osteoporotic fractures. Source not yet confirmed."
        ),
        Reference(
            8,
            "Ehteshami Rad A, Kallmes DF. Pain relief following vertebroplasty in patients with "
            "and without localizing tenderness on palpation. AJNR Am J Neuroradiol "
            "2008;29(9):1622–1626.",
        ),
    )
}

# The printed text of each entry, by number.
REFERENCES: dict[int, str] = {number: reference.text for number, reference in EVIDENCE.items()}
