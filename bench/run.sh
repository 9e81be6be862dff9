#!/usr/bin/env bash
# End-to-end benchmark: upstream direct, bare YARP, the gateway with every check, nginx (map key check +
# limit_req), and nginx asking the gateway's forward-auth listener (auth_request, docs/forward-auth.md) in front of
# the same upstream, interleaved in rounds; medians to bench/results/<date>-e2e.md.
# Runs as root on a fresh Debian machine (installs wrk and nginx). See docs/benchmark.md.
#
# Knobs (environment): ROUNDS (5), DURATION (10s), CONNECTIONS (64), THREADS (2), WARMUP (5s),
# KEYS (10000 in the store), HOT_KEYS (1000 used by wrk), TARGETS (space-separated subset), SKIP_PUBLISH=1,
# IDENTITY_TOKEN=1 (adds a row: the gateway with Gateway__IdentityToken__Enabled=true, to compare with the row without),
# BASELINE_REF=<git ref> (adds a row: the gateway built from that commit, in a temporary git worktree removed at exit,
# with its own database seeded by that commit's seeder; so "before vs after" ratios come from one run),
# SHADOW=1 (adds a row: the gateway with Gateway__ShadowRoutesFile set to the live routes with the bench route's scope
# changed, so every request is decided twice and counted as would_refuse: the worst case of docs/gateway.md "Shadow routes"),
# REDIS=1 (adds a row: the gateway with RateLimits__Redis set to a private redis-server started here, so every
# request's limit and quota decision is one Redis round trip; its CPU column is the gateway's and redis-server's).
# WORKSPACE=1 (adds a row: the gateway on its own database where the keys' workspace has limits of its own, the bench
# tier's, so every request also spends the workspace's bucket and daily quota: docs/rate-limits.md "Workspace limits").
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-5s}
KEYS=${KEYS:-10000}
HOT_KEYS=${HOT_KEYS:-1000}
PATH_UNDER_TEST=/bench/items/42
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

PORT_UPSTREAM=18101 PORT_YARP=18102 PORT_GATEWAY=18103 PORT_NGINX=18104 PORT_GATEWAY_NOLIMIT=18105 PORT_GATEWAY_TOKEN=18106
PORT_NGINX_FORWARD_AUTH=18107 PORT_FORWARD_AUTH=18108 PORT_GATEWAY_BASELINE=18109 PORT_GATEWAY_SHADOW=18110
PORT_GATEWAY_WORKSPACE=18113
INTERNAL_YARP=19102 INTERNAL_GATEWAY=19103 INTERNAL_GATEWAY_NOLIMIT=19105 INTERNAL_GATEWAY_TOKEN=19106 INTERNAL_GATEWAY_BASELINE=19109
INTERNAL_GATEWAY_SHADOW=19110 INTERNAL_GATEWAY_WORKSPACE=19113
PORT_GATEWAY_REDIS=18111 INTERNAL_GATEWAY_REDIS=19111 PORT_REDIS=18112
REDIS=${REDIS:-0}
IDENTITY_TOKEN=${IDENTITY_TOKEN:-0}
SHADOW=${SHADOW:-0}
WORKSPACE=${WORKSPACE:-0}
BASELINE_REF=${BASELINE_REF:-}

# The gateway's switch to turn rate limiting off (isolates the limiter's cost). Empty: no such switch, no row.
GATEWAY_NOLIMIT_SETTING=${GATEWAY_NOLIMIT_SETTING-}

