#!/usr/bin/env bash
# Allocation profile: where the gateway allocates per request beyond bare YARP. Traces both under the same wrk load
# with dotnet-trace (GC AllocationTick events, installed into bench/.out/tools from NuGet) and prints the types the
# gateway allocates in excess, per request (bench/AllocProfile). Writes bench/results/<date>-alloc.md.
# With CPU=1 (the default) it also samples both processes' stacks (dotnet-trace's dotnet-sampled-thread-time) under the
# same load and appends the top methods by exclusive and inclusive time.
# With PERF=1 (the default, when perf is installed) it also records on-CPU samples with perf (managed frames named
# through DOTNET_PerfMapEnabled) and appends self and inclusive time by symbol.
# Knobs: DURATION (seconds, 5), CONNECTIONS (32), SKIP_PUBLISH=1, CPU (1), PERF (1).
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
# perf needs the JIT's symbol maps (/tmp/perf-PID.map) to name managed frames.
PERF_ENV=()
[ "${PERF:-1}" = 1 ] && command -v perf >/dev/null && PERF_ENV=("DOTNET_PerfMapEnabled=1" "DOTNET_EnableWriteXorExecute=0")
start_dotnet bare-yarp Bench.BareYarp.dll "Urls=http://127.0.0.1:$PORT_YARP" "Gateway__RoutesFile=$WORK/routes.json" "${PERF_ENV[@]}"
start_dotnet gateway ApiGateway.Gateway.dll "Urls=http://127.0.0.1:$PORT_GATEWAY" "Gateway__InternalUrl=http://127.0.0.1:$INTERNAL_GATEWAY" "${PERF_ENV[@]}" \
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

# cpu_trace NAME PID PORT: a sampled-thread-time trace (~100 Hz stacks of every managed thread) under the same load;
# prints the top methods by exclusive and inclusive samples (dotnet-trace report), waiting frames left out.
cpu_trace() {
  local name=$1 pid=$2 port=$3
  "$TOOLS/dotnet-trace" collect -p "$pid" --profile dotnet-sampled-thread-time \
    --duration "00:00:00:$(printf '%02d' $((DURATION + 2)))" -o "$WORK/$name-cpu.nettrace" >"$WORK/cpu-$name.log" 2>&1 &
  local tracer=$!
  sleep 1
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$BENCH_DIR/wrk-keys.lua" "http://127.0.0.1:$port$PATH_UNDER_TEST" -- "$WORK/keys.txt" "$PATH_UNDER_TEST" >/dev/null
  wait "$tracer" || { cat "$WORK/cpu-$name.log" >&2; die "dotnet-trace (cpu) failed for $name"; }
}
if [ "${CPU:-1}" = 1 ]; then
  log "CPU sampling bare YARP and the gateway"
  cpu_trace bare-yarp "$PID_bare_yarp" "$PORT_YARP"
  cpu_trace gateway "$PID_gateway" "$PORT_GATEWAY"
fi

# perf_trace NAME PID PORT: on-CPU samples (perf, 1999 Hz, call graphs) of the process under the same load: what the
# process spends its CPU on, native code (kernel, runtime, OpenSSL) included, which thread-time sampling cannot show.
perf_trace() {
  local name=$1 pid=$2 port=$3
  perf record -F 1999 -g -p "$pid" -o "$WORK/$name.perf.data" -- sleep "$((DURATION + 1))" >"$WORK/perf-$name.log" 2>&1 &
  local recorder=$!
  sleep 0.5
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$BENCH_DIR/wrk-keys.lua" "http://127.0.0.1:$port$PATH_UNDER_TEST" -- "$WORK/keys.txt" "$PATH_UNDER_TEST" >/dev/null
  wait "$recorder" || { cat "$WORK/perf-$name.log" >&2; die "perf record failed for $name"; }
}
if [ ${#PERF_ENV[@]} -gt 0 ]; then
  log "perf: on-CPU samples of bare YARP and the gateway"
  perf_trace bare-yarp "$PID_bare_yarp" "$PORT_YARP"
  perf_trace gateway "$PID_gateway" "$PORT_GATEWAY"
fi

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
  if [ "${CPU:-1}" = 1 ]; then
    for name in bare-yarp gateway; do
      for mode in "" --inclusive; do
        echo
        echo "### CPU samples, $name, top methods by ${mode:+inclusive}${mode:-exclusive} time (dotnet-sampled-thread-time, waits left out)"
        echo
        echo '```'
        "$TOOLS/dotnet-trace" report "$WORK/$name-cpu.nettrace" topN -n 60 $mode 2>&1 \
          | grep -v -E 'Wait|Sleep|Semaphore|UNMANAGED_CODE_TIME|Monitor\.|epoll|Thread\.StartCallback|ThreadPoolWorkQueue\.Dispatch|WorkerThread|PortableThreadPool|Main\(|Run\(|Start\(|Hosting' \
          | head -30 || true
        echo '```'
      done
    done
  fi
  if [ ${#PERF_ENV[@]} -gt 0 ]; then
    for name in bare-yarp gateway; do
      echo
      echo "### On-CPU samples (perf), $name: self time by owner (managed frames by assembly, native by library)"
      echo
      echo '| self % | owner |'
      echo '|---:|---|'
      perf report -i "$WORK/$name.perf.data" --stdio --no-children --sort dso,symbol -g none 2>/dev/null | grep -v -E '^#|^$' \
        | awk '{ pct = $1; sub(/%/, "", pct); owner = $2
                 if ($2 ~ /^\[JIT\]/) { owner = "?"; rest = substr($0, index($0, "[.] ") + 4); if (match(rest, / \[[A-Za-z][A-Za-z0-9_.]*\] /)) { owner = substr(rest, RSTART + 2, RLENGTH - 4) }
                   else if (match(rest, /^stub /)) { owner = "runtime stubs" } }
                 sum[owner] += pct }
               END { for (o in sum) printf "| %.1f | %s |\n", sum[o], o }' | sort -t'|' -k2 -g -r | head -25 || true
      echo
      echo "### On-CPU samples (perf), $name: self time by symbol, top 40"
      echo
      echo '```'
      perf report -i "$WORK/$name.perf.data" --stdio --no-children --sort dso,symbol -g none --percent-limit 0.3 2>/dev/null \
        | grep -v -E '^#|^$' | head -40 || true
      echo '```'
      echo
      echo "### On-CPU samples (perf), $name: time with callees, managed frames of the request path (top 40)"
      echo
      echo '```'
      perf report -i "$WORK/$name.perf.data" --stdio --children --sort symbol -g none --percent-limit 1 2>/dev/null \
        | grep -v -E '^#|^$' | grep -E 'ApiGateway|Yarp|Microsoft\.AspNetCore|Prometheus|Polly|System\.Net\.Http|Kestrel' | head -40 || true
      echo '```'
    done
  fi
} >"$REPORT"
cat "$REPORT"
log "written $REPORT"
