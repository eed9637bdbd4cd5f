"""The evidence list (docs/specification.md §7), numbered as in the source summary.

Each entry is a description; entries 2, 3 and 5 also name their published
source (title, and authors or journal where the list gives them), identified
by the figures of its abstract. The others stay descriptions until their
source is confirmed: a wrong citation in a chart is worse than none.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """One entry of the evidence list: its number, description and, where known, source."""

    id: int
    description: str
    title: str = ""
    authors: str = ""
    journal: str = ""

    @property
    def source(self) -> str:
        """The published source as a report prints it ("" while unconfirmed)."""
        if not self.title:
            return ""
        source = f"{self.authors}. " if self.authors else ""
        source += f"“{self.title}”"
        if self.journal:
            source += f", {self.journal}"
        return source + "."

    @property
    def text(self) -> str:
        """What the report prints: the description, then the source where known."""
        return f"{self.description} Source: {self.source}" if self.source else self.description

    def to_dict(self) -> dict:
        """The entry in the guidance JSON (§6): its number and printed text."""
        return {"id": self.id, "text": self.text}


EVIDENCE: dict[int, Reference] = {
    reference.id: reference
    for reference in (
        Reference(
            id=1,
            description="Repeat vertebroplasty for unrelieved pain at previously treated levels "
            "(immediate failure, 4–32 days; VAS 8.6 → 1.67; leakage 13–22%).",
        ),
        Reference(
            id=2,
            description="Repeat vertebroplasty for recurrent pain at previously treated levels "
            "(cleft sign; cement 6.8 vs 4.2 mL; VAS 2.8 at 3 months).",
            title="Repeat percutaneous vertebroplasty for recurrent pain arising from "
            "previously treated vertebrae in patients with osteoporotic vertebral "
            "compression fractures",
        ),
        Reference(
            id=3,
            description="Mechanisms of vertebroplasty failure (incomplete filling, missed "
            "fracture, clefts, fluid at the bone–cement interface).",
            title="Progression of Vertebral Compression Fractures After Previous Vertebral "
            "Augmentation: Technical Reasons for Recurrent Fractures in a Previously Treated "
            "Vertebra",
            journal="Cureus (review)",
        ),
        Reference(
            id=4,
            description="Practice parameter for vertebral augmentation (selection: MRI edema, "
            "point tenderness, ≥ 6 weeks of conservative therapy, baseline neurological "
            "examination; major complications < 1%; counselling and prevention).",
        ),
        Reference(
            id=5,
            description="New fractures after vertebroplasty (58.8–63.8% adjacent; 72 vs 287 days).",
            title="Repeated and multiple new vertebral compression fractures after "
            "percutaneous transpedicular vertebroplasty",
            authors="Tseng YY, Yang TC, Tu PH, Lo YL, Yang ST",
        ),
        Reference(
            id=6,
            description="Risk factors for new fractures after vertebroplasty (1-year "
            "fracture-free rate 92.2%).",
        ),
        Reference(id=7, description="Medical prevention of further osteoporotic fractures."),
    )
}

# The printed text of each entry, by number.
REFERENCES: dict[int, str] = {number: reference.text for number, reference in EVIDENCE.items()}