WORK=$(mktemp -d /tmp/agw-bench.XXXXXX)
chmod 755 "$WORK"
BASELINE_SRC=""
cleanup() {
  stop_all
  # The baseline's worktree is registered in the repository: remove it there, not only its files.
  if [ -n "$BASELINE_SRC" ]; then git -C "$REPO_DIR" worktree remove --force "$BASELINE_SRC" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_tools wrk:wrk nginx:nginx
command -v dotnet >/dev/null || die "dotnet SDK not found"

if [ "${SKIP_PUBLISH:-0}" != 1 ] || [ ! -d "$OUT_DIR/gateway" ]; then
  publish upstream bench/Upstream/Upstream.csproj
  publish bare-yarp bench/BareYarp/BareYarp.csproj
  publish seeder bench/Seeder/Seeder.csproj
  publish gateway gateway/ApiGateway.Gateway.csproj
fi

# BASELINE_REF: the gateway (and the seeder, for its own schema) built from another commit, checked out in a temporary
# worktree under $WORK; a build already in bench/.out for the same commit is reused with SKIP_PUBLISH=1.
if [ -n "$BASELINE_REF" ]; then
  BASELINE_SHA=$(git -C "$REPO_DIR" rev-parse --short "$BASELINE_REF^{commit}" 2>/dev/null) \
    || die "BASELINE_REF=$BASELINE_REF is not a commit of this repository"
  if [ "${SKIP_PUBLISH:-0}" != 1 ] || [ "$(cat "$OUT_DIR/gateway-baseline/.commit" 2>/dev/null)" != "$BASELINE_SHA" ]; then
    BASELINE_SRC="$WORK/baseline-src"
    log "checking out $BASELINE_REF ($BASELINE_SHA) in a temporary worktree"
    git -C "$REPO_DIR" worktree add --detach --quiet "$BASELINE_SRC" "$BASELINE_SHA" || die "git worktree add $BASELINE_SHA failed"
    publish gateway-baseline "$BASELINE_SRC/gateway/ApiGateway.Gateway.csproj"
    publish seeder-baseline "$BASELINE_SRC/bench/Seeder/Seeder.csproj"
    echo "$BASELINE_SHA" >"$OUT_DIR/gateway-baseline/.commit"
  fi
fi

# --- configuration -----------------------------------------------------------------------------------------
write_bench_routes "$WORK/routes.json"
# SHADOW=1: the candidate is the live file with the bench route's scope changed (the seeded keys hold bench:read only).
sed 's/"Resource": "bench"/"Scopes": "bench:admin"/' "$WORK/routes.json" >"$WORK/shadow-routes.json"
grep -q 'bench:admin' "$WORK/shadow-routes.json" || die "the shadow routes file was not derived from routes.json"

log "seeding $KEYS keys ($HOT_KEYS plaintexts for wrk)"
(cd "$OUT_DIR/seeder" && dotnet Bench.Seeder.dll --db "$WORK/keys.db" --count "$KEYS" --plaintexts "$HOT_KEYS" \
  --out "$WORK/keys.txt" --scopes bench:read --tier bench) >&2
FIRST_KEY=$(head -1 "$WORK/keys.txt")
if [ "$WORKSPACE" = 1 ]; then
  log "seeding $KEYS keys whose workspace has the bench tier's limits of its own"
  (cd "$OUT_DIR/seeder" && dotnet Bench.Seeder.dll --db "$WORK/keys-workspace.db" --count "$KEYS" --plaintexts "$HOT_KEYS" \
    --out "$WORK/keys-workspace.txt" --scopes bench:read --tier bench --workspace-tier bench) >&2
fi
if [ -n "$BASELINE_REF" ]; then
  # Its own database: a newer schema refuses an older build. Same count, hot keys and tier, so the same workload.
  log "seeding $KEYS keys for gateway@$BASELINE_SHA with its own seeder"
  (cd "$OUT_DIR/seeder-baseline" && dotnet Bench.Seeder.dll --db "$WORK/keys-baseline.db" --count "$KEYS" --plaintexts "$HOT_KEYS" \
    --out "$WORK/keys-baseline.txt" --scopes bench:read --tier bench) >&2 || die "the seeder of $BASELINE_SHA failed"
fi

# nginx: the same keys as an exact-match map, limit_req per key id, proxying to the same upstream with keep-alive.
{
  cat <<NGINX
worker_processes auto;
error_log $WORK/nginx-error.log warn;
pid $WORK/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-body;
  proxy_temp_path $WORK/nginx-proxy;
  fastcgi_temp_path $WORK/nginx-fastcgi;
  uwsgi_temp_path $WORK/nginx-uwsgi;
  scgi_temp_path $WORK/nginx-scgi;
  map_hash_bucket_size 256;
  map_hash_max_size 65536;
  map \$http_authorization \$key_id {
    default "";
NGINX
  awk '{ printf "    \"Bearer %s\" k%d;\n", $1, NR }' "$WORK/keys.txt"
  cat <<NGINX
  }
  limit_req_zone \$key_id zone=per_key:10m rate=1000000r/s;
  upstream bench_upstream { server 127.0.0.1:$PORT_UPSTREAM; keepalive 128; }
  server {
    listen 127.0.0.1:$PORT_NGINX;
    location /bench/ {
      if (\$key_id = "") { return 401; }
      limit_req zone=per_key burst=1000000 nodelay;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "";
      proxy_set_header X-Api-Key-Id \$key_id;
      proxy_set_header X-Workspace-Id ws_bench;
      proxy_pass http://bench_upstream;
    }
  }
  # nginx in front, the gateway's forward-auth listener deciding (the docs/forward-auth.md configuration, trimmed to
  # what this route needs): every request costs nginx a subrequest and the gateway one full check.
  upstream gateway_forward_auth { server 127.0.0.1:$PORT_FORWARD_AUTH; keepalive 128; }
  server {
    listen 127.0.0.1:$PORT_NGINX_FORWARD_AUTH;
    location /bench/ {
      auth_request /_api_key_check;
      auth_request_set \$api_workspace \$upstream_http_x_workspace_id;
      auth_request_set \$api_key_id \$upstream_http_x_api_key_id;
      auth_request_set \$api_key_mode \$upstream_http_x_api_key_mode;
      auth_request_set \$api_ratelimit \$upstream_http_ratelimit;
      auth_request_set \$api_ratelimit_policy \$upstream_http_ratelimit_policy;
      add_header RateLimit \$api_ratelimit always;
      add_header RateLimit-Policy \$api_ratelimit_policy always;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "";
      proxy_set_header X-Workspace-Id \$api_workspace;
      proxy_set_header X-Api-Key-Id \$api_key_id;
      proxy_set_header X-Api-Key-Mode \$api_key_mode;
      proxy_pass http://bench_upstream;
    }
    location = /_api_key_check {
      internal;
      proxy_pass http://gateway_forward_auth;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method \$request_method;
      proxy_set_header X-Original-URI \$request_uri;
    }
  }
}
NGINX
} >"$WORK/nginx.conf"

