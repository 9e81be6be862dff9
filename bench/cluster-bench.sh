#!/usr/bin/env bash
# Throughput with shared (Redis) limits on: one gateway vs three behind nginx, in the same run.
# Start the cluster first (scripts/cluster.sh, another shell), then: bench/cluster-bench.sh [seconds] [connections]
# The key gets the quota-free enterprise tier and a per-key limit far above what wrk can send, so every request runs
# the Redis script and none is refused.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
connections=${2:-64}
ADMIN_KEY=${ADMIN_KEY:-${Admin__BootstrapKey:-cluster-owner-credential-change-me-0123456789}}
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; }

key=$(curl -fsS -X POST http://127.0.0.1:8081/v1/keys -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' \
  -d '{"name":"cluster-bench","workspaceId":"ws_bench","scopes":["contacts:read"],"tier":"enterprise","rateLimit":{"limit":10000000,"periodSeconds":1}}' \
  | sed -E 's/.*"key":"([^"]+)".*/\1/')

run() { # name url
  local out
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $key" "$2/v1/contacts" 2>&1)
  local rps p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  printf '| %s | %s | %s | %s |\n' "$1" "$rps" "$p99" "${non2xx:-0}"
}

echo "## Shared limits (Redis): 1 vs 3 gateways, $(date -u '+%Y-%m-%d %H:%M') UTC"
echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), wrk -t2 -c$connections -d${duration}s, one key"
echo
echo "| target | rps | p99 | non-2xx |"
echo "|---|---:|---:|---:|"
curl -fsS http://127.0.0.1:8181/v1/contacts -H "Authorization: Bearer $key" >/dev/null
run "1 gateway (direct, :8181)" http://127.0.0.1:8181
run "3 gateways behind nginx (:8080)" http://127.0.0.1:8080
run "1 gateway (direct, :8181), again" http://127.0.0.1:8181
run "3 gateways behind nginx (:8080), again" http://127.0.0.1:8080
