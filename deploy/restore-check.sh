#!/usr/bin/env bash
# Proves a backup restores: `deploy/restore-check.sh [FILE.dump]` (`make restore-check [DUMP=...]`).
# Without a file it first backs up DATABASE_URL (deploy/backup.sh). It restores the dump into a scratch
# database beside DATABASE_URL's, runs `manage.py migrate --check` and `manage.py check` on it, shows
# how many appointments and questionnaires came back, and drops the scratch database. Your data is
# only read. Exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must name a PostgreSQL database}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "restore-check: DATABASE_URL is not PostgreSQL" >&2; exit 2 ;; esac
python="${PYTHON:-.venv/bin/python}"
work="$(mktemp -d)"
server="${DATABASE_URL%/*}"
scratch="studio_restore_check_$$"
cleanup() {
    psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

dump="${1:-}"
if [ -z "$dump" ]; then
    KEEP=1 deploy/backup.sh "$work" >/dev/null
    dump="$(ls "$work"/studio-*.dump)"
    echo "restore-check: backed up ${DATABASE_URL##*@} to $dump"
fi
psql "$server/postgres" -qc "CREATE DATABASE \"$scratch\"" >/dev/null
deploy/restore.sh "$dump" "$server/$scratch"
export DATABASE_URL="$server/$scratch"
"$python" manage.py migrate --check --noinput >/dev/null || { echo "restore-check: unapplied migrations (run migrate after restoring)" >&2; exit 1; }
"$python" manage.py check
"$python" manage.py shell --no-imports -c "
from bookings.models import Appointment
from intake.models import Questionnaire
from reflexology.models import Technique
print(f'restore-check: {Appointment.objects.count()} appointments, {Questionnaire.objects.count()} questionnaires, {Technique.objects.count()} techniques restored')
"
echo "restore-check: OK ($scratch dropped)"