# --- processes ------------------------------------------------------------------------------------------------
gateway_env=(
  "ConnectionStrings__KeyStore=Data Source=$WORK/keys.db"
  "Gateway__RoutesFile=$WORK/routes.json"
  "${BENCH_TIER_SETTINGS[@]}"
)
start_dotnet upstream Bench.Upstream.dll "Urls=http://127.0.0.1:$PORT_UPSTREAM"
start_dotnet bare-yarp Bench.BareYarp.dll "Urls=http://127.0.0.1:$PORT_YARP" "Gateway__RoutesFile=$WORK/routes.json" \
  "Bench__MetricsUrl=http://127.0.0.1:$INTERNAL_YARP"
# The same process answers nginx's forward-auth questions (the nginx-forward-auth row); rows run one at a time.
start_dotnet gateway ApiGateway.Gateway.dll "Urls=http://127.0.0.1:$PORT_GATEWAY" \
  "Gateway__InternalUrl=http://127.0.0.1:$INTERNAL_GATEWAY" "Gateway__ForwardAuthUrl=http://127.0.0.1:$PORT_FORWARD_AUTH" \
  "${gateway_env[@]}"
nginx -t -q -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" || die "nginx config rejected"
nginx -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" -g 'daemon off;' >"$WORK/nginx.log" 2>&1 &
PID_nginx=$!
STARTED_PIDS+=("$PID_nginx")

TARGET_NAMES=(upstream bare-yarp gateway nginx nginx-forward-auth)
declare -A TARGET_KEYS=()   # the plaintexts wrk sends; default $WORK/keys.txt
declare -A TARGET_PORT=([upstream]=$PORT_UPSTREAM [bare-yarp]=$PORT_YARP [gateway]=$PORT_GATEWAY [nginx]=$PORT_NGINX
  [nginx-forward-auth]=$PORT_NGINX_FORWARD_AUTH)
# nginx-forward-auth's CPU column is nginx's alone; the gateway's share shows in its alloc column (same process).
declare -A TARGET_PID=([upstream]=$PID_upstream [bare-yarp]=$PID_bare_yarp [gateway]=$PID_gateway [nginx]=$PID_nginx
  [nginx-forward-auth]=$PID_nginx)
