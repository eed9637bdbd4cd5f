"""JSON from outside (an uploaded QuestionnaireResponse, a CDS Hooks request): parsed with
limits, so that no input reaches the database or the validators in a shape they crash on.

Refused, with a message that says what is wrong: nesting deeper than `MAX_DEPTH` (a FHIR
resource or a CDS request nests well under 20; deep nesting exhausts Python's recursion),
NaN, Infinity and numbers too large for a float (no database stores them), and strings or keys that hold a NUL
character (PostgreSQL refuses it in text) or a lone UTF-16 surrogate such as "\\ud800" (not
Unicode text: it cannot be encoded to store or print it).
"""

import json
import math

MAX_DEPTH = 32


class BadJson(ValueError):
    """The input is not JSON Vertebro accepts; the message says why, naming no value."""


def _refuse_constant(name: str):
    raise BadJson(f"{name} is not a JSON number.")


def _check_text(text: str, where: str) -> None:
    if "\x00" in text:
        raise BadJson(f"{where} holds a NUL character.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadJson(f"{where} holds a lone surrogate (not Unicode text).") from None


def check_value(value, *, max_depth: int = MAX_DEPTH) -> None:
    """Walk a parsed value without recursion; raise BadJson on a limit passed."""
    pending = [(value, 1, "")]
    while pending:
        item, depth, path = pending.pop()
        if isinstance(item, (dict, list)) and depth > max_depth:
            raise BadJson(f"The JSON nests deeper than {max_depth} levels.")
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key, f"A key at {path or '/'}")
                pending.append((child, depth + 1, f"{path}/{key}"[:120]))
        elif isinstance(item, list):
            pending.extend(
                (child, depth + 1, f"{path}/{index}"[:120]) for index, child in enumerate(item)
            )
        elif isinstance(item, str):
            _check_text(item, f"The value at {path or '/'}")
        elif isinstance(item, float) and not math.isfinite(item):
            raise BadJson(f"The number at {path or '/'} is too large.")


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH):
    """Parse JSON text (UTF-8 bytes or str) within the limits above; raise BadJson."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise BadJson("The text is not JSON (it is not UTF-8).") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise BadJson(f"The JSON nests deeper than {max_depth} levels.") from None
    except BadJson:
        raise
    except json.JSONDecodeError as error:
        raise BadJson(
            f"The text is not JSON (line {error.lineno}, column {error.colno})."
        ) from None
    except ValueError:
        raise BadJson("The text is not JSON (a number too long to read).") from None
    check_value(value, max_depth=max_depth)
    return value
