"""`reverse_once`: Django's `reverse`, each URL pattern reversed once, ids put in its place.

A page links to the same few URLs on every request, most of them with an assessment's id
(its PDF, its review, its FHIR export...): `reverse` costs about 20 µs a URL, several on every
page. The URL of a name and its arguments is the same for every request of one URL
configuration and script prefix, up to the ids: each is reversed once with placeholder ids
(UUIDs), and each call puts its own ids in their places. Other arguments (a step number, a
kind of export) are part of what is cached.
"""

import functools
import uuid
from collections.abc import Hashable

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Where each id goes: one placeholder per position, found nowhere else in a URL.
_PLACEHOLDERS = tuple(uuid.UUID(f"7e57ab1e-0000-4000-8000-{n:012x}") for n in range(1, 9))


class _Id:
    """The cache key of an id argument: any id of that position."""


_ID = _Id()


@functools.lru_cache(maxsize=512)
def _pattern(name: str, kinds: tuple[Hashable, ...], urlconf: str, prefix: str) -> str:
    args = [_PLACEHOLDERS[n] if kind is _ID else kind for n, kind in enumerate(kinds)]
    return reverse(name, urlconf=urlconf, args=args)


def reverse_once(name: str, *args: Hashable) -> str:
    """`reverse(name, args=args)`, the pattern reversed once per URL configuration and script
    prefix (an argument that is a UUID is put in its place; any other is part of the key)."""
    if len(args) > len(_PLACEHOLDERS):
        return reverse(name, args=args)
    kinds = tuple(_ID if isinstance(arg, uuid.UUID) else arg for arg in args)
    url = _pattern(name, kinds, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    for n, arg in enumerate(args):
        if isinstance(arg, uuid.UUID):
            url = url.replace(str(_PLACEHOLDERS[n]), str(arg))
    return url
