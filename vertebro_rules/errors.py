"""Refused input, the same exception for every rules version (docs/specification.md §1, §8)."""

from collections.abc import Iterable, Mapping


class InvalidInput(ValueError):
    """Input refused; `errors` maps each bad field to its messages.

    `red_flags` holds the lines of §8 (rules version 2026.3 on) that the valid
    answers of a refused case still raise, in the spec's order: they are printed
    before the field messages, because urgent care does not wait for corrections.
    """

    def __init__(self, errors: Mapping[str, list[str]], *, red_flags: Iterable[str] = ()) -> None:
        self.errors = dict(errors)
        self.red_flags = tuple(red_flags)
        super().__init__(
            "; ".join(f"{name}: {' '.join(messages)}" for name, messages in self.errors.items())
        )


def error_lines(errors: Mapping[str, Iterable[str]], prefix: str = "") -> list[str]:
    """One line per bad field, `field: message`, for command-line output."""
    return [f"{prefix}{name}: {' '.join(messages)}" for name, messages in errors.items()]
