#!/usr/bin/env bash
# Guessed-key flood: one client sends random well-formed keys (valid checksum, unknown to the store) as fast as it can
# while the same client uses its real key; reports, per gateway build, the flood's 401s (on the first pass over the
# key file each is one store query; later passes may hit the negative cache), its 429s, and the real key's latency
# with and without the flood. With BEFORE_REF=<git ref> a gateway built from that ref is measured first, in the same run.
# Usage: bench/invalid-key-flood.sh   (env: BEFORE_REF, DURATION=10s, FLOOD_CONNECTIONS=32, JUNK_KEYS=20000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-10s}
FLOOD_CONNECTIONS=${FLOOD_CONNECTIONS:-32}
JUNK_KEYS=${JUNK_KEYS:-20000}
single_gateway_setup flood
ensure_tools wrk:wrk

publish_single_gateway
BUILDS=(gateway)
if [ -n "${BEFORE_REF:-}" ]; then
  if [ "${SKIP_PUBLISH:-0}" != 1 ] || [ ! -d "$OUT_DIR/gateway-before" ]; then
    mkdir -p "$WORK/before-src"
    git -C "$REPO_DIR" archive "$BEFORE_REF" | tar -x -C "$WORK/before-src"
    log "publishing gateway-before ($BEFORE_REF)"
    rm -rf "${OUT_DIR:?}/gateway-before"
    dotnet publish "$WORK/before-src/gateway/ApiGateway.Gateway.csproj" -c Release -o "$OUT_DIR/gateway-before" -nologo -v:q \
      -p:UseAppHost=false >"$WORK/publish-before.log" 2>&1 || { tail -30 "$WORK/publish-before.log" >&2; die "publish before failed"; }
  fi
  BUILDS=(gateway-before gateway)
fi

write_bench_routes "$WORK/routes.json"
(cd "$OUT_DIR/seeder" && dotnet Bench.Seeder.dll --db "$WORK/keys.db" --count 1 --plaintexts 1 --out "$WORK/real.txt" \
  --scopes bench:read --tier bench) >&2
# Keys minted into a database the gateway never sees: well-formed, checksum valid, unknown to its store.
(cd "$OUT_DIR/seeder" && dotnet Bench.Seeder.dll --db "$WORK/junk.db" --count "$JUNK_KEYS" --plaintexts "$JUNK_KEYS" \
  --out "$WORK/junk.txt" --scopes bench:read --tier bench) >&2
REAL_KEY=$(head -1 "$WORK/real.txt")
start_dotnet upstream Bench.Upstream.dll "Urls=http://127.0.0.1:$PORT_UPSTREAM"

# auth_failures REASON: gateway_auth_failures_total{reason="REASON"} (0 when absent).
auth_failures() {
  local fd
  { exec {fd}<>"/dev/tcp/127.0.0.1/$INTERNAL_GATEWAY"; } 2>/dev/null || { echo 0; return 0; }
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&"$fd"
  timeout 10 cat <&"$fd" | awk -v n="gateway_auth_failures_total{reason=\"$1\"}" '$1 == n { printf "%.0f\n", $2; f = 1 } END { if (!f) print 0 }'
  exec {fd}>&-
}

legit() { wrk -t1 -c2 -d"$DURATION" --timeout 5s -s "$BENCH_DIR/wrk-keys.lua" "http://127.0.0.1:$PORT_GATEWAY$PATH_UNDER_TEST" -- "$WORK/real.txt" "$PATH_UNDER_TEST" | grep '^BENCH '; }
field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

printf '| gateway | flood rps | 401 | 429 | real key p50 / p99 ms, quiet | real key p50 / p99 ms, under flood | real key non-2xx |\n|---|---:|---:|---:|---:|---:|---:|\n' >"$WORK/table.md"
for build in "${BUILDS[@]}"; do
  cp "$WORK/keys.db" "$WORK/$build.db"
  start_dotnet "$build" ApiGateway.Gateway.dll "Urls=http://127.0.0.1:$PORT_GATEWAY" "Gateway__InternalUrl=http://127.0.0.1:$INTERNAL_GATEWAY" \
    "ConnectionStrings__KeyStore=Data Source=$WORK/$build.db" "Gateway__RoutesFile=$WORK/routes.json" "${BENCH_TIER_SETTINGS[@]}"
  pid_var="PID_${build//-/_}"
  wait_status "${!pid_var}" "$PORT_GATEWAY" "$PATH_UNDER_TEST" 200 "$REAL_KEY" || { tail -30 "$WORK/$build.log" >&2; die "$build did not answer 200"; }
  quiet=$(legit)
  invalid_before=$(auth_failures invalid) throttled_before=$(auth_failures too_many_invalid_keys)
  wrk -t1 -c"$FLOOD_CONNECTIONS" -d"$(( ${DURATION%s} + 2 ))s" --timeout 5s -s "$BENCH_DIR/wrk-keys.lua" \
    "http://127.0.0.1:$PORT_GATEWAY$PATH_UNDER_TEST" -- "$WORK/junk.txt" "$PATH_UNDER_TEST" >"$WORK/flood-$build.txt" &
  flood_pid=$!
  sleep 1
  loaded=$(legit)
  wait "$flood_pid"
  flood=$(grep '^BENCH ' "$WORK/flood-$build.txt")
  invalid=$(( $(auth_failures invalid) - invalid_before )) throttled=$(( $(auth_failures too_many_invalid_keys) - throttled_before ))
  rps=$(awk -v r="$(field "$flood" requests)" -v d="$(field "$flood" duration_us)" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
  ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }
  printf '| %s | %s | %s | %s | %s / %s | %s / %s | %s |\n' "$build" "$rps" "$invalid" "$throttled" \
    "$(ms "$(field "$quiet" p50_us)")" "$(ms "$(field "$quiet" p99_us)")" "$(ms "$(field "$loaded" p50_us)")" "$(ms "$(field "$loaded" p99_us)")" \
    "$(( $(field "$quiet" non2xx) + $(field "$loaded" non2xx) ))" >>"$WORK/table.md"
  stop_all
  start_dotnet upstream Bench.Upstream.dll "Urls=http://127.0.0.1:$PORT_UPSTREAM"
done
{ machine_info; echo; cat "$WORK/table.md"; }
