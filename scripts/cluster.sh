#!/usr/bin/env bash
# A local scale-out cluster, in the foreground (docs/scale-out.md "Running more than one gateway"):
#   redis-server   127.0.0.1:6390        shared limits/quotas + key-change fan-out (no persistence)
#   demo upstream  http://127.0.0.1:5080
#   admin API      http://127.0.0.1:8081  (RateLimits__Redis set: publishes keys:changed)
#   gateways 1-3   http://127.0.0.1:8181..8183, internal http://127.0.0.1:9191..9193 (/readyz /metrics)
#   nginx          http://0.0.0.0:8080    round-robin over the 3 gateways (the one public port)
# All share data/cluster/keys.db (or Postgres: export KeyStore__Provider=postgres ConnectionStrings__KeyStore=...).
# Ctrl-C stops everything. Needs: dotnet 10 SDK, curl, Debian packages redis-server and nginx (or nginx-light).
# Options: --no-build. Env: ADMIN_KEY (first owner credential on a new database), REDIS_PORT, LB_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
REDIS_PORT=${REDIS_PORT:-6390}
LB_PORT=${LB_PORT:-8080}
ADMIN_KEY=${ADMIN_KEY:-${Admin__BootstrapKey:-cluster-owner-credential-change-me-0123456789}}
work="$root/data/cluster"
mkdir -p "$work/logs"
build=1
[ "${1:-}" = "--no-build" ] && build=0

# On a fresh Debian machine as root, install what is missing; otherwise say what to install.
if [ "$(id -u)" = 0 ] && { ! command -v redis-server >/dev/null || ! command -v nginx >/dev/null; }; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server nginx >/dev/null
fi
for tool in dotnet curl redis-server nginx; do
  command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install redis-server nginx-light)." >&2; exit 1; }
done

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$build" = 1 ]; then
  for project in samples/DemoUpstream gateway admin-api; do
    dotnet build -c Release -v q "$project" >"$work/logs/build.log" 2>&1 || { cat "$work/logs/build.log" >&2; exit 1; }
  done
fi
bin() { echo "$root/$1/bin/Release/net10.0/$2.dll"; }

export RateLimits__Redis="127.0.0.1:$REDIS_PORT"
export ConnectionStrings__KeyStore=${ConnectionStrings__KeyStore:-"Data Source=$work/keys.db"}
export Gateway__RoutesFile="$root/config/routes.json"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$work/logs/redis.log" 2>&1 &
pids+=($!)
Urls=http://127.0.0.1:5080 dotnet "$(bin samples/DemoUpstream DemoUpstream)" >"$work/logs/upstream.log" 2>&1 &
pids+=($!)
Urls=http://127.0.0.1:8081 Admin__BootstrapKey="$ADMIN_KEY" dotnet "$(bin admin-api ApiGateway.AdminApi)" >"$work/logs/admin-api.log" 2>&1 &
pids+=($!)
upstreams=""
for i in 1 2 3; do
  ASPNETCORE_URLS="http://127.0.0.1:818$i" Gateway__InternalUrl="http://127.0.0.1:919$i" \
    dotnet "$(bin gateway ApiGateway.Gateway)" >"$work/logs/gateway$i.log" 2>&1 &
  pids+=($!)
  upstreams+="    server 127.0.0.1:818$i;"$'\n'
done

cat >"$work/nginx.conf" <<NGINX
daemon off;
pid $work/nginx.pid;
error_log $work/logs/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream gateways {
$upstreams    keepalive 64;
  }
  server {
    listen $LB_PORT;
    location / {
      proxy_pass http://gateways;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)

for url in http://127.0.0.1:8081/healthz http://127.0.0.1:9191/readyz http://127.0.0.1:9192/readyz http://127.0.0.1:9193/readyz; do
  for _ in $(seq 1 120); do curl -fsS "$url" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fsS "$url" >/dev/null || { echo "not ready: $url (logs in $work/logs)" >&2; exit 1; }
done
cat <<INFO
Cluster up: nginx http://127.0.0.1:$LB_PORT -> gateways :8181 :8182 :8183 (internal :9191-9193), admin API :8081, Redis :$REDIS_PORT.
Mint a key:  curl -s -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' \\
               -d '{"name":"demo","workspaceId":"ws_demo","scopes":["*"]}' http://127.0.0.1:8081/v1/keys
Logs: $work/logs. Ctrl-C stops everything.
INFO
wait -n
