"""How Vertebro names a person on its pages, in its PDF, its admin and its FHIR resources."""

from typing import Protocol


class Person(Protocol):
    def get_full_name(self) -> str: ...
    def get_username(self) -> str: ...


def person_name(user: Person | None, *, nobody: str = "") -> str:
    """The user's full name, else their user name; `nobody` when there is no user."""
    if user is None:
        return nobody
    return user.get_full_name() or user.get_username()
