"""Reading the PDF summary back in tests: its text, page by page, and its assessments."""

import io
from decimal import Decimal

from pypdf import PdfReader

from assessments.services import assessment_finalize
from tests.factories import make_assessment

# A repeat-indicated case with every note that can come with it: N1–N6 and N8–N10
# (N7 belongs to a new fracture at another level, which never leads to a repeat).
LONG_CASE = {
    "patient_ref": "MRN-LONG-42",
    "patient_age": 82,
    "bmd_t_score": Decimal("-3.1"),
    "prior_vertebral_fractures": 3,
    "fracture_etiology": "neoplastic",
    "cleft_sign": "present",
    "cleft_new_since_index": True,
    "fluid_at_cement_interface": True,
    "index_cement_volume_ml": None,
}
LONG_CASE_NOTES = ("N1", "N2", "N3", "N4", "N5", "N6", "N8", "N9", "N10")

ALL_CONTRAINDICATIONS = [
    "active_infection",
    "uncorrectable_coagulopathy",
    "cement_allergy",
    "canal_compromise",
]


def pages_text(document: bytes) -> list[str]:
    """The extracted text of each page, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(document))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def document_text(document: bytes) -> str:
    return " ".join(pages_text(document))


def finalized_assessment(owner, **overrides):
    assessment = make_assessment(owner, **overrides)
    return assessment_finalize(assessment=assessment, user=owner)
