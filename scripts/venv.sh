#!/usr/bin/env bash
# Create the virtual environment and install the locked requirements: every package, the
# transitive ones included, at the version and with the hashes of requirements-dev.txt
# (generated from requirements-dev.in by `make lock`); pip refuses any file whose hash differs.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}

if ! "$python" -m venv --help >/dev/null 2>&1 || ! "$python" -c "import ensurepip" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing Debian's python3-venv…"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    else
        echo "error: $python cannot create virtual environments; install Debian's python3-venv." >&2
        exit 1
    fi
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
    -r requirements-dev.txt
