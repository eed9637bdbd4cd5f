#!/usr/bin/env bash
# Production server: debug off, static files collected when they changed (WhiteNoise serves
# them), database migrated, then gunicorn. README "Serving in production" lists the variables
# it reads.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
GUNICORN=${GUNICORN:-.venv/bin/gunicorn}

export DJANGO_DEBUG=0
# Keep database connections open between requests (PostgreSQL sign-in costs milliseconds).
export DJANGO_CONN_MAX_AGE=${DJANGO_CONN_MAX_AGE:-60}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
cores=$(nproc 2>/dev/null || echo 1)
WORKERS=${VERTEBRO_WORKERS:-$((2 * cores + 1))}
case "$WORKERS" in
    '' | *[!0-9]* | 0) echo "error: VERTEBRO_WORKERS must be a positive whole number, not '$WORKERS'." >&2; exit 2 ;;
esac

# Deployment checks: errors stop here; warnings (e.g. SSL redirect turned off) are printed.
"$PY" manage.py check --deploy --fail-level ERROR
# Static files are collected (and compressed, ~25 s of CPU) once: again only when a file
# under static/ or the installed packages (.venv/.installed) are newer than the manifest.
manifest=staticfiles/staticfiles.json
if [ ! -f "$manifest" ] || [ -n "$(find static "${VENV_STAMP:-.venv/.installed}" -newer "$manifest" -print -quit 2>/dev/null)" ]; then
    echo "Collecting static files…" >&2
    "$PY" manage.py collectstatic --noinput --verbosity 0
fi
"$PY" manage.py migrate --noinput
"$PY" manage.py createcachetable

echo "Serving Vertebro on http://$HOST:$PORT with $WORKERS gunicorn workers." >&2
# The access log names the path without the query string: searches may hold a patient reference;
# the error log quotes malformed request lines with their query string removed.
# No control socket: it would be ~/.gunicorn/gunicorn.ctl, shared by every instance of the user.
# gunicorn trusts no X-Forwarded-* header: Django alone decides (DJANGO_BEHIND_TLS_PROXY).
exec "$GUNICORN" vertebro_site.wsgi:application \
    --bind "$HOST:$PORT" \
    --workers "$WORKERS" \
    --access-logfile "${VERTEBRO_ACCESS_LOG:--}" \
    --access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms' \
    --error-logfile - \
    --logger-class vertebro_site.log_redaction.GunicornLogger \
    --no-control-socket \
    --forwarded-allow-ips "" \
    --graceful-timeout 10
