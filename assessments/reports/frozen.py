"""What a finalized assessment prints, kept at finalization (docs/specification.md §9).

A finalized assessment keeps the guidance JSON (with the texts of the cited
references) and, in `Assessment.display_record`, every other word its result
page and PDF print from the code: the labels of the recommendation, the
scenario and the missing work-up items, and the label and answer of every
question, as they read on the day. The pages and the PDF of a finalized
assessment print from this record only, so that a report printed years later
says what it said on the day, whatever the code says by then. Drafts always
follow the current code.
"""

from assessments import rules_versions
from vertebro_rules.references import REFERENCES

RECORD_FORMAT = 1


def _label(vocabulary, code: str) -> str:
    return vocabulary(code).label if code in vocabulary.values else code


def display_record(*, guidance: dict, answer_groups) -> dict:
    """The words a finalized assessment prints beside its guidance JSON, as plain JSON.

    `answer_groups` are the presenters' groups of answers in words (step, title, and
    label, text and flags of each answer).
    """
    return {
        "format": RECORD_FORMAT,
        **words_of(guidance),
        "answers": [
            {
                "step": group.number,
                "title": group.title,
                "answers": [
                    {
                        "label": answer.label,
                        "text": answer.text,
                        "missing": answer.missing,
                        "empty": answer.empty,
                    }
                    for answer in group.answers
                ],
            }
            for group in answer_groups
        ],
    }


def words_of(guidance: dict) -> dict:
    """The words the code prints beside a guidance JSON, from its own rules version: the
    labels of its recommendation, scenario and missing work-up, the cited references and,
    from 2026.3 on, the labels of the answers each warning names and the fixed line above
    the next steps."""
    version = guidance.get("rules_version", "")
    vocabulary = rules_versions.vocabulary_of(version)
    words = {
        "recommendation": _label(vocabulary.Recommendation, guidance["recommendation"]),
        "scenario": _label(vocabulary.Scenario, guidance["scenario"]),
        "missing": [_label(vocabulary.WorkupItem, item) for item in guidance.get("missing", [])],
        "references": references_of(guidance),
    }
    if "warnings" in guidance or "next_steps" in guidance:
        fields = rules_versions.edition(version).FIELDS_BY_NAME
        words["warning_fields"] = {
            warning["id"]: [
                fields[name].label if name in fields else name for name in warning["fields"]
            ]
            for warning in guidance.get("warnings", ())
        }
        words["next_steps_line"] = rules_versions.next_steps_line(version)
    return words


def references_of(guidance: dict) -> list[dict]:
    """The cited references with their texts: those of the JSON (rules 2026.2 and later),
    else the current texts of the numbers the reasons and notes cite (a draft's live
    guidance always carries them)."""
    if "references" in guidance:
        return [dict(reference) for reference in guidance["references"]]
    cited = sorted(
        {ref for item in (*guidance["reasons"], *guidance["notes"]) for ref in item["refs"]}
    )
    return [{"id": number, "text": REFERENCES.get(number, "")} for number in cited]
