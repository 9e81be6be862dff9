#!/usr/bin/env bash
# Scale: the gateway with 1k, 100k and 1M keys in its SQLite store (seeded directly, one transaction): startup time,
# RSS, cold verify latency (each key's first request: a store lookup) and cached verify latency through the gateway.
# Writes bench/results/<date>-scale.md. Knobs: SCALE_COUNTS ("1000 100000 1000000"), COLD_KEYS (500), WARM (5s),
# CONNECTIONS (32), THREADS (2), SKIP_PUBLISH=1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SCALE_COUNTS=${SCALE_COUNTS:-"1000 100000 1000000"}
COLD_KEYS=${COLD_KEYS:-500}
WARM=${WARM:-5s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
single_gateway_setup scale

ensure_tools wrk:wrk
publish_single_gateway
write_bench_routes "$WORK/routes.json"

start_dotnet upstream Bench.Upstream.dll "Urls=http://127.0.0.1:$PORT_UPSTREAM"
wait_status "$PID_upstream" "$PORT_UPSTREAM" / 200 || die "upstream did not start"

# wrk_line ARGS...: runs wrk and prints its BENCH line as "requests p50_us p99_us non2xx+errors".
wrk_line() {
  wrk "$@" | awk '/^BENCH / { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%d %d %d %d %.0f\n", v["requests"], v["p50_us"], v["p99_us"], v["non2xx"] + v["socket_errors"], v["requests"] / (v["duration_us"] / 1e6) }'
}
ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }

ROWS=()
for count in $SCALE_COUNTS; do
  db="$WORK/keys-$count.db"
  log "seeding $count keys"
  start_ns=$(date +%s%N)
  (cd "$OUT_DIR/seeder" && dotnet Bench.Seeder.dll --db "$db" --count "$count" --plaintexts $((COLD_KEYS + 1)) \
    --out "$WORK/keys-$count.txt" --scopes bench:read --tier bench) >&2
  seed_s=$(awk -v a="$start_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  db_mb=$(du -m "$db" | cut -f1)
  probe_key=$(head -1 "$WORK/keys-$count.txt")
  tail -n +2 "$WORK/keys-$count.txt" >"$WORK/cold-$count.txt"

  start_ns=$(date +%s%N)
  start_dotnet gateway ApiGateway.Gateway.dll "Urls=http://127.0.0.1:$PORT_GATEWAY" \
    "Gateway__InternalUrl=http://127.0.0.1:$INTERNAL_GATEWAY" \
    "ConnectionStrings__KeyStore=Data Source=$db" "Gateway__RoutesFile=$WORK/routes.json" "${BENCH_TIER_SETTINGS[@]}"
  wait_status "$PID_gateway" "$PORT_GATEWAY" "$PATH_UNDER_TEST" 200 "$probe_key" \
    || { tail -30 "$WORK/gateway.log" >&2; die "gateway with $count keys did not serve a key"; }
  startup_s=$(awk -v a="$start_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  rss_start=$(( $(rss_kb "$PID_gateway") / 1024 ))

  log "cold lookups ($COLD_KEYS keys, one connection)"
  read -r cold_n cold_p50 cold_p99 cold_bad _ < <(wrk_line -t1 -c1 -d10s --timeout 5s -s "$BENCH_DIR/wrk-once.lua" \
    "http://127.0.0.1:$PORT_GATEWAY$PATH_UNDER_TEST" -- "$WORK/cold-$count.txt" "$PATH_UNDER_TEST")
  log "cached ($WARM, -t$THREADS -c$CONNECTIONS over the same keys)"
  read -r warm_n warm_p50 warm_p99 warm_bad warm_rps < <(wrk_line -t"$THREADS" -c"$CONNECTIONS" -d"$WARM" --timeout 5s \
    -s "$BENCH_DIR/wrk-keys.lua" "http://127.0.0.1:$PORT_GATEWAY$PATH_UNDER_TEST" -- "$WORK/cold-$count.txt" "$PATH_UNDER_TEST")
  rss_end=$(( $(rss_kb "$PID_gateway") / 1024 ))
  [ "$cold_bad" = 0 ] && [ "$warm_bad" = 0 ] || log "WARNING: $cold_bad cold / $warm_bad cached requests failed with $count keys"

  ROWS+=("| $count | $seed_s | $db_mb | $startup_s | $rss_start | $cold_n | $(ms "$cold_p50") | $(ms "$cold_p99") | $warm_rps | $(ms "$warm_p50") | $(ms "$warm_p99") | $rss_end | $((cold_bad + warm_bad)) |")
  log "${ROWS[-1]}"
  kill "$PID_gateway"; wait "$PID_gateway" 2>/dev/null || true
  rm -f "$db" "$db-wal" "$db-shm"
done

STAMP=$(date -u +%Y-%m-%d-%H%M)
REPORT="$BENCH_DIR/results/$STAMP-scale.md"
mkdir -p "$BENCH_DIR/results"
{
  echo "## Scale, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  machine_info
  echo "- per store size: seed (one transaction), start the gateway, time to its first 200 for a key; then $COLD_KEYS other keys once"
  echo "  each on one connection (cold: cache miss, store lookup), then the same keys for $WARM with wrk -t$THREADS -c$CONNECTIONS (cached)"
  echo
  echo "| keys in store | seed s | DB MB | startup to first 200 s | RSS after start MB | cold requests | cold p50 ms | cold p99 ms | cached rps | cached p50 ms | cached p99 ms | RSS after load MB | failed |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
} >"$REPORT"
cat "$REPORT"
log "written $REPORT"
