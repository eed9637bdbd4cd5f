"""How the audit names clinicians: by name to reviewers and to themselves, otherwise by a
letter (A, B, … Z, AA, …) fixed by account number, so it holds from one meeting to the next."""

import string


def letter(position: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    alphabet = string.ascii_uppercase
    name = ""
    while position:
        position, rest = divmod(position - 1, len(alphabet))
        name = alphabet[rest] + name
    return name


def letters(clinician_ids) -> dict[int, str]:
    return {pk: letter(position) for position, pk in enumerate(sorted(clinician_ids), start=1)}


def clinician_labels(
    names: dict[int, str], ids, *, viewer_id: int | None, named: bool
) -> tuple[dict[int, str], dict[int, str]]:
    """(labels for tables, short marks for charts). Names for a reviewer; otherwise
    "Clinician A", … and "You (name)" for the viewer's own line."""
    known = set(names) | set(ids)
    marks = letters(known)
    labels = {}
    for pk in known:
        if named:
            labels[pk] = f"{marks[pk]} — {names[pk]}" if pk in names else f"Clinician {marks[pk]}"
        elif pk == viewer_id:
            labels[pk] = f"You ({names.get(pk, marks[pk])})"
        else:
            labels[pk] = f"Clinician {marks[pk]}"
    if viewer_id in marks and not named:
        marks[viewer_id] = "You"
    return labels, marks
