"""Thousands of generated posts to every step: never a server error, never a lost answer.

Hypothesis builds form bodies from valid answers mixed with junk — missing fields,
wrong types, huge strings, any Unicode, control characters and NUL bytes, dates
out of range, extra fields and repeated keys — and posts each to the new-assessment
step 1 and to steps 1–4 of one draft. Every answer is a 302 (saved), a 400 naming
the field in error, a 409 (stale page) or our 400 page for an oversized body; a
refused post changes nothing, and a saved one changes only its own step.
The run is seeded (derandomize) and bounded: MAX_EXAMPLES posts per endpoint
(VERTEBRO_FUZZ_EXAMPLES to change it for a longer or shorter local run).
"""

import os
import string
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assessments.models import Assessment
from tests.factories import make_assessment, valid_inputs
from vertebro_rules import inputs, validation

# Tests of rules 2026.2 behaviour through the web (2026.3 changes it on purpose).
pytestmark = pytest.mark.usefixtures("rules_2026_2")

MAX_EXAMPLES = int(
    os.environ.get("VERTEBRO_FUZZ_EXAMPLES", "1000")
)  # per endpoint: 5 endpoints, 5,000 posts in all
FUZZ = hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one draft per test, compared before and after
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

CURRENT_VERSION = object()  # replaced by the draft's version at the time of the post
ODD_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t",
    "\r\n",
    "\u200b",
    "\ufeff",
    "\ud7ff",
    "NaN",
    "-NaN",
    "Infinity",
    "-inf",
    "1e999",
    "1e-999",
    "-0",
    "0.05",
    "12.345",
    "-7.05",
    "4.",
    ".5",
    "1_000",
    "０",
    "٣",
    "²",
    "True",
    "true",
    "on",
    "None",
    "null",
    "[]",
    "{}",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "1984-12-31",
    "+2026-01-01",
    "2026-1-1",
    "20261001",
    "01/10/2026",
    "'; DROP TABLE assessments_assessment; --",
    "<script>alert(1)</script>",
    "%00",
    "${jndi:x}",
    "=cmd|' /C calc'!A0",
    "🦴" * 20,
]


def _junk() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(ODD_STRINGS),
        st.text(max_size=30),  # any code point but surrogates: control characters, NUL, emoji
        st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=8),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
        # Huge strings; some exceed the body limit and must get our 400 page.
        st.builds(
            lambda piece, count: piece * count,
            st.sampled_from(["a", "é", "\x00", "€", "🦴", "9"]),
            st.sampled_from([65, 300, 5000, 70_000]),
        ),
    )


def _plausible(spec: inputs.InputField) -> st.SearchStrategy[str]:
    """Answers a clinician could give, near and across the edges of the spec's ranges."""
    if isinstance(spec, inputs.ChoiceInput):
        return st.sampled_from(spec.vocabulary.values)
    if isinstance(spec, inputs.BooleanInput):
        return st.sampled_from(["True", "False", ""])
    if isinstance(spec, inputs.IntegerInput):
        return st.integers(int(spec.minimum) - 2, int(spec.maximum) + 2).map(str)
    if isinstance(spec, inputs.DecimalInput):
        return st.decimals(spec.minimum - 1, spec.maximum + 1, places=2).map(str)
    if isinstance(spec, inputs.DateInput):
        today = timezone.localdate()
        return st.dates(date(1984, 1, 1), today + timedelta(days=3)).map(date.isoformat)
    return st.text(alphabet=string.ascii_uppercase + string.digits + "-", min_size=1, max_size=70)


def _form_value(value) -> list[str]:
    """A saved Python value as the strings a browser posts for it."""
    if value is None:
        return [""]
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, date):
        return [value.isoformat()]
    return [str(value)]


def _field_pairs(name: str) -> st.SearchStrategy[list[tuple[str, str]]]:
    """One field of the body: mostly a valid answer, sometimes missing, repeated or junk."""
    valid = _form_value(valid_inputs()[name])
    spec = inputs.FIELDS_BY_NAME[name]
    mode = st.sampled_from(
        ["valid"] * 10 + ["plausible", "plausible", "junk", "missing", "repeated"]
    )

    def build(chosen: str):
        if chosen == "valid":
            return st.just([(name, v) for v in valid])
        if chosen == "missing":
            return st.just([])
        if chosen == "plausible":
            return _plausible(spec).map(lambda v: [(name, v)])
        if chosen == "junk":
            return _junk().map(lambda v: [(name, v)])
        return st.lists(st.one_of(_plausible(spec), _junk()), min_size=2, max_size=4).map(
            lambda values: [(name, v) for v in values]
        )

    return mode.flatmap(build)


