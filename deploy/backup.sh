#!/usr/bin/env bash
# A backup of the studio's database: `deploy/backup.sh [FOLDER]` (default ./backups) writes
# FOLDER/studio-YYYYmmdd-HHMMSS.dump (pg_dump's custom format: compressed, restorable table by table)
# and keeps the newest $KEEP (default 14). Reads DATABASE_URL. Run daily by deploy/systemd/studio-backup.timer.
# Uploaded images (MEDIA_ROOT) are files: back them up with the machine's file backup.
set -euo pipefail
folder="${1:-backups}"
keep="${KEEP:-14}"
: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
mkdir -p "$folder"
target="$folder/studio-$(date -u +%Y%m%d-%H%M%S).dump"
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$target.partial"
mv "$target.partial" "$target"
echo "backup: $target ($(du -h "$target" | cut -f1))"
# shellcheck disable=SC2012
ls -1t "$folder"/studio-*.dump | tail -n +"$((keep + 1))" | while read -r old; do rm -f -- "$old"; echo "backup: removed $old"; done
