"""`{% site_url 'name' args %}` and `{% static_url 'path' %}`: the pages' links, worked out once.

The page frame (base.html) links to the same seven or eight pages and six static files on
every page, and the review and result pages to the same few pages of their assessment;
through `{% url %}` each reverse cost about 20 µs, and `{% static %}` about 15 µs a file,
together the frame's largest cost after its own markup. A URL is the same for every request
of one URL configuration and script prefix up to its ids (vertebro_lib.urls.reverse_once),
and a static file's URL the same for one storage and STATIC_URL, so each is worked out once."""

import functools
from collections.abc import Hashable

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import conditional_escape

from vertebro_lib.urls import reverse_once

register = template.Library()


@register.simple_tag
def site_url(name: str, *args: Hashable) -> str:
    """`{% url name args %}`, the pattern reversed once (vertebro_lib.urls.reverse_once)."""
    return conditional_escape(reverse_once(name, *args))


@functools.lru_cache(maxsize=256)
def _static(path: str, static_url: str, storage: str) -> str:
    return conditional_escape(static(path))


@register.simple_tag
def static_url(path: str) -> str:
    """`{% static path %}`, for the storage and STATIC_URL of the settings."""
    storage = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    return _static(path, settings.STATIC_URL or "", storage)