# Targets with a Prometheus endpoint: their managed allocation per request comes from dotnet_gc_allocated_bytes_total.
declare -A TARGET_INTERNAL=([bare-yarp]=$INTERNAL_YARP [gateway]=$INTERNAL_GATEWAY [nginx-forward-auth]=$INTERNAL_GATEWAY)
declare -A TARGET_LABEL=(
  [upstream]="upstream direct (no proxy)"
  [bare-yarp]="bare YARP (no checks)"
  [gateway]="gateway, all checks"
  [nginx]="nginx map + limit_req"
  [nginx-forward-auth]="nginx auth_request → gateway forward-auth"
  [gateway-nolimit]="gateway, rate limiting off"
  [gateway-token]="gateway, all checks + identity token"
  [gateway-shadow]="gateway + shadow routes (every request would_refuse)"
  [gateway-redis]="gateway, all checks, limits in Redis (CPU and RSS: gateway + redis-server)"
  [gateway-workspace]="gateway + workspace limits (every request spends the workspace's too)"
)
if [ -n "$BASELINE_REF" ]; then
  start_dotnet gateway-baseline ApiGateway.Gateway.dll "Urls=http://127.0.0.1:$PORT_GATEWAY_BASELINE" \
    "Gateway__InternalUrl=http://127.0.0.1:$INTERNAL_GATEWAY_BASELINE" \
    "ConnectionStrings__KeyStore=Data Source=$WORK/keys-baseline.db" "Gateway__RoutesFile=$WORK/routes.json" "${BENCH_TIER_SETTINGS[@]}"
  TARGET_NAMES+=(gateway-baseline)
  TARGET_PORT[gateway-baseline]=$PORT_GATEWAY_BASELINE
  TARGET_PID[gateway-baseline]=$PID_gateway_baseline
  TARGET_INTERNAL[gateway-baseline]=$INTERNAL_GATEWAY_BASELINE
  TARGET_KEYS[gateway-baseline]="$WORK/keys-baseline.txt"
  TARGET_LABEL[gateway-baseline]="gateway@$BASELINE_SHA, all checks ($BASELINE_REF)"
fi
if [ -n "$GATEWAY_NOLIMIT_SETTING" ]; then
  ln -sfn "$OUT_DIR/gateway" "$OUT_DIR/gateway-nolimit"   # the same build; start_dotnet runs from bench/.out/NAME
  start_dotnet gateway-nolimit ApiGateway.Gateway.dll "Urls=http://127.0.0.1:$PORT_GATEWAY_NOLIMIT" \
    "Gateway__InternalUrl=http://127.0.0.1:$INTERNAL_GATEWAY_NOLIMIT" "${gateway_env[@]}" "$GATEWAY_NOLIMIT_SETTING"
  TARGET_NAMES+=(gateway-nolimit)
  TARGET_PORT[gateway-nolimit]=$PORT_GATEWAY_NOLIMIT
  TARGET_PID[gateway-nolimit]=$PID_gateway_nolimit
  TARGET_INTERNAL[gateway-nolimit]=$INTERNAL_GATEWAY_NOLIMIT
fi
if [ "$IDENTITY_TOKEN" = 1 ]; then
  # Its own working directory, so its generated signing key (data/identity-signing-key.pem) is its own.
  mkdir -p "$WORK/gateway-token" && cp -r "$OUT_DIR/gateway/." "$WORK/gateway-token/"
  ln -sfn "$WORK/gateway-token" "$OUT_DIR/gateway-token"
  start_dotnet gateway-token ApiGateway.Gateway.dll "Urls=http://127.0.0.1:$PORT_GATEWAY_TOKEN" \
    "Gateway__InternalUrl=http://127.0.0.1:$INTERNAL_GATEWAY_TOKEN" "${gateway_env[@]}" "Gateway__IdentityToken__Enabled=true"
  TARGET_NAMES+=(gateway-token)
  TARGET_PORT[gateway-token]=$PORT_GATEWAY_TOKEN
  TARGET_PID[gateway-token]=$PID_gateway_token
  TARGET_INTERNAL[gateway-token]=$INTERNAL_GATEWAY_TOKEN
