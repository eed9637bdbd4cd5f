"""Lighthouse figures for My assessments, a step, review and a result, signed in.

A measurement, not a test: `.venv/bin/python scripts/lighthouse.py`. It installs the pinned
npm `lighthouse` into scripts/lighthouse/node_modules, starts the production server of
`make serve` (debug off, compressed static files) on a throwaway copy of the demo data,
signs in as the demo clinician and runs Lighthouse with its default mobile emulation in
Debian's Chromium. Prints one JSON object: page -> accessibility, best practices,
performance (0–100) and the bytes transferred.
"""

import http.client
import json
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_server import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, demo_server

HERE = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "performance")


def install() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            check=True,
        )


def _request(url: str, *, cookie: str = "", data: dict | None = None):
    """One request on 127.0.0.1 without following redirects: (status, headers, body).

    Cookies are carried by hand: the production server marks them Secure, and a cookie jar
    would not send those over plain HTTP to the local server.
    """
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Cookie": cookie, "Referer": url}
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    target = f"{parts.path}?{parts.query}" if parts.query else parts.path
    connection.request("POST" if data else "GET", target, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.headers, response.read().decode()


def _cookies(headers) -> dict[str, str]:
    return dict(
        header.split(";", 1)[0].split("=", 1) for header in headers.get_all("Set-Cookie") or []
    )


def session_cookie(url: str, username: str) -> str:
    """Sign in with the form; the Cookie header of the signed-in session."""
    login = url + "accounts/login/"
    _, headers, html = _request(login)
    cookies = _cookies(headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    status, headers, _ = _request(login, cookie=_header(cookies), data=form)
    cookies.update(_cookies(headers))
    if status != 302 or "sessionid" not in cookies:
        sys.exit(f"could not sign in as {username} (status {status})")
    return _header(cookies)


def _header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def pages(url: str, cookie: str) -> dict[str, str]:
    """The pages to measure, found with My assessments' search."""

    def opened(patient_ref: str) -> str:
        _, _, html = _request(f"{url}?q={patient_ref}", cookie=cookie)
        # The line's own link (/assessments/<id>/), not a follow-up's or a PDF's.
        pattern = rf'href="(/assessments/[0-9a-f-]+/)"[^>]*>{re.escape(patient_ref)}<'
        href = re.search(pattern, html).group(1)
        status, headers, _ = _request(urllib.parse.urljoin(url, href), cookie=cookie)
        opened_at = urllib.parse.urljoin(url, href)
        return urllib.parse.urljoin(url, headers["Location"]) if status == 302 else opened_at

    return {
        "My assessments": url,
        "Step (3 of a partial draft)": opened("MRN-DEMO-012"),
        "Review": opened("MRN-DEMO-004"),
        "Result": opened("MRN-DEMO-001"),
    }


class LighthouseFailed(RuntimeError):
    """Lighthouse stopped without a report (its exit status and the end of its log)."""


def run_lighthouse(address: str, cookie: str, folder: Path) -> dict:
    """One Lighthouse run on `address`: its JSON report.

    Lighthouse's log is kept (not silenced with --quiet): when it stops with an error (a page
    that did not load in time on a busy machine, Chromium that did not start) the end of the
    log says why, and LighthouseFailed carries it.
    """
    headers = folder / "headers.json"
    headers.write_text(json.dumps({"Cookie": cookie}))
    report = folder / "report.json"
    report.unlink(missing_ok=True)
    flags = " ".join([*CHROMIUM_ARGS, "--headless=new"])
    run = subprocess.run(
        [
            str(LIGHTHOUSE),
            address,
            f"--chrome-path={CHROMIUM}",
            f"--chrome-flags={flags}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--extra-headers={headers}",
            "--output=json",
            f"--output-path={report}",
            # A machine shared with other work: the default 45 s for a page to load is short.
            "--max-wait-for-load=90000",
        ],
        capture_output=True,
        text=True,
    )
    result = json.loads(report.read_text()) if report.exists() else None
    error = (result or {}).get("runtimeError")
    if run.returncode != 0 or result is None or error:
        log = "\n".join(run.stderr.strip().splitlines()[-15:])
        reason = f"{error['code']}: {error['message']}" if error else log
        raise LighthouseFailed(f"exit {run.returncode} on {address}: {reason}")
    return result


def measure(address: str, cookie: str, folder: Path, *, attempts: int = 2) -> dict:
    """The figures of one page; a failed run is said on stderr and tried once more."""
    for attempt in range(1, attempts + 1):
        try:
            result = run_lighthouse(address, cookie, folder)
            break
        except LighthouseFailed as failure:
            print(f"Lighthouse, attempt {attempt} of {attempts}: {failure}", file=sys.stderr)
            if attempt == attempts:
                return {"error": str(failure)}
    figures = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    figures["transferred_kib"] = round(result["audits"]["total-byte-weight"]["numericValue"] / 1024)
    for metric in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time"):
        figures[f"{metric}_ms"] = round(result["audits"][metric]["numericValue"])
    figures["cumulative-layout-shift"] = round(
        result["audits"]["cumulative-layout-shift"]["numericValue"], 3
    )
    failing = [
        audit_id
        for name in CATEGORIES[:2]
        for ref in result["categories"][name]["auditRefs"]
        if ref["weight"]
        and (audit_id := ref["id"])
        and (result["audits"][audit_id]["score"] or 0) < 1
    ]
    if failing:
        figures["failing_audits"] = failing
    return figures


def main() -> None:
    install()
    with demo_server(production=True) as url, tempfile.TemporaryDirectory() as folder:
        cookie = session_cookie(url, "demo")
        figures = {
            name: measure(address, cookie, Path(folder))
            for name, address in pages(url, cookie).items()
        }
    print(json.dumps(figures, indent=2))
    if any("error" in page for page in figures.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
