#!/usr/bin/env bash
# Allocation profile: where the gateway allocates per request beyond bare YARP. Traces both under the same wrk load
# with dotnet-trace (GC AllocationTick events, installed into bench/.out/tools from NuGet) and prints the types the
# gateway allocates in excess, per request (bench/AllocProfile). Writes bench/results/<date>-alloc.md.
# Knobs: DURATION (seconds, 5), CONNECTIONS (32), SKIP_PUBLISH=1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-32}
PATH_UNDER_TEST=/bench/items/42
PORT_UPSTREAM=18131 PORT_YARP=18132 PORT_GATEWAY=18133 INTERNAL_GATEWAY=19133
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
WORK=$(mktemp -d /tmp/agw-profile.XXXXXX)
trap 'stop_all; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

ensure_tools wrk:wrk
TOOLS="$OUT_DIR/tools"
[ -x "$TOOLS/dotnet-trace" ] || dotnet tool install dotnet-trace --tool-path "$TOOLS" >/dev/null
if [ "${SKIP_PUBLISH:-0}" != 1 ] || [ ! -d "$OUT_DIR/gateway" ]; then
  publish upstream bench/Upstream/Upstream.csproj
  publish bare-yarp bench/BareYarp/BareYarp.csproj
  publish seeder bench/Seeder/Seeder.csproj
  publish gateway gateway/ApiGateway.Gateway.csproj
fi
publish alloc-profile bench/AllocProfile/AllocProfile.csproj

cat >"$WORK/routes.json" <<JSON
{ "ReverseProxy": {
    "Routes": { "bench": { "ClusterId": "upstream", "Match": { "Path": "/bench/{**rest}" }, "Metadata": { "Resource": "bench" } } },
    "Clusters": { "upstream": { "Destinations": { "d1": { "Address": "http://127.0.0.1:$PORT_UPSTREAM/" } } } } } }
JSON
(cd "$OUT_DIR/seeder" && dotnet Bench.Seeder.dll --db "$WORK/keys.db" --count 10000 --plaintexts 1000 --out "$WORK/keys.txt" --scopes bench:read --tier bench) >&2
start_dotnet upstream Bench.Upstream.dll "Urls=http://127.0.0.1:$PORT_UPSTREAM"
start_dotnet bare-yarp Bench.BareYarp.dll "Urls=http://127.0.0.1:$PORT_YARP" "Gateway__RoutesFile=$WORK/routes.json"
start_dotnet gateway ApiGateway.Gateway.dll "Urls=http://127.0.0.1:$PORT_GATEWAY" "Gateway__InternalUrl=http://127.0.0.1:$INTERNAL_GATEWAY" \
  "ConnectionStrings__KeyStore=Data Source=$WORK/keys.db" "Gateway__RoutesFile=$WORK/routes.json" "${BENCH_TIER_SETTINGS[@]}"
key=$(head -1 "$WORK/keys.txt")
wait_status "$PID_bare_yarp" "$PORT_YARP" "$PATH_UNDER_TEST" 200 "$key" || die "bare YARP did not start"
wait_status "$PID_gateway" "$PORT_GATEWAY" "$PATH_UNDER_TEST" 200 "$key" || die "gateway did not start"

# trace NAME PID PORT: warm up, then trace while wrk runs DURATION seconds; prints the requests wrk completed.
trace() {
  local name=$1 pid=$2 port=$3
  wrk -t2 -c"$CONNECTIONS" -d3s -s "$BENCH_DIR/wrk-keys.lua" "http://127.0.0.1:$port$PATH_UNDER_TEST" -- "$WORK/keys.txt" "$PATH_UNDER_TEST" >/dev/null
  "$TOOLS/dotnet-trace" collect -p "$pid" --providers Microsoft-Windows-DotNETRuntime:0x1:5 \
    --duration "00:00:00:$(printf '%02d' $((DURATION + 2)))" -o "$WORK/$name.nettrace" >"$WORK/trace-$name.log" 2>&1 &
  local tracer=$!
  sleep 1
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$BENCH_DIR/wrk-keys.lua" "http://127.0.0.1:$port$PATH_UNDER_TEST" -- "$WORK/keys.txt" "$PATH_UNDER_TEST" \
    | awk '/^BENCH / { split($2, kv, "="); print kv[2] }'
  wait "$tracer" || { cat "$WORK/trace-$name.log" >&2; die "dotnet-trace failed for $name"; }
}
log "tracing bare YARP"
yarp_requests=$(trace bare-yarp "$PID_bare_yarp" "$PORT_YARP")
log "tracing the gateway"
gateway_requests=$(trace gateway "$PID_gateway" "$PORT_GATEWAY")

STAMP=$(date -u +%Y-%m-%d-%H%M)
REPORT="$BENCH_DIR/results/$STAMP-alloc.md"
mkdir -p "$BENCH_DIR/results"
{
  echo "## Allocation profile, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  machine_info
  echo "- wrk -t2 -c$CONNECTIONS for ${DURATION}s on each, traced with dotnet-trace (AllocationTick, ~100 KB sampling): base = bare YARP ($yarp_requests requests), other = gateway ($gateway_requests requests)"
  echo
  dotnet "$OUT_DIR/alloc-profile/Bench.AllocProfile.dll" "$WORK/bare-yarp.nettrace" "$yarp_requests" "$WORK/gateway.nettrace" "$gateway_requests" 30
} >"$REPORT"
cat "$REPORT"
log "written $REPORT"
