#!/usr/bin/env bash
# The static quality gates of `make test`, cheapest first: lint, format, import layers
# (.importlinter), types (mypy: the core strict, the apps at the level pyproject.toml sets).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}

echo "=== ruff check"
"$BIN/ruff" check .
echo "=== ruff format --check"
"$BIN/ruff" format --check .
echo "=== import layers (lint-imports)"
"$BIN/lint-imports" --no-cache
echo "=== mypy"
"$BIN/mypy"
