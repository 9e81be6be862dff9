# Shared by the bench scripts (run.sh, scale.sh, invalid-key-flood.sh): tool installs, publishing, process start/stop, /proc readings, medians.
# Sourced, not run. Every process started here is recorded in STARTED_PIDS and stopped by stop_all.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
OUT_DIR="$BENCH_DIR/.out"
STARTED_PIDS=()
CLK_TCK=$(getconf CLK_TCK)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Installs the Debian packages named (command:package pairs) whose command is missing; apt-get update first.
ensure_tools() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}: run as root or install them"
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# publish NAME PROJECT: Release build into bench/.out/NAME (PROJECT relative to the repository, or absolute).
publish() {
  local project=$2
  [[ $project == /* ]] || project="$REPO_DIR/$project"   # relative to the repository, or absolute (BASELINE_REF's worktree)
  log "publishing $1 ($2)"
  rm -rf "${OUT_DIR:?}/$1"
  dotnet publish "$project" -c Release -o "$OUT_DIR/$1" -nologo -v:q -p:UseAppHost=false >"$WORK/publish-$1.log" 2>&1 \
    || { tail -30 "$WORK/publish-$1.log" >&2; die "publish $1 failed"; }
}

# start_dotnet NAME DLL [VAR=value ...]: runs the published DLL with its publish folder as working directory.
# Sets PID_<NAME> to the process id.
start_dotnet() {
  local name=$1 dll=$2; shift 2
  (cd "$OUT_DIR/$name" && exec env "$@" dotnet "$dll") >"$WORK/$name.log" 2>&1 &
  local pid=$!
  STARTED_PIDS+=("$pid")
  printf -v "PID_${name//-/_}" '%s' "$pid"
}

# single_gateway_setup NAME: the start of a script that measures one gateway in front of the bench upstream
# (invalid-key-flood.sh, scale.sh): their ports, the path under test, the load average at start, and a work directory
# /tmp/agw-NAME.* (readable by nginx's and wrk's users) removed, after every started process is stopped, on exit.
single_gateway_setup() {
  PATH_UNDER_TEST=/bench/items/42
  PORT_UPSTREAM=18111 PORT_GATEWAY=18113 INTERNAL_GATEWAY=19113
  LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
  WORK=$(mktemp -d "/tmp/agw-$1.XXXXXX")
  chmod 755 "$WORK"
  trap 'stop_all; rm -rf "$WORK"' EXIT
  trap 'exit 130' INT TERM
}

# publish_single_gateway: the upstream, the seeder and the gateway, unless SKIP_PUBLISH=1 and a build is there.
publish_single_gateway() {
  if [ "${SKIP_PUBLISH:-0}" != 1 ] || [ ! -d "$OUT_DIR/gateway" ]; then
    publish upstream bench/Upstream/Upstream.csproj
    publish seeder bench/Seeder/Seeder.csproj
    publish gateway gateway/ApiGateway.Gateway.csproj
  fi
}

# write_bench_routes FILE: the routes file every bench gateway serves: one route, /bench/**, needing the resource
# scope "bench", to the upstream on $PORT_UPSTREAM.
write_bench_routes() {
  cat >"$1" <<JSON
{
  "ReverseProxy": {
    "Routes": {
      "bench": { "ClusterId": "upstream", "Match": { "Path": "/bench/{**rest}" }, "Metadata": { "Resource": "bench" } }
    },
    "Clusters": {
      "upstream": { "Destinations": { "d1": { "Address": "http://127.0.0.1:$PORT_UPSTREAM/" } } }
    }
  }
}
JSON
}

# The "bench" tier the seeded keys use: a bucket of 1M requests per second and a daily quota of 10^12, so the limiter
# runs GCRA and the quota for every request and never refuses one.
BENCH_TIER_SETTINGS=(
  "RateLimits__Tiers__bench__Limit=1000000"
  "RateLimits__Tiers__bench__PeriodSeconds=1"
  "RateLimits__Tiers__bench__Daily=1000000000000"
)

# http_status PORT PATH [KEY]: the status code of one GET on 127.0.0.1 (000 when nothing answers), no curl needed.
http_status() {
  local port=$1 path=$2 key=${3:-} fd line auth=""
  [ -n "$key" ] && auth="Authorization: Bearer $key"$'\r\n'
  { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || { echo 000; return 0; }
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n' "$path" "$auth" >&"$fd"
  read -r -t 5 line <&"$fd" || line=""
  exec {fd}>&-
  line=${line#* }; echo "${line%% *}" | tr -dc '0-9'; echo
}

# metric PORT NAME: the value of an unlabelled Prometheus sample from http://127.0.0.1:PORT/metrics (HTTP/1.0: no chunking).
metric() {
  local port=$1 name=$2 fd
  { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || { echo 0; return 0; }
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&"$fd"
  timeout 10 cat <&"$fd" | awk -v n="$name" '$1 == n { printf "%.0f\n", $2; found = 1 } END { if (!found) print 0 }'
  exec {fd}>&-
}

# http_headers PORT PATH KEY: the status line and headers of one GET with a key (HTTP/1.0, connection closed after).
http_headers() {
  local port=$1 path=$2 key=$3 fd
  { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 0
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n' "$path" "$key" >&"$fd"
  timeout 10 cat <&"$fd" | tr -d '\r' | sed '/^$/q'
  exec {fd}>&-
}

# wait_status PID PORT PATH EXPECTED [KEY]: polls until PATH answers EXPECTED (30 s deadline, process must stay alive).
wait_status() {
  local pid=$1 port=$2 path=$3 expected=$4 key=${5:-} deadline=$((SECONDS + 30)) status
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    status=$(http_status "$port" "$path" "$key")
    [ "$status" = "$expected" ] && return 0
    sleep 0.05
  done
  return 1
}

# The pid and its direct children (nginx master + workers).
pid_tree() { echo "$1"; cat "/proc/$1/task/"*/children 2>/dev/null | tr ' ' '\n' | grep -v '^$' || true; }

# cpu_ticks PID...: utime+stime (clock ticks) summed over the pids' process trees.
cpu_ticks() {
  local total=0 pid ticks
  for pid in $(for p in "$@"; do pid_tree "$p"; done); do
    ticks=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
    total=$((total + ${ticks:-0}))
  done
  echo "$total"
}

# rss_kb PID...: VmRSS summed over the pids' process trees.
rss_kb() {
  local total=0 pid kb
  for pid in $(for p in "$@"; do pid_tree "$p"; done); do
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || continue
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# median: one number per line on stdin -> the median (mean of the middle two for an even count).
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan" } else if (NR % 2) { print v[(NR + 1) / 2] } else { print (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'; }

machine_info() {
  local mem_kb
  mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $((mem_kb / 1024)) MB RAM, $(uname -sr)"
  local tools=".NET SDK $(dotnet --version)"
  # wrk -v exits 1: read its output without letting pipefail end the script.
  if command -v wrk >/dev/null; then tools+=", $({ wrk -v 2>&1 || true; } | head -1 | awk '{print $1, $2}')"; fi
  if command -v nginx >/dev/null; then tools+=", $({ nginx -v 2>&1 || true; } | sed 's/^nginx version: //')"; fi
  echo "- software: $tools"
  echo "- commit: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$REPO_DIR" diff --quiet HEAD -- 2>/dev/null || echo ' (dirty)'), load average at start: $LOAD_AT_START"
}

stop_all() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}
