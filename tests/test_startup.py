"""Start-up: importing the project's URLconf (what every server worker, test process and
management command does) loads neither SciPy nor WeasyPrint; each is imported where it is
used (the audit's confidence intervals, the PDF)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = """
import json, sys

import django

django.setup()
import vertebro_site.urls  # noqa: F401

heavy = ("scipy", "numpy", "weasyprint", "pydyf", "fontTools")
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & set(heavy))))
"""


def _loaded_after(program: str) -> list[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "vertebro_site.settings",
    }
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    process = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout.strip().splitlines()[-1])


def test_importing_the_urlconf_loads_neither_scipy_nor_weasyprint():
    assert _loaded_after(PROGRAM) == []


def test_the_check_is_able_to_see_a_heavy_import():
    # The same program, with the PDF and the intervals used, names both libraries.
    used = PROGRAM.replace(
        "heavy = ",
        "from outcomes.stats import mean; mean(3, 2.0, 5.0)\n"
        "from assessments.reports.pdf import html_to_pdf; html_to_pdf('<p>x</p>')\n"
        "heavy = ",
    )
    assert {"scipy", "weasyprint"} <= set(_loaded_after(used))
