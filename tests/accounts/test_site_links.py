"""`{% site_url %}` (the page frame's links, reversed once) gives what `{% url %}` gives, under
any script prefix."""

import re
from pathlib import Path

from django.template import engines
from django.urls import reverse, set_script_prefix

BASE = Path(__file__).resolve().parents[2] / "templates" / "base.html"


def _names() -> list[str]:
    return re.findall(r"\{% site_url '([^']+)' %\}", BASE.read_text())


def _render(tag: str, name: str) -> str:
    return engines["django"].from_string(f"{{% load site_links %}}{{% {tag} '{name}' %}}").render()


def test_every_link_of_the_page_frame_is_the_url_django_reverses():
    names = _names()
    assert {"assessments:list", "assessments:new", "logout", "keep_alive"} <= set(names)
    for name in names:
        assert _render("site_url", name) == _render("url", name) == reverse(name)


def test_a_link_follows_the_script_prefix_the_site_is_served_under():
    try:
        set_script_prefix("/vertebro/")
        assert _render("site_url", "assessments:new") == "/vertebro/assessments/new/"
    finally:
        set_script_prefix("/")
    assert _render("site_url", "assessments:new") == "/assessments/new/"
