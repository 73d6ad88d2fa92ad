#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh: `deploy/restore.sh FILE.dump DATABASE_URL`.
# The target database must exist and be empty (createdb); objects are created as the connecting user.
# Afterwards: `manage.py migrate` (a backup from an older release) and `manage.py check`.
set -euo pipefail
dump="${1:?usage: deploy/restore.sh FILE.dump DATABASE_URL}"
url="${2:?usage: deploy/restore.sh FILE.dump DATABASE_URL}"
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$url" "$dump"
echo "restore: $dump -> ${url##*@}"
