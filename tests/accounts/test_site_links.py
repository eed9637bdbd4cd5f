"""`{% site_url %}` and `{% static_url %}` (the page frame's links, worked out once) give what
`{% url %}` and `{% static %}` give, under any script prefix and static URL."""

import re
from pathlib import Path

from django.template import engines
from django.test import override_settings
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


def _static(tag: str, path: str) -> str:
    return (
        engines["django"]
        .from_string(f"{{% load static site_links %}}{{% {tag} '{path}' %}}")
        .render()
    )


def test_every_static_file_of_the_page_frame_is_the_url_django_gives():
    paths = re.findall(r"\{% static_url '([^']+)' %\}", BASE.read_text())
    assert {"css/vertebro.css", "js/vertebro.js"} <= set(paths)
    for path in paths:
        assert _static("static_url", path) == _static("static", path)
        assert _static("static_url", path).endswith(path.rsplit(".", 1)[-1])


def test_a_static_file_follows_the_static_url_of_the_settings():
    with override_settings(STATIC_URL="/elsewhere/"):
        assert _static("static_url", "css/vertebro.css") == _static("static", "css/vertebro.css")
        assert _static("static_url", "css/vertebro.css").startswith("/elsewhere/")
