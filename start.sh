#!/usr/bin/env bash
# Starts the whole local stack from the repository root and keeps it in the foreground:
#   demo upstream  http://127.0.0.1:5080   (samples/DemoUpstream: echoes what the gateway forwards)
#   admin API      http://127.0.0.1:8081   (key management; loopback only)
#   gateway        http://0.0.0.0:8080     (the public edge)   internal: http://127.0.0.1:9091 (/healthz /readyz /metrics)
# All three share data/keys.db and config/routes.json (relative to this folder); logs go to data/logs/.
# Ctrl-C (or SIGTERM) stops all three.
#
# Options:   --no-build   run what the last build produced
# Env:       ADMIN_KEY / Admin__BootstrapKey   an admin credential of your choice: on a new database it becomes the
#                                              first owner credential; later it is used in the printed examples.
#            Any contract setting (Keys__Pepper, Gateway__TrustedProxies, ...) is passed through to the processes.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
# data/ (keys.db, logs) and everything the three processes create is the operator's alone.
umask 077
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

UPSTREAM_URL=http://127.0.0.1:5080
ADMIN_URL=http://127.0.0.1:8081
GATEWAY_PUBLIC=http://0.0.0.0:8080
GATEWAY_URL=http://127.0.0.1:8080
GATEWAY_INTERNAL=${Gateway__InternalUrl:-http://127.0.0.1:9091}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-90}

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "Unknown option: $arg (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[33m!!  %s\033[0m\n' "$*" >&2; }

command -v dotnet >/dev/null || { echo "dotnet (SDK 10) is required: https://dot.net" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is required." >&2; exit 1; }

mkdir -p data/logs
# One stack per checkout: a second ./start.sh would build, then fail to bind.
if command -v flock >/dev/null; then
  exec 9>data/.start.lock
  flock -n 9 || { echo "Another ./start.sh is running from this folder (data/.start.lock)." >&2; exit 1; }
fi

# A port someone else holds would make a process fail after the build; say so up front.
for port in 5080 8081 8080 "${GATEWAY_INTERNAL##*:}"; do
  port=${port%%/*}
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use (another ./start.sh?). Stop that first." >&2
    exit 1
  fi
done

projects=(samples/DemoUpstream/DemoUpstream.csproj admin-api/ApiGateway.AdminApi.csproj gateway/ApiGateway.Gateway.csproj)
if [ "$build" = 1 ]; then
  say "Building (Release)"
  for project in "${projects[@]}"; do
    dotnet build "$project" -c Release -nologo -v:q -clp:ErrorsOnly
  done
fi
bin() { echo "$root/$(dirname "$1")/bin/Release/net10.0"; }
upstream_dir=$(bin samples/DemoUpstream/DemoUpstream.csproj)
admin_dir=$(bin admin-api/ApiGateway.AdminApi.csproj)
gateway_dir=$(bin gateway/ApiGateway.Gateway.csproj)
for dll in "$upstream_dir/DemoUpstream.dll" "$admin_dir/ApiGateway.AdminApi.dll" "$gateway_dir/ApiGateway.Gateway.dll"; do
  [ -f "$dll" ] || { echo "Missing $dll: run without --no-build." >&2; exit 1; }
done

logs=data/logs
for name in upstream admin-api gateway; do
  [ -f "$logs/$name.log" ] && mv -f "$logs/$name.log" "$logs/$name.log.1"
done

# ADMIN_KEY doubles as the bootstrap credential for a new database (Admin__BootstrapKey wins when both are set).
# Both leave the environment here: only the admin API gets the bootstrap key (see start), the gateway and the
# upstream never see it, and no command line ever carries it (ps shows every process's arguments to every user).
bootstrap_key=${Admin__BootstrapKey:-${ADMIN_KEY:-}}
chosen_admin_key=${ADMIN_KEY:-${Admin__BootstrapKey:-}}
unset Admin__BootstrapKey ADMIN_KEY

# The admin API prints a generated credential once, on its first start. It is captured here (to a private temp
# file, read once and deleted) and the log keeps only its visible prefix: secrets never sit in data/logs/.
secret_file=$(umask 077 && mktemp)
redact_admin_output() {
  local line credential
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ([a-z0-9]+_admin_[0-9A-Za-z]{49}) ]]; then
      credential=${BASH_REMATCH[1]}
      printf '%s\n' "$credential" >"$secret_file"
      line=${line//"$credential"/"${credential:0:16}... (redacted: start.sh printed it)"}
    fi
    printf '%s\n' "$line"
  done
}

pids=()
names=()
stopping=0
stop_all() {
  [ "$stopping" = 1 ] && return
  stopping=1
  trap - INT TERM
  if [ "${#pids[@]}" -gt 0 ]; then
    say "Stopping (gateway, admin API, upstream)"
    # Gateway first, so in-flight requests drain and usage is flushed while the upstream still answers.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
      kill -TERM "${pids[i]}" 2>/dev/null || true
      for _ in $(seq 1 150); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "${pids[i]}" 2>/dev/null; then
        warn "${names[i]} did not stop within 15 s; killing it"
        kill -KILL "${pids[i]}" 2>/dev/null || true
      fi
    done
    wait 2>/dev/null || true
  fi
  rm -f "$secret_file"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

# start NAME DIR DLL URLS: runs from the repository root, so data/ and config/ paths resolve here, with the
# content root at the binary (its appsettings.json). Children do not inherit the lock (fd 9).
start() {
  local name=$1 dir=$2 dll=$3 urls=$4
  if [ "$name" = admin-api ]; then
    # A variable on this one command: in the admin API's environment only, not in its arguments.
    Admin__BootstrapKey=$bootstrap_key dotnet "$dir/$dll" --contentRoot "$dir" --urls "$urls" 9>&- \
      > >(exec 9>&-; redact_admin_output >>"$logs/$name.log") 2>&1 &
  else
    dotnet "$dir/$dll" --contentRoot "$dir" --urls "$urls" 9>&- >>"$logs/$name.log" 2>&1 &
  fi
  pids+=($!)
  names+=("$name")
}

# wait_for NAME URL: polls until URL answers 2xx, the process dies, or the deadline passes.
wait_for() {
  local name=$1 url=$2 pid=${pids[${#pids[@]}-1]} deadline=$((SECONDS + STARTUP_TIMEOUT))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      warn "$name exited during start-up. Last lines of $logs/$name.log:"
      tail -n 30 "$logs/$name.log" >&2
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      warn "$name did not answer $url within ${STARTUP_TIMEOUT}s. Last lines of $logs/$name.log:"
      tail -n 30 "$logs/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "    $name is up ($url)"
}

say "Starting demo upstream, admin API and gateway (logs: $logs/)"
start upstream "$upstream_dir" DemoUpstream.dll "$UPSTREAM_URL"
wait_for upstream "$UPSTREAM_URL/healthz"
# The admin API creates the database and the first admin credential; the gateway starts after it so the
# credential line is the admin API's (either may start first as far as the store is concerned).
start admin-api "$admin_dir" ApiGateway.AdminApi.dll "$ADMIN_URL"
wait_for admin-api "$ADMIN_URL/healthz"
start gateway "$gateway_dir" ApiGateway.Gateway.dll "$GATEWAY_PUBLIC"
wait_for gateway "$GATEWAY_INTERNAL/healthz"
wait_for gateway "$GATEWAY_INTERNAL/readyz"

admin_key=""
for _ in $(seq 1 20); do
  [ -s "$secret_file" ] && break
  sleep 0.1
done
if [ -s "$secret_file" ]; then
  admin_key=$(cat "$secret_file")
  rm -f "$secret_file"
  bootstrap_note="generated on this first start and shown only now: keep it in your password manager"
elif [ -n "$chosen_admin_key" ]; then
  admin_key=$chosen_admin_key
  bootstrap_note="from ADMIN_KEY or Admin__BootstrapKey"
fi

if [ -n "$admin_key" ]; then
  # The header comes from stdin (printf is a shell builtin), never from curl's command line.
  status=$(printf 'Authorization: Bearer %s\n' "$admin_key" | curl -s -o /dev/null -w '%{http_code}' -H @- "$ADMIN_URL/v1/keys" || true)
  if [ "$status" = 401 ] || [ "$status" = 403 ]; then
    warn "The admin API refused that credential ($status): it may have been revoked, or the database already had"
    warn "another bootstrap credential (Admin__BootstrapKey only applies to a new database). See docs/deploy.md."
  fi
fi

echo
say "Stack is up"
cat <<EOF
    gateway     $GATEWAY_URL  (listening on $GATEWAY_PUBLIC)   internal: $GATEWAY_INTERNAL/metrics
    admin API   $ADMIN_URL    console: $ADMIN_URL/console
    upstream    $UPSTREAM_URL
    database    data/keys.db     routes: config/routes.json     logs: $logs/
EOF
echo
if [ -n "$admin_key" ]; then
  say "Admin credential ($bootstrap_note)"
  echo "    $admin_key"
  shown_key=$admin_key
else
  say "Admin credential"
  cat <<EOF
    The database already has an admin credential: it was printed once, when the admin API first started
    (this script showed it then; the log keeps only its prefix). Export it and the examples below work:
        export ADMIN_KEY=agw_admin_...
    Lost it? Rotate it as docs/deploy.md describes.
EOF
  shown_key='$ADMIN_KEY'
fi
echo
say "Try it"
cat <<EOF
    # 1. Mint a key (the plaintext "key" is in this response only):
    curl -s -X POST $ADMIN_URL/v1/keys \\
      -H "Authorization: Bearer $shown_key" -H "Content-Type: application/json" \\
      -d '{"name":"my first key","workspaceId":"ws_demo","scopes":["contacts:read"]}'

    # 2. Call the gateway with it (replace agw_live_... with the "key" value from step 1):
    curl -s $GATEWAY_URL/v1/contacts -H "Authorization: Bearer agw_live_..."

    # Or both at once:
    KEY=\$(curl -s -X POST $ADMIN_URL/v1/keys -H "Authorization: Bearer $shown_key" -H "Content-Type: application/json" \\
      -d '{"name":"demo","workspaceId":"ws_demo","scopes":["contacts:read"]}' | sed -E 's/.*"key":"([^"]+)".*/\1/')
    curl -s $GATEWAY_URL/v1/contacts -H "Authorization: Bearer \$KEY"

    # List keys, then the audit log:
    curl -s $ADMIN_URL/v1/keys -H "Authorization: Bearer $shown_key"
    curl -s $ADMIN_URL/v1/audit -H "Authorization: Bearer $shown_key"
EOF
echo
say "Running. Press Ctrl-C to stop all three."

# Stay in the foreground; if any process dies, stop the others and say which.
while true; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[i]}" 2>/dev/null; then
      warn "${names[i]} exited. Last lines of $logs/${names[i]}.log:"
      tail -n 20 "$logs/${names[i]}.log" >&2
      exit 1
    fi
  done
  sleep 1 &
  wait $! || true
done
