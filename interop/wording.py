"""The guidance's sentences as a reader outside Vertebro can use them.

The rules' sentences point to notes and warnings by their codes ("see note N11") and cite
references by number ("(ref 4)"). A reader in the electronic record has neither the rules'
codes at hand nor, on a CDS card, the reference list: those pointers are dropped, the words
kept.
"""

import re

from vertebro_lib.codes import without_code_pointers

# "(ref 4)", "(refs 1, 2)" standing alone, and "…; ref 7)" closing a parenthesis of words.
REF_ALONE = re.compile(r"\s*\(refs? \d+(?:, \d+)*\)")
REF_AFTER = re.compile(r"[;,] refs? \d+(?:, \d+)*\)")


def without_ref_numbers(text: str) -> str:
    """`text` without its code pointers and reference numbers (for a reader with no
    reference list)."""
    return REF_AFTER.sub(")", REF_ALONE.sub("", without_code_pointers(text)))
