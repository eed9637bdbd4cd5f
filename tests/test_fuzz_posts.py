"""Generated form posts to every URL of the URLconf, and junk in every path parameter: never a
server error.

tests/test_fuzz_query_strings.py sends junk query strings to every page; this sends POST
bodies — the field names every form of the project reads, with junk, any Unicode, NUL
characters, numbers past any integer, impossible dates — to every URL (tests/url_walk.py),
signed in as the clinician who owns the assessments the URLs name, and fills the URLs' own
parameters with junk. A page added later is covered without being listed. Every answer
must be below 500, on SQLite and PostgreSQL. Seeded and bounded.
"""

import os

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assessments.services import assessment_finalize
from tests.factories import make_assessment
from tests.outcomes.factories import make_procedure
from tests.url_walk import PLACEHOLDER, url_templates

FUZZ = hypothesis_settings(
    max_examples=int(os.environ.get("VERTEBRO_FUZZ_POST_EXAMPLES", "12")),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

JUNK = [
    "",
    "\x00",
    "a\x00b",
    "9" * 25,
    "-" + "9" * 30,
    "1e999",
    "NaN",
    "2026-02-30",
    "99999-01-01",
    "not-a-uuid",
    "' OR 1=1 --",
    "\u202e",
    "x" * 3000,
    "True",
    "yes",
    "1",
    "0",
    "-1",
]


def _field_names() -> list[str]:
    """Every field name of the project's models, and the few form-only names."""
    names = {"version", "username", "reason", "action", "_selected_action", "q", "next"}
    for app in ("assessments", "outcomes", "interop"):
        for model in apps.get_app_config(app).get_models():
            names.update(field.name for field in model._meta.get_fields())
    return sorted(names)


# Any text a browser can send (a form body is UTF-8: no lone surrogates).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
VALUES = st.sampled_from(JUNK) | TEXT | st.integers().map(str)
BODIES = st.dictionaries(
    st.sampled_from(_field_names()) | TEXT,
    VALUES | st.lists(VALUES, max_size=3),
    max_size=8,
)


@pytest.fixture
def owned(alice):
    """The URL parameters naming Alice's final assessment (with a procedure), then her draft."""
    draft = make_assessment(alice, patient_ref="MRN-DRAFT")
    final = assessment_finalize(assessment=make_assessment(alice, patient_ref="MRN-F"), user=alice)
    make_procedure(final)
    values = {
        "assessment_id": final.pk,
        "object_id": final.pk,
        "step": 2,
        "interval": "1m",
        "kind": "response",
        "app_label": "assessments",
    }
    return [values, {**values, "assessment_id": draft.pk}]


def _post_targets() -> list[str]:
    # The admin's own forms are exercised by the admin's tests; static files take no posts.
    return [t for t in url_templates() if not t.startswith(("/admin/", "/static/"))]


@pytest.mark.parametrize("template", _post_targets())
def test_any_form_post_to_any_url_is_never_a_server_error(client, alice, owned, template):
    client.force_login(alice)
    urls = sorted(
        {PLACEHOLDER.sub(lambda m, v=v: str(v.get(m["name"], "1")), template) for v in owned}
    )

    @FUZZ
    @given(body=BODIES, which=st.integers(min_value=0, max_value=len(urls) - 1))
    def post(body, which):
        response = client.post(urls[which], body)
        assert response.status_code < 500, (urls[which], body, response.status_code)

    post()


PARAMETER_JUNK = st.sampled_from(
    ["%00", "a%00b", "%ED%A0%80", "9" * 40, "-1", "..", "%2e%2e", "x" * 300, "%F0%9F%92%A5"]
) | st.text(alphabet="abcdef0123456789-", min_size=1, max_size=40)


@pytest.mark.parametrize("method", ["get", "post"])
def test_junk_in_every_path_parameter_is_never_a_server_error(client, alice, method):
    client.force_login(alice)
    templates = [t for t in url_templates() if PLACEHOLDER.search(t)]

    @FUZZ
    @given(template=st.sampled_from(templates), junk=PARAMETER_JUNK)
    def request(template, junk):
        url = PLACEHOLDER.sub(junk, template)
        response = getattr(client, method)(url)
        assert response.status_code < 500, (url, response.status_code)

    request()
