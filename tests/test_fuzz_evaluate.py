"""Generated JSON cases for `evaluate`: each is either evaluated or refused, naming the field.

Hypothesis mutates a valid case — fields missing, of the wrong JSON type, out of
range, huge, any Unicode, control characters and NUL bytes, impossible dates, unknown
keys — and hands it to `validation.validate_case`, the one validation `evaluate` uses.
A few whole runs of the command check what reaches the user: nothing on standard
output, each bad field named on standard error, exit status 2.
"""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import json_case
from vertebro_rules import validation
from vertebro_rules.inputs import FIELDS_BY_NAME, INPUT_FIELD_NAMES, Inputs
from vertebro_rules.rules import evaluate

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
MAX_EXAMPLES = 2 * int(os.environ.get("VERTEBRO_FUZZ_EXAMPLES", "1000"))

JSON_JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "",
            "\x00",
            "2026-02-30",
            "0001-01-01",
            "9999-12-31",
            "٢٠٢٦-١٠-٠١",
            "2026-10-01T00:00",
            "NaN",
            "1e999",
            "x" * 70_000,
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _mutated_case() -> st.SearchStrategy[dict]:
    names = st.sampled_from(INPUT_FIELD_NAMES)
    change = st.one_of(
        st.tuples(st.just("drop"), names, st.none()),
        st.tuples(st.just("set"), names, JSON_JUNK),
        st.tuples(st.just("extra"), st.text(max_size=15), JSON_JUNK),
    )
    return st.lists(change, max_size=4).map(_apply)


def _apply(changes) -> dict:
    case = json_case()
    for kind, name, value in changes:
        if kind == "drop":
            case.pop(name, None)
        else:
            case[name] = value
    return case


@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=st.one_of(_mutated_case(), JSON_JUNK))
def test_every_generated_case_is_evaluated_or_refused_with_the_field_named(case):
    try:
        inputs = validation.validate_case(case, today=TODAY)
    except validation.InvalidInput as invalid:
        assert invalid.errors
        for name, messages in invalid.errors.items():
            assert name == "(case)" or name in case or name in FIELDS_BY_NAME
            assert messages and all(isinstance(m, str) and m for m in messages)
            assert name in str(invalid)  # the message names the field
        return
    assert isinstance(inputs, Inputs)
    assert isinstance(case, dict)
    assert set(case) <= set(FIELDS_BY_NAME)
    evaluate(inputs)  # a case that validates is one the rules can evaluate


def _run(stdin: bytes) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", "evaluate", "--jsonl", "--rules-version", "2026.2", "-"],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        env=env,
        check=False,
        timeout=60,
    )


def _line(case) -> bytes:
    return json.dumps(case).encode() + b"\n"


def test_the_command_refuses_bad_cases_naming_each_field_and_printing_nothing():
    bad = [
        json_case(patient_age="seventy"),
        json_case(patient_ref="MRN\x00001"),
        json_case(index_procedure_date="2026-02-30"),
        json_case(treated_level="L1", surprise_field=1),
    ]
    result = _run(b"".join(_line(case) for case in bad))
    assert result.returncode == 2
    assert result.stdout == b""
    stderr = result.stderr.decode()
    for expected in ("patient_age", "patient_ref", "index_procedure_date", "surprise_field"):
        assert expected in stderr


def test_the_command_refuses_undecodable_bytes_and_nul_without_a_traceback():
    result = _run(_line(json_case()) + b'{"patient_ref": "\xff\xfe"}\n\x00\x00\n')
    assert result.returncode == 2
    assert result.stdout == b""
    assert b"Traceback" not in result.stderr


def test_the_command_refuses_a_huge_string_naming_the_field():
    result = _run(_line(json_case(patient_ref="A" * 1_000_000)))
    assert result.returncode == 2
    assert result.stdout == b""
    assert b"patient_ref" in result.stderr
    assert b"Traceback" not in result.stderr
