"""How strong a secret is: the bar every key read from the environment must clear.

Length and distinct characters alone let "abcde" * 10 and "password" * 7 through. A key is
also refused when it is a shorter piece repeated (whatever the piece and however the last
repetition is cut off) or when zlib compresses it well (a random key does not compress).
"""

import zlib

MIN_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5
# A random 50-character URL-safe key compresses to more than its own length; 3/4 leaves room.
MIN_COMPRESSED_RATIO = 0.75


def smallest_period(text: str) -> int:
    """The length of the shortest piece that, repeated, spells `text` (its length if none)."""
    # Knuth–Morris–Pratt failure function: the longest proper prefix that is also a suffix.
    failure = [0] * len(text)
    matched = 0
    for index in range(1, len(text)):
        while matched and text[index] != text[matched]:
            matched = failure[matched - 1]
        if text[index] == text[matched]:
            matched += 1
        failure[index] = matched
    return len(text) - (failure[-1] if text else 0)


def weakness(key: str) -> str | None:
    """What makes `key` weak, in words, or None when it is strong enough."""
    if len(key) < MIN_LENGTH:
        return f"it has {len(key)} characters; it needs at least {MIN_LENGTH}"
    if len(set(key)) < MIN_UNIQUE_CHARACTERS:
        return f"it needs at least {MIN_UNIQUE_CHARACTERS} different characters"
    if key.startswith("django-insecure-"):
        return "it starts with 'django-insecure-'"
    period = smallest_period(key)
    if period <= len(key) // 2:
        return f"it repeats a piece of {period} characters"
    raw = key.encode("utf-8")
    if len(zlib.compress(raw, 9)) < MIN_COMPRESSED_RATIO * len(raw):
        return "it is too predictable (it holds long repeated runs)"
    return None
