"""Codes and answers as people read them."""

from typing import Any


def label(vocabulary: Any, code: str) -> str:
    """The label of `code` in `vocabulary` (a choices enum with `values`), or the code itself
    when the vocabulary does not know it (a code of another rules version, or altered in the
    database): a page, a PDF or a report never fails on an unknown code."""
    return str(vocabulary(code).label) if code in vocabulary.values else code


def is_blank(value: object) -> bool:
    """No answer: None, an empty text, an empty list or tuple (0 and False are answers)."""
    return value is None or value == "" or value == [] or value == ()
