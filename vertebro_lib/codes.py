"""Codes and answers as people read them."""

import re
from typing import Any

# "(see note N11)", "(see warning P1)": a pointer by code to a part of the guidance.
CODE_POINTER = re.compile(r"\s*\(see (?:note|warning|rule|next step) [NPRS]\d+\)")


def label(vocabulary: Any, code: str) -> str:
    """The label of `code` in `vocabulary` (a choices enum with `values`), or the code itself
    when the vocabulary does not know it (a code of another rules version, or altered in the
    database): a page, a PDF or a report never fails on an unknown code."""
    return str(vocabulary(code).label) if code in vocabulary.values else code


def is_blank(value: object) -> bool:
    """No answer: None, an empty text, an empty list or tuple (0 and False are answers)."""
    return value is None or value == "" or value == [] or value == ()


def without_code_pointers(text: str) -> str:
    """`text` without its pointers to the guidance's parts by their codes ("(see note N11)"):
    a reader outside Vertebro (a chart, the electronic record) has not the codes at hand."""
    return CODE_POINTER.sub("", text)
