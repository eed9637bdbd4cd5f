"""Generated query strings on every list and admin page: never a server error.

A sweep asks every admin changelist and every list page of the app for each parameter its
filters, date hierarchy, search, order and paging read, with each of the values that broke
pages before (a NUL byte, a number past any integer or calendar, an id that is not a UUID,
an impossible date); then Hypothesis draws further query strings over every field of each
model and every page of the URLconf (tests/url_walk.py), mixing junk and any Unicode. Every
answer must be below 500, on SQLite and PostgreSQL. Seeded and bounded.
"""

import os
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assessments.services import assessment_finalize
from tests.factories import make_assessment
from tests.url_walk import concrete_urls, url_templates

FUZZ = hypothesis_settings(
    max_examples=int(os.environ.get("VERTEBRO_FUZZ_QUERY_EXAMPLES", "150")),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

DANGEROUS = ["a\x00b", "9" * 25, "not-a-uuid", "2026-13-45"]
BAD_VALUES = [
    *DANGEROUS,
    "",
    "\x00",
    "-" + "9" * 30,
    "9223372036854775808",
    "2147483648",
    "-1",
    "1.5",
    "1e999",
    "NaN",
    "00000000-0000-0000-0000-00000000000g",
    "2026-02-30",
    "0000-00-00",
    "99999-01-01",
    "abc",
    "' OR 1=1 --",
    "%",
    "\\",
    "\u202e",
    "١٢٣",
    "null",
    "x" * 2000,
]
PAGING = ["q", "p", "o", "_to_field"]
APP_LIST_KEYS = ["q", "page", "status", "year"]
FIELD_SUFFIXES = ["", "__exact", "__gte", "__lt", "__in", "__isnull", "__year"]


def _changelist(model) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


def filter_keys(model, model_admin) -> list[str]:
    """The parameters a changelist's filters, date hierarchy, search and paging read."""
    keys = set(PAGING)
    for item in model_admin.list_filter:
        if isinstance(item, type):
            keys.add(getattr(item, "parameter_name", None) or "")
            continue
        name = item[0] if isinstance(item, (list, tuple)) else item
        field = model._meta.get_field(name)
        if field.is_relation:
            keys.add(f"{name}__id__exact")
        elif field.get_internal_type() in ("DateField", "DateTimeField"):
            keys.update({f"{name}__gte", f"{name}__lt"})
        else:
            keys.add(f"{name}__exact")
    if model_admin.date_hierarchy:
        keys.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return sorted(key for key in keys if key)


def field_keys(model) -> list[str]:
    """Lookups on every concrete field of the model (most are refused; none may fail)."""
    return [
        f"{field.name}{suffix}"
        for field in model._meta.concrete_fields
        for suffix in FIELD_SUFFIXES
    ]


def list_pages() -> list[tuple[str, list[str]]]:
    pages = [
        (_changelist(model), filter_keys(model, model_admin))
        for model, model_admin in admin.site._registry.items()
    ]
    # The app's pages that take no id (My assessments, the audit, the imports...); documents
    # (PDF) are left to the generated part below.
    pages += [
        (template, APP_LIST_KEYS)
        for template in url_templates()
        if "<" not in template
        and not template.startswith("/admin/")
        and not template.endswith((".pdf", "/logout/"))
    ]
    return pages


@pytest.fixture
def urls(alice):
    make_assessment(alice, patient_ref="MRN-DRAFT")
    final = assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-FINAL"), user=alice
    )
    walked = concrete_urls(
        {"assessment_id": final.pk, "object_id": final.pk, "step": 1, "app_label": "assessments"}
    )
    # Pages whose GET does something other than show a page are left to their own tests.
    return [url for url in walked if not url.endswith(("/logout/", "/delete/"))]


def test_the_fuzz_reaches_the_app_list_and_every_admin_changelist(urls):
    pages = dict(list_pages())
    assert "/" in pages
    for model in admin.site._registry:
        assert _changelist(model) in urls


@pytest.mark.parametrize("persona", ["superuser", "alice"])
def test_every_list_parameter_with_each_dangerous_value_answers_below_500(
    client, request, urls, persona
):
    client.force_login(request.getfixturevalue(persona))
    failures = []
    for url, keys in list_pages():
        if persona == "alice" and url.startswith("/admin/"):
            continue  # a clinician without staff status is sent to the admin's sign-in
        for key in keys:
            for value in DANGEROUS:
                query = urlencode({key: value})
                status = client.get(f"{url}?{query}").status_code
                if status >= 500:
                    failures.append((url, query, status))
    assert failures == []


values = st.one_of(st.sampled_from(BAD_VALUES), st.text(max_size=40))
ALL_FIELD_KEYS = sorted(
    {key for model in admin.site._registry for key in field_keys(model)} | set(APP_LIST_KEYS)
)


@FUZZ
@given(data=st.data())
def test_no_generated_query_string_on_any_page_gets_a_server_error(client, superuser, urls, data):
    client.force_login(superuser)
    url = data.draw(st.sampled_from(urls), label="url")
    keys = st.sampled_from(ALL_FIELD_KEYS + PAGING)
    params = data.draw(st.lists(st.tuples(keys, values), min_size=1, max_size=4), label="query")
    query = urlencode(params)
    response = client.get(f"{url}?{query}")
    assert response.status_code < 500, (url, query, response.status_code)
