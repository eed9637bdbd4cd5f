"""Rules evaluation per case, and the `evaluate --jsonl` stream, for the rules version in
development (2026.3) and, per case, for 2026.2."""

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cases import TODAY, random_case_2026_3, random_cases, random_cases_2026_3

from vertebro_rules import versions

ROOT = Path(__file__).resolve().parent.parent
RULE_CASES = 10_000
STREAM_CASES = 100_000
VERSION = "2026.3"


def _per_case(version: str, cases: list[dict]) -> dict:
    """Median and 95th percentile of evaluation (and median of validation), in µs per case."""
    rules = versions.get(version)
    inputs = [rules.validate_case(case, today=TODAY) for case in cases]
    timings = []
    for item in inputs:
        start = time.perf_counter_ns()
        rules.evaluate(item)
        timings.append(time.perf_counter_ns() - start)
    validate_timings = []
    for case in cases:
        start = time.perf_counter_ns()
        rules.validate_case(case, today=TODAY)
        validate_timings.append(time.perf_counter_ns() - start)
    return {
        "evaluation_us_per_case_median": round(statistics.median(timings) / 1000, 2),
        "evaluation_us_per_case_p95": round(statistics.quantiles(timings, n=20)[-1] / 1000, 2),
        "validation_us_per_case_median": round(statistics.median(validate_timings) / 1000, 2),
    }


def run() -> dict:
    figures = _per_case(VERSION, random_cases_2026_3(RULE_CASES))
    previous = _per_case("2026.2", random_cases(RULE_CASES))

    rng = random.Random(7)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as stream:
        for _ in range(STREAM_CASES):
            stream.write(json.dumps(random_case_2026_3(rng, TODAY)) + "\n")
    with (
        open(stream.name, "rb") as source,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        start = time.perf_counter()
        process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "evaluate",
                "--jsonl",
                "--rules-version",
                VERSION,
                "-",
            ],
            stdin=source,
            stdout=out,
            stderr=err,
            cwd=ROOT,
        )
        peak_kib = 0
        while process.poll() is None:
            peak_kib = max(peak_kib, _peak_kib(process.pid))
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
        out.seek(0)
        lines = sum(1 for _ in out)
        err.seek(0)
        stderr = err.read().decode()
    Path(stream.name).unlink()
    return {
        "rules_version": VERSION,
        **figures,
        "cases": RULE_CASES,
        "rules_2026_2": previous,
        "evaluate_jsonl": {
            "cases": STREAM_CASES,
            "exit_code": process.returncode,
            "lines_out": lines,
            "seconds": round(elapsed, 2),
            "cases_per_second": round(STREAM_CASES / elapsed),
            "peak_memory_mb": round(peak_kib / 1024, 1),
            "stderr_tail": stderr[-300:] if process.returncode else "",
        },
    }


def _peak_kib(pid: int) -> int:
    """The process's resident-memory high-water mark (VmHWM), in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0
