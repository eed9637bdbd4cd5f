"""Page checks shared by the browser tests: axe-core (WCAG 2.1 A/AA) and the W3C Nu HTML checker.

Both tools come from npm (package.json, installed into ./node_modules by scripts/test.sh).
axe-core is injected into pages of a browser context that bypasses the Content Security
Policy, for the check only; the pages themselves are served with the policy unchanged.
The Nu checker runs once on a batch of saved pages with the machine's Java.
"""

import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WIDTHS = (1280, 768, 390)
PHONE = 390
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best-practice rules that screen-reader users meet on our pages (and Lighthouse counts):
# landmarks told apart by their names, no empty table header, one main landmark and one h1.
BEST_PRACTICE_RULES = (
    "landmark-unique",
    "landmark-no-duplicate-main",
    "landmark-one-main",
    "empty-table-header",
    "heading-order",
    "duplicate-id-aria",
)


def axe_violations(page) -> list[str]:
    """The WCAG 2.1 A/AA violations axe-core finds on the page as shown, and those of the
    best-practice rules above, one line per node."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """([tags, extra]) => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            rules: Object.fromEntries(extra.map(id => [id, {enabled: true}])),
        })""",
        [WCAG_TAGS, list(BEST_PRACTICE_RULES)],
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} — {node['failureSummary']}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]


def overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


TABLES_CUT_OFF = """() => {
    const cut = [];
    const width = document.documentElement.clientWidth;
    document.querySelectorAll("table").forEach(table => {
        const box = table.getBoundingClientRect();
        if (box.width === 0) return;  // not shown
        const name = (table.caption && table.caption.innerText.trim())
            || table.id || table.className || "a table";
        let frame = table.parentElement;
        while (frame && frame !== document.body) {
            const style = getComputedStyle(frame);
            if (/(auto|scroll|hidden)/.test(style.overflowX)
                    && frame.scrollWidth > frame.clientWidth + 1) {
                cut.push(`${name}: ${frame.scrollWidth - frame.clientWidth} px hidden sideways`);
                return;
            }
            frame = frame.parentElement;
        }
        if (box.right > width + 1) {
            cut.push(`${name}: ${Math.round(box.right - width)} px past the screen's edge`);
        }
    });
    return cut;
}"""


def tables_cut_off(page) -> list[str]:
    """Tables not seen whole at the page's width: wider than the box they scroll in (a column
    or its buttons out of sight until scrolled sideways), or running past the screen."""
    return page.evaluate(TABLES_CUT_OFF)


def check_at_every_width(page, name: str) -> list[str]:
    """axe at 1280, 768 and 390 px, every table seen whole (no column hidden until scrolled
    sideways), and no sideways scrolling at 390 px: the problems found."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        # The page's scripts answer the new size (tables.js stacks a table that no longer fits).
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => done()))")
        problems += [f"{name} at {width} px: {line}" for line in axe_violations(page)]
        problems += [f"{name} at {width} px: {line}" for line in tables_cut_off(page)]
        if width == PHONE and (extra := overflow(page)) > 0:
            problems.append(f"{name} at {width} px: the page is {extra} px wider than the screen")
    return problems


def java() -> str:
    found = shutil.which("java")
    if found is None:
        raise RuntimeError("java is missing: scripts/test.sh installs default-jre-headless")
    return found


def nu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """Errors of the W3C Nu HTML checker on `pages` (name -> HTML), checked in one run."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for index, (name, html) in enumerate(pages.items()):
        path = folder / f"{index:02d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.resolve().as_uri()] = name
    run = subprocess.run(
        [java(), "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    problems = []
    for message in report["messages"]:
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        url = message.get("url", "")
        name = next((n for uri, n in files.items() if url.endswith(Path(uri).name)), url)
        where = f"line {message.get('lastLine', '?')}"
        problems.append(
            f"{name} ({where}): {message.get('message')} {message.get('extract', '')!r}"
        )
    return problems