def _body(step: int) -> st.SearchStrategy[list[tuple[str, object]]]:
    """A form body as (key, value) pairs: fields may be missing, repeated or junk."""
    parts = [_field_pairs(name) for name in inputs.fields_of_step(step)]
    version = st.sampled_from(["current"] * 6 + ["missing", "junk"]).flatmap(
        lambda chosen: (
            st.just([("version", CURRENT_VERSION)])
            if chosen == "current"
            else st.just([])
            if chosen == "missing"
            else _junk().map(lambda junk: [("version", junk)])
        )
    )
    extra = st.lists(st.tuples(st.text(max_size=12), _junk()), max_size=3)
    return st.tuples(*parts, version, extra).map(lambda groups: [p for g in groups for p in g])


def _encode(pairs, version: int) -> str:
    resolved = [(k, version if v is CURRENT_VERSION else v) for k, v in pairs]
    return urlencode([(k, str(v)) for k, v in resolved], encoding="utf-8", errors="surrogatepass")


def _row(pk) -> dict:
    return Assessment.objects.filter(pk=pk).values().get()


def _outcome(response) -> str:
    if response.status_code == 302:
        return "saved"
    if response.status_code == 409:
        return "stale"
    if "This request could not be accepted" in response.content.decode():
        return "too large"  # our 400 page for a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    return "refused"


def _assert_refusal_names_the_field(response):
    body = response.content.decode()
    if response.status_code == 409:
        assert "This assessment was changed elsewhere" in body
        return
    if _outcome(response) == "too large":
        return
    form = response.context["form"]
    assert form.errors, "a refused post must say what is wrong"
    assert "version" not in form.errors, (
        "a garbled page version must be refused as a stale page (409, reload), "
        "not as an error on a hidden field the clinician cannot see"
    )
    assert "nothing from this step was saved" in body
    for name in form.errors:
        label = form.fields[name].label if name in form.fields else None
        if name == "__all__":
            continue
        assert label and label in body, f"the message for {name!r} must name the field"


def _assert_saved_values_follow_the_spec(row: dict):
    values = {name: row[name] for name in inputs.INPUT_FIELD_NAMES}
    for name, value in values.items():
        if value in (None, "", []):
            continue
        assert inputs.FIELDS_BY_NAME[name].check(value, today=timezone.localdate()) is None, name
    assert validation.cross_field_errors(values, today=timezone.localdate()) == {}


def _post(client, url, pairs, version):
    return client.post(
        url, _encode(pairs, version), content_type="application/x-www-form-urlencoded"
    )


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_generated_posts_to_a_draft_step_never_fail_and_never_lose_an_answer(client, alice, step):
    draft = make_assessment(alice)
    client.force_login(alice)
    url = reverse("assessments:step", args=[draft.pk, step])
    step_fields = set(inputs.fields_of_step(step))
    outcomes = set()

    @FUZZ
    @given(pairs=_body(step))
    def post_one(pairs):
        before = _row(draft.pk)
        response = _post(client, url, pairs, before["version"])
        after = _row(draft.pk)
        outcomes.add(_outcome(response))
        assert response.status_code < 500
        if response.status_code == 302:
            assert after["version"] == before["version"] + 1
            for name in inputs.INPUT_FIELD_NAMES:
                if name not in step_fields:
                    assert after[name] == before[name], f"{name} changed by a step {step} post"
            _assert_saved_values_follow_the_spec(after)
        else:
            assert response.status_code in (400, 409), response.status_code
            _assert_refusal_names_the_field(response)
            assert after == before, "a refused post changed the draft"

    post_one()
    assert {"saved", "refused", "too large"} <= outcomes  # the generator reached each


def test_generated_posts_to_a_new_assessment_never_fail_and_save_only_valid_ones(client, alice):
    client.force_login(alice)
    url = reverse("assessments:new")
    outcomes = set()

    @FUZZ
    @given(pairs=_body(1))
    def post_one(pairs):
        count = Assessment.objects.count()
        response = _post(client, url, pairs, 1)
        outcomes.add(_outcome(response))
        assert response.status_code < 500
        if response.status_code == 302:
            assert Assessment.objects.count() == count + 1
            _assert_saved_values_follow_the_spec(
                Assessment.objects.filter(owner=alice).order_by("-created").values()[0]
            )
        else:
            assert response.status_code == 400
            _assert_refusal_names_the_field(response)
            assert Assessment.objects.count() == count

    post_one()
    assert {"saved", "refused", "too large"} <= outcomes


def test_a_version_of_thousands_of_digits_is_a_stale_page_not_a_server_error(client, alice):
    """Found by the fuzzer: int() refuses strings over 4,300 digits with a ValueError."""
    draft = make_assessment(alice)
    before = _row(draft.pk)
    client.force_login(alice)
    pairs = [
        (name, v) for name in inputs.fields_of_step(2) for v in _form_value(valid_inputs()[name])
    ]
    response = _post(
        client,
        reverse("assessments:step", args=[draft.pk, 2]),
        [*pairs, ("version", "9" * 5000)],
        0,
    )
    assert response.status_code == 409
    assert _row(draft.pk) == before
