"""What the questionnaire's own pages show, prepared in Python so that templates hold no logic.

The guidance and the answers are shown through the one display model,
`assessments.reports.display`.
"""

from dataclasses import dataclass

from assessments.models import Assessment
from assessments.reports.display import recommendation_label, recommendation_tone


@dataclass(frozen=True, slots=True)
class ListRow:
    """One line of My assessments."""

    assessment: Assessment
    status_label: str
    is_final: bool
    recommendation_label: str
    recommendation_tone: str


def list_rows(assessments) -> list[ListRow]:
    rows = []
    for assessment in assessments:
        code = assessment.recommendation if assessment.is_final else ""
        rows.append(
            ListRow(
                assessment=assessment,
                status_label=assessment.get_status_display(),
                is_final=assessment.is_final,
                recommendation_label=recommendation_label(code) if code else "",
                recommendation_tone=recommendation_tone(code),
            )
        )
    return rows
