"""The guidance's sentences as a reader outside Vertebro can use them.

The rules' sentences point to notes and warnings by their codes ("see note N11") and cite
references by number ("(ref 4)"). A reader in the electronic record has neither the rules'
codes at hand nor, on a CDS card, the reference list: those pointers are dropped, the words
kept.
"""

import re
from datetime import date, timedelta

from vertebro_lib.codes import without_code_pointers
from vertebro_rules.dates import in_words

# "(ref 4)", "(refs 1, 2)" standing alone, and "…; ref 7)" closing a parenthesis of words.
REF_ALONE = re.compile(r"\s*\(refs? \d+(?:, \d+)*\)")
REF_AFTER = re.compile(r"[;,] refs? \d+(?:, \d+)*\)")
# "…asks for, ref 4; the alternative…": a citation closing a clause inside a parenthesis.
REF_BEFORE_CLAUSE = re.compile(r", refs? \d+(?:, \d+)*(?=;)")


def without_ref_numbers(text: str) -> str:
    """`text` without its code pointers and reference numbers (for a reader with no
    reference list)."""
    text = REF_ALONE.sub("", without_code_pointers(text))
    return REF_BEFORE_CLAUSE.sub("", REF_AFTER.sub(")", text))


# A sentence ends at ".", "!" or "?" followed by a space and a capital, a quote or a
# parenthesis; the rules' sentences use no abbreviation with a full stop.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
# A sentence that points back to the one before ("This is local policy, …", "Without them,
# …") is part of it: the two are kept or left out together, so that what it qualifies is
# never shown without it.
POINTS_BACK = re.compile(r"(?:This|These|That|Those|It|They|Both|Without (?:it|them))\b")


def sentence_units(text: str) -> list[str]:
    """`text` split into whole sentences, each with the sentences that point back to it."""
    units: list[str] = []
    for sentence in SENTENCE_END.split(text.strip()):
        if units and POINTS_BACK.match(sentence):
            units[-1] = f"{units[-1]} {sentence}"
        elif sentence:
            units.append(sentence)
    return units


# The rules' sentences count time from the assessment ("returned 8 days ago", "2 weeks …
# recorded since then", "so far"): true on the day, false when read weeks later in the record.
RETURNED_AGO_ON = re.compile(
    r"\breturned (?:today|\d+ days? ago) \(on (\d{1,2} [A-Z][a-z]{2} \d{4})\)"
)
RETURNED_ONLY_AGO = re.compile(r"\bthe pain returned (?:only (\d+) days? ago|today)")
RECORDED_SINCE_THEN = re.compile(r"\b(is|are) recorded since then\b")
WEEKS_RECORDED = re.compile(r"\b(\d+ weeks? of conservative therapy) (is|are) recorded:")
NOT_COMPLETE_MET_ON = re.compile(r"\bare not complete \(met on\b")
SO_FAR = re.compile(r"\bso far\b")
PAST = {"is": "was", "are": "were"}


def with_dates(text: str, *, assessed: date) -> str:
    """`text` with the times it counts from the assessment written as dates, or said to be
    as of the assessment: a reader on a later day reads what was true on `assessed`."""

    def pain_returned(match: re.Match) -> str:
        days = int(match.group(1)) if match.group(1) else 0
        return f"the pain returned on {in_words(assessed - timedelta(days=days))}"

    text = RETURNED_AGO_ON.sub(r"returned on \1", text)
    text = RETURNED_ONLY_AGO.sub(pain_returned, text)
    text = RECORDED_SINCE_THEN.sub(
        lambda m: f"{PAST[m.group(1)]} recorded between then and the assessment", text
    )
    text = WEEKS_RECORDED.sub(
        lambda m: f"{m.group(1)} {PAST[m.group(2)]} recorded by the assessment:", text
    )
    text = NOT_COMPLETE_MET_ON.sub("were not complete at the assessment (met on", text)
    # The assessment's date rather than "by the assessment": the R9 headline stays within
    # the summary's 139 characters with it (a two-digit day at T10-T12 included).
    return SO_FAR.sub(f"by {in_words(assessed)}", text)