fi
if [ "$SHADOW" = 1 ]; then
  ln -sfn "$OUT_DIR/gateway" "$OUT_DIR/gateway-shadow"   # the same build
  start_dotnet gateway-shadow ApiGateway.Gateway.dll "Urls=http://127.0.0.1:$PORT_GATEWAY_SHADOW" \
    "Gateway__InternalUrl=http://127.0.0.1:$INTERNAL_GATEWAY_SHADOW" "${gateway_env[@]}" "Gateway__ShadowRoutesFile=$WORK/shadow-routes.json"
  TARGET_NAMES+=(gateway-shadow)
  TARGET_PORT[gateway-shadow]=$PORT_GATEWAY_SHADOW
  TARGET_PID[gateway-shadow]=$PID_gateway_shadow
  TARGET_INTERNAL[gateway-shadow]=$INTERNAL_GATEWAY_SHADOW
fi
if [ "$REDIS" = 1 ]; then
  command -v redis-server >/dev/null || die "REDIS=1 needs redis-server (apt-get install redis-server)"
  redis-server --port "$PORT_REDIS" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
  PID_redis=$!
  STARTED_PIDS+=("$PID_redis")
  ln -sfn "$OUT_DIR/gateway" "$OUT_DIR/gateway-redis"   # the same build
  start_dotnet gateway-redis ApiGateway.Gateway.dll "Urls=http://127.0.0.1:$PORT_GATEWAY_REDIS" \
    "Gateway__InternalUrl=http://127.0.0.1:$INTERNAL_GATEWAY_REDIS" "${gateway_env[@]}" "RateLimits__Redis=127.0.0.1:$PORT_REDIS"
  TARGET_NAMES+=(gateway-redis)
  TARGET_PORT[gateway-redis]=$PORT_GATEWAY_REDIS
  TARGET_PID[gateway-redis]="$PID_gateway_redis $PID_redis"
  TARGET_INTERNAL[gateway-redis]=$INTERNAL_GATEWAY_REDIS
fi
if [ "$WORKSPACE" = 1 ]; then
  ln -sfn "$OUT_DIR/gateway" "$OUT_DIR/gateway-workspace"   # the same build, its own database
  start_dotnet gateway-workspace ApiGateway.Gateway.dll "Urls=http://127.0.0.1:$PORT_GATEWAY_WORKSPACE" \
    "Gateway__InternalUrl=http://127.0.0.1:$INTERNAL_GATEWAY_WORKSPACE" "ConnectionStrings__KeyStore=Data Source=$WORK/keys-workspace.db" \
    "Gateway__RoutesFile=$WORK/routes.json" "${BENCH_TIER_SETTINGS[@]}"
  TARGET_NAMES+=(gateway-workspace)
  TARGET_PORT[gateway-workspace]=$PORT_GATEWAY_WORKSPACE
  TARGET_PID[gateway-workspace]=$PID_gateway_workspace
  TARGET_INTERNAL[gateway-workspace]=$INTERNAL_GATEWAY_WORKSPACE
  TARGET_KEYS[gateway-workspace]="$WORK/keys-workspace.txt"
fi
[ -n "${TARGETS:-}" ] && read -r -a TARGET_NAMES <<<"$TARGETS"

for t in "${TARGET_NAMES[@]}"; do
  key=$(head -1 "${TARGET_KEYS[$t]:-$WORK/keys.txt}")
  wait_status "${TARGET_PID[$t]%% *}" "${TARGET_PORT[$t]}" "$PATH_UNDER_TEST" 200 "$key" || {
    tail -30 "$WORK/$t.log" "$WORK/nginx-error.log" 2>/dev/null >&2
    die "$t did not answer 200 on :${TARGET_PORT[$t]}$PATH_UNDER_TEST (last status $(http_status "${TARGET_PORT[$t]}" "$PATH_UNDER_TEST" "$key"))"
  }
done
# A request without a key must be refused by the targets that check keys, or the comparison is meaningless.
for t in gateway gateway-nolimit gateway-token gateway-baseline gateway-shadow gateway-workspace nginx nginx-forward-auth; do
  [[ " ${TARGET_NAMES[*]} " == *" $t "* ]] || continue
  status=$(http_status "${TARGET_PORT[$t]}" "$PATH_UNDER_TEST")
  [ "$status" = 401 ] || die "$t answered $status to a request without a key (expected 401)"
