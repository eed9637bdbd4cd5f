#!/usr/bin/env python
"""Vertebro's benchmark: `python bench/run.py` prints one JSON object of figures.

Each section lives in its own module under bench/ and returns a dict; a
section that fails reports its error instead of stopping the others.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vertebro_site.settings")

import django  # noqa: E402

django.setup()

import bench_admin  # noqa: E402
import bench_impact  # noqa: E402
import bench_interop  # noqa: E402
import bench_load  # noqa: E402
import bench_outcomes  # noqa: E402
import bench_pages  # noqa: E402
import bench_pdf  # noqa: E402
import bench_rules  # noqa: E402

SECTIONS = {
    "rules": bench_rules.run,
    "pdf": bench_pdf.run,
    "admin": bench_admin.run,
    "pages": bench_pages.run,
    "load": bench_load.run,
    "interop": bench_interop.run,
    "outcomes": bench_outcomes.run,
    "impact": bench_impact.run,
}


def main() -> None:
    only = set(sys.argv[1:])
    figures = {}
    for name, section in SECTIONS.items():
        if only and name not in only:
            continue
        print(f"bench: {name}…", file=sys.stderr)
        figures[name] = section()
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
