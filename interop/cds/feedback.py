"""CDS Hooks feedback (`POST /cds-services/{id}/feedback`): reading what the record sends.

Plain Python: the view authenticates the call and saves the entries. A request is
`{"feedback": [Feedback, ...]}`; each Feedback names the card (`card`, the card's
uuid), the `outcome` (`accepted` or `overridden`), when (`outcomeTimestamp`) and, for
an override, the reason chosen from the card's `overrideReasons` and a free comment.
Any entry refused refuses the request (nothing is saved), with the path of the
answer at fault.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

OUTCOMES = ("accepted", "overridden")
MAX_ENTRIES = 100
COMMENT_MAX_LENGTH = 500


class FeedbackInvalid(Exception):
    """The request is not CDS Hooks feedback (400); the message names the answer at fault."""


@dataclass(frozen=True, slots=True)
class Entry:
    card: uuid.UUID
    outcome: str
    reason_code: str
    reason_display: str
    comment: str
    timestamp: datetime


def _reason(value, where: str, reasons: dict[tuple[str, str], str]) -> tuple[str, str]:
    """The override reason's (code, display); it must be one the cards offer."""
    if not isinstance(value, dict):
        raise FeedbackInvalid(f"{where} must be an object.")
    coding = value.get("reason")
    if coding is None:
        return "", ""
    if not isinstance(coding, dict):
        raise FeedbackInvalid(f"{where}.reason must be a Coding.")
    key = (coding.get("system"), coding.get("code"))
    if key not in reasons:
        raise FeedbackInvalid(
            f"{where}.reason is not one of the card's overrideReasons "
            f"({', '.join(code for _, code in reasons)})."
        )
    return str(key[1]), reasons[key]


def _timestamp(value, where: str) -> datetime:
    if not isinstance(value, str):
        raise FeedbackInvalid(f"{where} is required: an instant such as 2026-12-04T10:30:00Z.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FeedbackInvalid(f"{where} is not an instant such as 2026-12-04T10:30:00Z.") from None
    if moment.tzinfo is None:
        raise FeedbackInvalid(f"{where} must give its time zone (e.g. Z or +01:00).")
    return moment


def parse(payload, *, reasons: dict[tuple[str, str], str]) -> list[Entry]:
    """The entries of a feedback request; raise FeedbackInvalid. `reasons` maps each offered
    override reason's (system, code) to its display."""
    if not isinstance(payload, dict) or not isinstance(payload.get("feedback"), list):
        raise FeedbackInvalid('The request must be {"feedback": [ ... ]}.')
    items = payload["feedback"]
    if not items:
        raise FeedbackInvalid("feedback is empty: send at least one entry.")
    if len(items) > MAX_ENTRIES:
        raise FeedbackInvalid(f"feedback has more than {MAX_ENTRIES} entries; send them in parts.")
    entries = []
    for index, item in enumerate(items):
        where = f"feedback[{index}]"
        if not isinstance(item, dict):
            raise FeedbackInvalid(f"{where} must be an object.")
        try:
            card = uuid.UUID(str(item.get("card")))
        except ValueError:
            raise FeedbackInvalid(f"{where}.card must be the uuid of a card.") from None
        outcome = item.get("outcome")
        if outcome not in OUTCOMES:
            raise FeedbackInvalid(f"{where}.outcome must be accepted or overridden.")
        code = display = comment = ""
        if "overrideReason" in item:
            if outcome != "overridden":
                raise FeedbackInvalid(f"{where}.overrideReason is only for an overridden card.")
            code, display = _reason(item["overrideReason"], f"{where}.overrideReason", reasons)
            comment = item["overrideReason"].get("userComment") or ""
            if not isinstance(comment, str):
                raise FeedbackInvalid(f"{where}.overrideReason.userComment must be text.")
            if len(comment) > COMMENT_MAX_LENGTH:
                raise FeedbackInvalid(
                    f"{where}.overrideReason.userComment is longer than "
                    f"{COMMENT_MAX_LENGTH} characters."
                )
        entries.append(
            Entry(
                card=card,
                outcome=outcome,
                reason_code=code,
                reason_display=display,
                comment=comment,
                timestamp=_timestamp(item.get("outcomeTimestamp"), f"{where}.outcomeTimestamp"),
            )
        )
    return entries