done

# The gateway rows must include the limiter: its answer carries the bench tier's RateLimit-Policy.
for t in gateway gateway-token gateway-shadow nginx-forward-auth; do
  [[ " ${TARGET_NAMES[*]} " == *" $t "* ]] || continue
  http_headers "${TARGET_PORT[$t]}" "$PATH_UNDER_TEST" "$FIRST_KEY" | grep -qi '^RateLimit-Policy: "bench"' \
    || die "$t answered without the bench tier's RateLimit-Policy header: is the limiter on the path?"
done

# The workspace row must really spend the workspace's limits: its answer lists the workspace's policy.
if [[ " ${TARGET_NAMES[*]} " == *" gateway-workspace "* ]]; then
  http_headers "$PORT_GATEWAY_WORKSPACE" "$PATH_UNDER_TEST" "$(head -1 "$WORK/keys-workspace.txt")" | grep -qi '^RateLimit-Policy: .*"workspace";' \
    || die "gateway-workspace answered without the workspace's RateLimit-Policy item: are the workspace limits on the path?"
fi

# The token row must really sign: its JWKS answers only when identity tokens are on.
if [[ " ${TARGET_NAMES[*]} " == *" gateway-token "* ]]; then
  status=$(http_status "$INTERNAL_GATEWAY_TOKEN" /.well-known/jwks.json)
  [ "$status" = 200 ] || die "gateway-token answered $status on /.well-known/jwks.json: identity tokens are not on"
fi

# The shadow row must really decide twice: its candidate is loaded and a request is counted as would_refuse.
if [[ " ${TARGET_NAMES[*]} " == *" gateway-shadow "* ]]; then
  curl -s "http://127.0.0.1:$INTERNAL_GATEWAY_SHADOW/readyz" | grep -q '"shadowRoutes":{"status":"loaded"' \
    || die "gateway-shadow has no loaded shadow routes file: $(curl -s "http://127.0.0.1:$INTERNAL_GATEWAY_SHADOW/readyz")"
  curl -s "http://127.0.0.1:$INTERNAL_GATEWAY_SHADOW/metrics" | grep -q '^gateway_shadow_decisions_total{route="bench",outcome="would_refuse"}' \
    || die "gateway-shadow counted no shadow decision: is the candidate on the path?"
fi

# --- measurement ----------------------------------------------------------------------------------------------
RAW="$WORK/raw.tsv"
printf 'round\ttarget\trps\tp50_us\tp99_us\tcpu_us_per_req\trss_mb\tnon2xx\tsocket_errors\talloc_b_per_req\n' >"$RAW"

# measure TARGET DURATION ROUND: one wrk run; appends a raw row unless ROUND is "warmup".
measure() {
  local t=$1 duration=$2 round=$3 before after line alloc_before=0 alloc_after=0 internal
  internal=${TARGET_INTERNAL[$t]:-}
  [ -n "$internal" ] && alloc_before=$(metric "$internal" dotnet_gc_allocated_bytes_total)
  before=$(cpu_ticks ${TARGET_PID[$t]})
  line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --timeout 5s -s "$BENCH_DIR/wrk-keys.lua" \
    "http://127.0.0.1:${TARGET_PORT[$t]}$PATH_UNDER_TEST" -- "${TARGET_KEYS[$t]:-$WORK/keys.txt}" "$PATH_UNDER_TEST" | grep '^BENCH ' || true)
  after=$(cpu_ticks ${TARGET_PID[$t]})
  [ -n "$internal" ] && alloc_after=$(metric "$internal" dotnet_gc_allocated_bytes_total)
  [ -n "$line" ] || die "wrk produced no result for $t"
  [ "$round" = warmup ] && return 0
  echo "$line" | awk -v r="$round" -v t="$t" -v ticks=$((after - before)) -v hz="$CLK_TCK" -v rss="$(rss_kb ${TARGET_PID[$t]})" \
    -v alloc=$((alloc_after - alloc_before)) -v has_alloc="$internal" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "%s\t%s\t%.0f\t%d\t%d\t%.1f\t%.1f\t%d\t%d\t%s\n", r, t, v["requests"] / (v["duration_us"] / 1e6), v["p50_us"], v["p99_us"],
        (v["requests"] > 0 ? ticks / hz * 1e6 / v["requests"] : 0), rss / 1024, v["non2xx"], v["socket_errors"],
        (has_alloc != "" && v["requests"] > 0 ? sprintf("%.0f", alloc / v["requests"]) : "-") }' >>"$RAW"
  log "round $round $(tail -1 "$RAW" | cut -f2-)"
}

