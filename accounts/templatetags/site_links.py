"""`{% site_url 'name' %}`: the URL of a page that takes no argument, reversed once.

The page frame (base.html) links to the same seven or eight pages on every page; through
`{% url %}` each reverse cost about 20 µs, the frame's largest cost after its own markup.
A URL without arguments is the same for every request of one URL configuration and script
prefix, so it is reversed once for each (Django's `{% url %}` stays for the URLs that take an
id)."""

import functools

from django import template
from django.conf import settings
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
