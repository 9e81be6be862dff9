#!/usr/bin/env bash
# Ships each closed hour of usage to a CloudEvents receiver, for billing (docs/billing.md): for every hour not shipped
# yet, GET /v1/usage/export?format=cloudevents from the admin API and POST the batch to RECEIVER_URL (OpenMeter:
# https://openmeter.cloud/api/v1/events, or your own). The last shipped hour is remembered in STATE_FILE, so a re-run
# ships nothing twice; an hour is only marked shipped once the receiver accepted it (a failed POST is retried next run).
# Event ids are stable ({keyId}:{hour in Unix seconds}), so even a re-export is counted once by a deduplicating meter.
#
# Env: ADMIN_TOKEN      admin credential (owner or admin), required
#      RECEIVER_URL     where batches are POSTed (Content-Type: application/cloudevents-batch+json), required
#      ADMIN_URL        admin API base URL (default http://127.0.0.1:8081)
#      RECEIVER_TOKEN   sent as "Authorization: Bearer ..." to the receiver when set (an OpenMeter API token)
#      STATE_FILE       the last shipped hour (default ./data/ship-usage.state)
#      START_HOURS_AGO  hours shipped on the very first run, before the state file exists (default 24)
#      DELAY_SECONDS    an hour ships this long after it ends, once every gateway has flushed it (default 300;
#                       keep it above Usage__FlushSeconds and any clock skew between this host and the admin API)
# Cron, 10 minutes past every hour:  10 * * * *  ADMIN_TOKEN=... RECEIVER_URL=... /opt/api-gateway/scripts/ship-usage.sh
# Needs bash, curl, GNU date and flock (util-linux). Credentials are passed to curl on stdin, never on its command line.
set -euo pipefail

: "${ADMIN_TOKEN:?ADMIN_TOKEN (an admin credential) is required}"
: "${RECEIVER_URL:?RECEIVER_URL (where to POST CloudEvents batches) is required}"
ADMIN_URL=${ADMIN_URL:-http://127.0.0.1:8081}
STATE_FILE=${STATE_FILE:-./data/ship-usage.state}
START_HOURS_AGO=${START_HOURS_AGO:-24}
DELAY_SECONDS=${DELAY_SECONDS:-300}

mkdir -p "$(dirname "$STATE_FILE")"
# One run at a time: a slow run and the next cron tick must not ship the same hour twice.
exec 9>"$STATE_FILE.lock"
flock -n 9 || { echo "ship-usage: another run holds $STATE_FILE.lock; exiting." >&2; exit 0; }

now=$(date -u +%s)
closed=$(( (now - DELAY_SECONDS) / 3600 * 3600 )) # hours that end at or before this instant are shipped
if [ -s "$STATE_FILE" ]; then
  next=$(cat "$STATE_FILE")
  [[ "$next" =~ ^[0-9]+$ ]] || { echo "ship-usage: $STATE_FILE does not hold Unix seconds: '$next'" >&2; exit 1; }
else
  next=$(( closed - START_HOURS_AGO * 3600 ))
fi

batch=$(mktemp)
trap 'rm -f "$batch"' EXIT
shipped=0
while [ "$next" -lt "$closed" ]; do
  from=$(date -u -d "@$next" +%Y-%m-%dT%H:%M:%SZ)
  to=$(date -u -d "@$(( next + 3600 ))" +%Y-%m-%dT%H:%M:%SZ)
  printf 'header = "Authorization: Bearer %s"\n' "$ADMIN_TOKEN" |
    curl --config - -fsS -o "$batch" "$ADMIN_URL/v1/usage/export?from=$from&to=$to&format=cloudevents"
  if [ "$(tr -d '[:space:]' < "$batch")" != "[]" ]; then
    { [ -n "${RECEIVER_TOKEN:-}" ] && printf 'header = "Authorization: Bearer %s"\n' "$RECEIVER_TOKEN"; true; } |
      curl --config - -fsS -o /dev/null -X POST -H "Content-Type: application/cloudevents-batch+json" \
        --data-binary "@$batch" "$RECEIVER_URL"
    shipped=$(( shipped + 1 ))
  fi
  next=$(( next + 3600 ))
  # Written aside and renamed: a crash never leaves a half-written state file.
  echo "$next" > "$STATE_FILE.tmp" && mv "$STATE_FILE.tmp" "$STATE_FILE"
done
echo "ship-usage: shipped $shipped hour(s) with usage; shipped through $(date -u -d "@$next" +%Y-%m-%dT%H:%M:%SZ)."