log "warm-up: $WARMUP per target"
for t in "${TARGET_NAMES[@]}"; do measure "$t" "$WARMUP" warmup; done
for ((r = 1; r <= ROUNDS; r++)); do
  n=${#TARGET_NAMES[@]}
  for ((i = 0; i < n; i++)); do
    measure "${TARGET_NAMES[$(((i + r - 1) % n))]}" "$DURATION" "$r"
  done
done

# --- report ----------------------------------------------------------------------------------------------------
col() { awk -F'\t' -v t="$1" -v c="$2" 'NR > 1 && $2 == t { print $c }' "$RAW" | median; }
sum() { awk -F'\t' -v t="$1" -v c="$2" 'NR > 1 && $2 == t { s += $c } END { print s + 0 }' "$RAW"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
target_row() { printf '| %s | %s | %s |\n' "$1" "$2" "$3"; }

declare -A RPS P50 P99 CPU RSS ALLOC
for t in "${TARGET_NAMES[@]}"; do
  RPS[$t]=$(col "$t" 3); P50[$t]=$(col "$t" 4); P99[$t]=$(col "$t" 5); CPU[$t]=$(col "$t" 6); RSS[$t]=$(col "$t" 7)
  ALLOC[$t]=$(awk -F'\t' -v t="$t" 'NR > 1 && $2 == t && $10 != "-" { print $10 }' "$RAW" | median)
done
base=bare-yarp
STAMP=$(date -u +%Y-%m-%d-%H%M)
mkdir -p "$BENCH_DIR/results"
REPORT="$BENCH_DIR/results/$STAMP-e2e.md"
{
  echo "## End to end, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  machine_info
  echo "- load: wrk -t$THREADS -c$CONNECTIONS, $ROUNDS rounds x $DURATION per target, interleaved (warm-up $WARMUP each); GET $PATH_UNDER_TEST"
  echo "  with \`Authorization: Bearer\` spread over $HOT_KEYS of $KEYS stored keys; medians over the rounds"
  echo
  echo "| target | rps | p50 ms | p99 ms | CPU us/req | RSS MB | rps vs YARP | p99 vs YARP | CPU vs YARP | alloc B/req | non-2xx |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for t in "${TARGET_NAMES[@]}"; do
    printf '| %s | %.0f | %.2f | %.2f | %.1f | %.0f | %s | %s | %s | %s | %d |\n' "${TARGET_LABEL[$t]}" "${RPS[$t]}" \
      "$(awk -v v="${P50[$t]}" 'BEGIN { print v / 1000 }')" "$(awk -v v="${P99[$t]}" 'BEGIN { print v / 1000 }')" \
      "${CPU[$t]}" "${RSS[$t]}" \
      "$(ratio "${RPS[$t]}" "${RPS[$base]:-0}")" "$(ratio "${P99[$t]}" "${P99[$base]:-0}")" "$(ratio "${CPU[$t]}" "${CPU[$base]:-0}")" \
      "$([ "${ALLOC[$t]}" = nan ] && echo '-' || echo "${ALLOC[$t]}")" "$(sum "$t" 8)"
  done
  echo
  echo "CPU us/req: user+system CPU of the target's process(es) (/proc/PID/stat; nginx: master + workers) over a run,"
  echo "divided by the requests wrk completed; for the upstream row it is the upstream's own cost. RSS: VmRSS after the run."
  echo "alloc B/req: managed bytes the process allocated per request (its dotnet_gc_allocated_bytes_total over the run; bare YARP"
  echo "answers it on a port of its own, Bench:MetricsUrl)."
  if [ -n "${RPS[gateway]:-}" ] && [ -n "${RPS[$base]:-}" ]; then
    echo
    echo "### Targets (issue 16): the gateway with every check against bare YARP, same run"
    echo
    echo "| target | measured | met? |"
    echo "|---|---|---|"
    target_row "throughput >= 0.95x bare YARP" "$(ratio "${RPS[gateway]}" "${RPS[$base]}") (${RPS[gateway]} vs ${RPS[$base]} rps)" \
      "$(awk -v a="${RPS[gateway]}" -v b="${RPS[$base]}" 'BEGIN { print (b > 0 && a >= 0.95 * b) ? "met" : "missed" }')"
    target_row "CPU per request <= 1.1x bare YARP" "$(ratio "${CPU[gateway]}" "${CPU[$base]}") (${CPU[gateway]} vs ${CPU[$base]} us)" \
      "$(awk -v a="${CPU[gateway]}" -v b="${CPU[$base]}" 'BEGIN { print (b > 0 && a <= 1.1 * b) ? "met" : "missed" }')"
    target_row "p99 <= 1.1x bare YARP" "$(ratio "${P99[gateway]}" "${P99[$base]}") ($(awk -v v="${P99[gateway]}" 'BEGIN { print v / 1000 }') vs $(awk -v v="${P99[$base]}" 'BEGIN { print v / 1000 }') ms)" \
      "$(awk -v a="${P99[gateway]}" -v b="${P99[$base]}" 'BEGIN { print (b > 0 && a <= 1.1 * b) ? "met" : "missed" }')"
    if [ "${ALLOC[gateway]:-nan}" != nan ] && [ "${ALLOC[$base]:-nan}" != nan ]; then
      target_row "managed allocation <= bare YARP + 1 KB per request" "${ALLOC[gateway]} vs ${ALLOC[$base]} B (+$(awk -v a="${ALLOC[gateway]}" -v b="${ALLOC[$base]}" 'BEGIN { printf "%.0f", a - b }') B)" \
        "$(awk -v a="${ALLOC[gateway]}" -v b="${ALLOC[$base]}" 'BEGIN { print (a <= b + 1024) ? "met" : "missed" }')"
    else
      target_row "managed allocation <= bare YARP + 1 KB per request" "not measured (a target without /metrics)" "not shown"
    fi
    target_row "non-2xx responses and socket errors" "$(awk -F'\t' 'NR > 1 { s += $8 + $9 } END { print s + 0 }' "$RAW")" \
      "$(awk -F'\t' 'NR > 1 { s += $8 + $9 } END { print (s == 0) ? "met" : "missed: run invalid" }' "$RAW")"
  fi
  if [ -n "${RPS[gateway-baseline]:-}" ] && [ -n "${RPS[gateway]:-}" ]; then
    echo
    echo "Before vs after (BASELINE_REF=$BASELINE_REF = $BASELINE_SHA, same run and config): rps after/before" \
      "$(ratio "${RPS[gateway]}" "${RPS[gateway-baseline]}"); p99 $(ratio "${P99[gateway]}" "${P99[gateway-baseline]}");" \
      "CPU ${CPU[gateway]} vs ${CPU[gateway-baseline]} us/req; alloc ${ALLOC[gateway]} vs ${ALLOC[gateway-baseline]} B/req."
  fi
  if [ -n "${RPS[gateway-token]:-}" ] && [ -n "${RPS[gateway]:-}" ]; then
    echo
    echo "Identity token (issue 20), same run: rps with/without $(ratio "${RPS[gateway-token]}" "${RPS[gateway]}");" \
      "p99 $(ratio "${P99[gateway-token]}" "${P99[gateway]}"); CPU ${CPU[gateway-token]} vs ${CPU[gateway]} us/req."
  fi
  echo
  echo "<details><summary>every run</summary>"
  echo
  echo '```'
  column -t -s $'\t' "$RAW" 2>/dev/null || cat "$RAW"
  echo '```'
  echo "</details>"
} >"$REPORT"
mkdir -p "$BENCH_DIR/results/raw"
cp "$RAW" "$BENCH_DIR/results/raw/$STAMP-e2e.tsv"
cat "$REPORT"
log "written $REPORT"
failures=$(awk -F'\t' 'NR > 1 { s += $8 + $9 } END { print s + 0 }' "$RAW")
[ "$failures" = 0 ] || die "$failures non-2xx responses or socket errors: the numbers above are not valid"
