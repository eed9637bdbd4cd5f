"""`{% site_url 'name' %}` and `{% static_url 'path' %}`: the page frame's links, worked out once.

The page frame (base.html) links to the same seven or eight pages and six static files on
every page; through `{% url %}` each reverse cost about 20 µs, and `{% static %}` about 15 µs
a file, together the frame's largest cost after its own markup. A URL without arguments is
the same for every request of one URL configuration and script prefix, and a static file's
URL the same for one storage and STATIC_URL, so each is worked out once for each (Django's
`{% url %}` stays for the URLs that take an id)."""

import functools

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@functools.lru_cache(maxsize=256)
def _reversed(name: str, urlconf: str, prefix: str) -> str:
    return conditional_escape(reverse(name, urlconf=urlconf))


@register.simple_tag
def site_url(name: str) -> str:
    """`{% url name %}` for a URL name that takes no argument."""
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _static(path: str, static_url: str, storage: str) -> str:
    return conditional_escape(static(path))


@register.simple_tag
def static_url(path: str) -> str:
    """`{% static path %}`, for the storage and STATIC_URL of the settings."""
    storage = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    return _static(path, settings.STATIC_URL or "", storage)
