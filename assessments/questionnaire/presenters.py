"""What the questionnaire's own pages show, prepared in Python so that templates hold no logic.

The guidance and the answers are shown through the one display model,
`assessments.reports.display`.
"""

from dataclasses import dataclass

from assessments.models import Assessment
from assessments.questionnaire.steps import STEPS, completed_steps
from assessments.reports.display import recommendation_label, recommendation_tone


@dataclass(frozen=True, slots=True)
class ListRow:
    """One line of My assessments."""

    assessment: Assessment
    status_label: str
    is_final: bool
    recommendation_label: str
    recommendation_tone: str
    progress: str  # a draft's steps done ("3 of 4 steps") or "Ready to finalize"
    ready: bool


def list_rows(assessments) -> list[ListRow]:
    rows = []
    for assessment in assessments:
        code = assessment.recommendation if assessment.is_final else ""
        done = len(completed_steps(assessment)) if not assessment.is_final else len(STEPS)
        ready = not assessment.is_final and done == len(STEPS)
        rows.append(
            ListRow(
                assessment=assessment,
                status_label=assessment.get_status_display(),
                is_final=assessment.is_final,
                recommendation_label=recommendation_label(code) if code else "",
                recommendation_tone=recommendation_tone(code),
                progress="Ready to finalize" if ready else f"{done} of {len(STEPS)} steps",
                ready=ready,
            )
        )
    return rows
