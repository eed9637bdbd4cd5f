"""`manage.py evaluate` (docs/specification.md §8): guidance for good JSON; for bad JSON nothing on
standard output, every bad field on standard error, a non-zero exit, and never a database write."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Assessment
from tests.factories import json_case, make_assessment
from vertebro_rules.rules import evaluate
from vertebro_rules.validation import validate_case

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
TODAY_FOR_FACTORY = "2026-11-25"
RECURRENCE = {
    "initial_response": "relief_then_recurrence",
    "index_procedure_date": "2026-06-01",
    "recurrence_date": "2026-09-01",
    "assessment_date": "2026-11-20",
    "conservative_therapy_weeks": 8,
    "cleft_sign": "present",
}


def expected(case: dict) -> dict:
    from datetime import date

    return evaluate(validate_case(case, today=date.fromisoformat(TODAY_FOR_FACTORY))).to_dict()


@pytest.fixture
def existing(alice):
    """One saved assessment, so that a write (or a delete) would show in the count."""
    return make_assessment(alice)


@pytest.fixture
def run(existing, django_assert_num_queries, monkeypatch, tmp_path):
    """Run the command on text or bytes (through a file, or standard input with path '-')."""

    def run_command(data, *options, stdin=False, default_version=False):
        raw = data if isinstance(data, bytes) else data.encode()
        if not default_version and "--rules-version" not in options:
            # These tests read the guidance of 2026.2 (`expected`); 2026.3 has its own below.
            options = (*options, "--rules-version", "2026.2")
        if stdin:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
            path = "-"
        else:
            path = tmp_path / "cases.json"
            path.write_bytes(raw)
        out, err = io.StringIO(), io.StringIO()
        error = None
        # The active rules version is read when none is named; nothing else.
        with django_assert_num_queries(0 if "--rules-version" in options else 1):
            try:
                call_command("evaluate", str(path), *options, stdout=out, stderr=err)
            except CommandError as refused:
                error = refused
        assert Assessment.objects.count() == 1
        return error, out.getvalue(), err.getvalue()

    return run_command


def assert_refused(result, *named: str) -> str:
    error, stdout, stderr = result
    assert error is not None, "the command accepted bad input"
    assert error.returncode != 0
    assert stdout == ""
    for words in named:
        assert words in stderr
    return stderr


def test_one_object_gets_its_guidance_as_one_object(run):
    error, stdout, _ = run(json.dumps(json_case()))
    assert error is None
    assert json.loads(stdout) == expected(json_case())
    assert json.loads(stdout)["reasons"][0]["rule"] == "R10"


def test_a_list_gets_a_list_of_guidance_in_order(run):
    cases = [json_case(), json_case(**RECURRENCE), json_case(neuro_exam="new_deficit")]
    error, stdout, _ = run(json.dumps(cases))
    assert error is None
    results = json.loads(stdout)
    assert results == [expected(case) for case in cases]
    assert [result["reasons"][0]["rule"] for result in results] == ["R10", "R12", "R1"]


def test_an_empty_list_gets_an_empty_list(run):
    error, stdout, _ = run("[]")
    assert error is None
    assert json.loads(stdout) == []


def test_standard_input_is_read_with_a_dash(run):
    error, stdout, _ = run(json.dumps(json_case(**RECURRENCE)), stdin=True)
    assert error is None
    assert json.loads(stdout) == expected(json_case(**RECURRENCE))


def test_jsonl_reads_and_writes_one_object_a_line_skipping_blank_lines(run):
    cases = [json_case(), json_case(vas_current=0), json_case(**RECURRENCE)]
    text = json.dumps(cases[0]) + "\n\n" + json.dumps(cases[1]) + "\n" + json.dumps(cases[2])
    error, stdout, _ = run(text, "--jsonl", stdin=True)
    assert error is None
    lines = stdout.splitlines()
    assert [json.loads(line) for line in lines] == [expected(case) for case in cases]


def test_non_ascii_text_is_written_as_utf8(run):
    error, stdout, _ = run(json.dumps(json_case(patient_ref="Müller-7")))
    assert error is None
    assert "→" in stdout  # N2: VAS 8.6 → 1.67


def test_an_unknown_key_is_refused(run):
    case = {**json_case(), "patient_name": "Jane Doe"}
    assert_refused(run(json.dumps(case)), "patient_name: Unknown field.")


def test_a_wrong_type_is_refused(run):
    assert_refused(run(json.dumps(json_case(patient_age="70"))), "patient_age: Expected a whole")


def test_an_out_of_range_value_is_refused(run):
    assert_refused(run(json.dumps(json_case(vas_current=11))), "vas_current: Enter a value")


def test_a_date_in_the_future_is_refused(run):
    case = json_case(assessment_date="2999-01-01")
    assert_refused(run(json.dumps(case)), "assessment_date: The date cannot be in the future")


def test_a_missing_required_field_is_refused(run):
    case = json_case()
    del case["neuro_exam"]
    assert_refused(run(json.dumps(case)), "neuro_exam: This field is required.")


def test_every_bad_field_is_named(run):
    case = {**json_case(patient_age=5, cement_fill="good", sex=1), "extra": True}
    stderr = assert_refused(run(json.dumps(case)), "patient_age:", "cement_fill:", "sex:", "extra:")
    assert len(stderr.strip().splitlines()) == 4


@pytest.mark.parametrize("text", ['{"patient_ref": "MRN-1",', "", "not json", "{'a': 1}"])
def test_malformed_json_is_refused(run, text):
    assert_refused(run(text), "malformed JSON")


@pytest.mark.parametrize("text", ["5", '"case"', "null", "[5]"])
def test_json_that_is_not_an_object_or_a_list_of_objects_is_refused(run, text):
    assert_refused(run(text), "Expected a JSON object")


def test_one_bad_item_in_a_list_refuses_the_whole_list(run):
    cases = [json_case(), json_case(patient_age=200), json_case(), json_case(sex="f")]
    stderr = assert_refused(run(json.dumps(cases)), "[1] patient_age:", "[3] sex:")
    assert "[0]" not in stderr
    assert "[2]" not in stderr


def test_one_bad_line_in_jsonl_refuses_the_whole_stream(run):
    lines = [json.dumps(json_case()), json.dumps(json_case(treated_level="L6")), "{oops", ""]
    stderr = assert_refused(
        run("\n".join([*lines, json.dumps(json_case())]), "--jsonl"),
        "line 2: treated_level:",
        "line 3: (input): malformed JSON",
    )
    assert not [line for line in stderr.splitlines() if line.startswith("line 1:")]


def test_a_list_on_a_jsonl_line_is_refused(run):
    assert_refused(run(json.dumps([json_case()]), "--jsonl"), "line 1: (case):")


@pytest.mark.parametrize("options", [(), ("--jsonl",)])
def test_input_that_is_not_utf8_is_refused(run, options):
    raw = json.dumps(json_case(patient_ref="M-X")).encode().replace(b"M-X", b"M-\xff")
    assert_refused(run(raw, *options, stdin=True), "(input): not UTF-8 text")


def test_json_nested_too_deeply_is_refused(run):
    assert_refused(run("[" * 100_000 + "]" * 100_000), "(input): malformed JSON")


def test_a_missing_file_is_refused(existing, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("evaluate", str(tmp_path / "nowhere.json"), stdout=io.StringIO())
    assert refused.value.returncode != 0
    assert "nowhere.json" in str(refused.value)
    assert Assessment.objects.count() == 1


# Through a real process: exit status, the two streams, standard input.


def manage(*args, stdin: bytes = b"") -> subprocess.CompletedProcess:
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    return subprocess.run(
        [str(python), "manage.py", "evaluate", "--rules-version", "2026.2", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ},
        timeout=60,
        check=False,
    )


def test_the_command_prints_guidance_for_a_file_and_exits_zero(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(json_case()))
    process = manage(str(path))
    assert process.returncode == 0, process.stderr.decode()
    assert json.loads(process.stdout) == expected(json_case())


def test_the_command_exits_non_zero_with_nothing_on_stdout_for_a_bad_list_item():
    cases = [json_case(), {**json_case(vas_current=-1), "colour": "red"}]
    process = manage("-", stdin=json.dumps(cases).encode())
    assert process.returncode != 0
    assert process.stdout == b""
    stderr = process.stderr.decode()
    assert "[1] vas_current:" in stderr
    assert "[1] colour: Unknown field." in stderr


def test_the_command_refuses_bytes_that_are_not_utf8_in_jsonl():
    good = json.dumps(json_case()).encode()
    process = manage("--jsonl", "-", stdin=good + b"\n" + b'{"patient_ref": "\xff"}\n' + good)
    assert process.returncode != 0
    assert process.stdout == b""
    assert b"line 2: (input): not UTF-8" in process.stderr


def test_the_rules_version_is_chosen_by_name_and_printed(run):
    for name in ("2026.2", "2026.3"):
        error, stdout, _ = run(json.dumps(json_case()), "--rules-version", name)
        assert error is None
        assert json.loads(stdout)["rules_version"] == name


def test_the_default_rules_version_is_the_applications_active_one(run, settings, alice):
    from assessments.models import RulesVersionSwitch

    error, stdout, _ = run(json.dumps(json_case()), default_version=True)
    assert error is None
    assert json.loads(stdout)["rules_version"] == "2026.3"
    settings.VERTEBRO_RULES_VERSION = "2026.2"
    error, stdout, _ = run(json.dumps(json_case()), "--jsonl", default_version=True)
    assert error is None
    assert json.loads(stdout)["rules_version"] == "2026.2"
    # A switch recorded by an administrator is the active version, whatever the setting says.
    RulesVersionSwitch.objects.create(
        version="2026.3", previous_version="2026.2", switched_by=alice, reason="Board approval."
    )
    error, stdout, _ = run(json.dumps(json_case()), default_version=True)
    assert error is None
    assert json.loads(stdout)["rules_version"] == "2026.3"


def test_without_a_readable_database_the_setting_names_the_version(settings, tmp_path):
    """Run where no database is set up: the setting decides, and standard error says so."""
    case = tmp_path / "case.json"
    case.write_text(json.dumps(json_case()))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "VERTEBRO_RULES_VERSION": "2026.2",
    }
    process = subprocess.run(
        [
            str(PYTHON if PYTHON.exists() else Path(sys.executable)),
            "manage.py",
            "evaluate",
            str(case),
        ],
        cwd=ROOT,
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout)["rules_version"] == "2026.2"
    assert b"VERTEBRO_RULES_VERSION = 2026.2" in process.stderr


def test_an_unknown_rules_version_is_refused(run):
    error, stdout, _ = run(json.dumps(json_case()), "--rules-version", "2025.9")
    assert error is not None
    assert "2025.9" in str(error)
    assert stdout == ""


RED_FLAG_DEFICIT = (
    "RED FLAG: a new neurological deficit is recorded: urgent referral does not wait for the "
    "corrections below."
)


def test_a_refused_case_with_a_new_deficit_prints_the_red_flag_first(run):
    case = json_case(patient_age=12, neuro_exam="new_deficit")
    stderr = assert_refused(run(json.dumps(case), "--rules-version", "2026.3"))
    lines = stderr.splitlines()
    assert lines[0] == RED_FLAG_DEFICIT
    assert lines[1].startswith("patient_age: Vertebro covers adults (18 years and over)")


def test_red_flags_of_a_refused_list_come_before_every_field_message(run):
    cases = [json_case(vas_current=11), json_case(treated_level="S1", neuro_exam="new_deficit")]
    stderr = assert_refused(run(json.dumps(cases), "--rules-version", "2026.3"))
    lines = stderr.splitlines()
    assert lines[0] == f"[1] {RED_FLAG_DEFICIT}"
    assert lines[1].startswith("[0] vas_current:")
    assert (
        lines[2] == "[1] treated_level: Vertebro covers T1 to L5: sacroplasty is outside its scope."
    )


def test_red_flags_of_a_refused_jsonl_line_are_named_by_line(run):
    text = "\n".join(
        json.dumps(case)
        for case in (json_case(), json_case(patient_age=17, neuro_exam="new_deficit"))
    )
    stderr = assert_refused(run(text, "--jsonl", "--rules-version", "2026.3", stdin=True))
    assert stderr.splitlines()[0] == f"line 2: {RED_FLAG_DEFICIT}"


@pytest.mark.parametrize("version", ["2026.2", "2026.3"])
def test_jsonl_writes_each_result_as_the_json_of_its_dictionary(run, version):
    """Byte for byte what `json.dumps(..., ensure_ascii=False)` writes, one line a case, under
    each rules version (2026.3 builds its text directly)."""
    from datetime import date

    from vertebro_rules import versions

    cases = [json_case(), json_case(vas_current=0), json_case(**RECURRENCE)]
    error, stdout, _ = run("\n".join(map(json.dumps, cases)), "--jsonl", "--rules-version", version)
    assert error is None
    today = date.fromisoformat(TODAY_FOR_FACTORY)
    assert stdout == "".join(
        json.dumps(
            versions.evaluate_case(case, today=today, version=version).to_dict(), ensure_ascii=False
        )
        + "\n"
        for case in cases
    )
    assert "“" in stdout or "→" in stdout  # text beyond ASCII is written as it is
