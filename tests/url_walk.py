"""Every URL of the project, made concrete: the whole URLconf walked, parameters filled in.

Used by the tests that must hold on every page (no caching, no server error), so that a page
added later is covered without anyone listing it.
"""

import re

from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.urls import get_resolver

PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def url_templates() -> list[str]:
    """Each URL pattern as a path with <name> placeholders (admindocs' simplified form)."""
    templates = []
    for _view, regex, _namespace, _name in extract_views_from_urlpatterns(
        get_resolver().url_patterns
    ):
        template = simplify_regex(regex)
        # simple-history's nested regex does not simplify; its page is reached from the
        # history list with a version id (see `concrete_urls`).
        if "(" in template or "[" in template:
            continue
        templates.append(template)
    return sorted(set(templates))


def concrete_urls(values: dict[str, str], default: str = "1") -> list[str]:
    """Every URL of the project with its placeholders replaced by `values` (by name)."""

    def fill(match: re.Match) -> str:
        return str(values.get(match["name"], default))

    return [PLACEHOLDER.sub(fill, template) for template in url_templates()]
