#!/usr/bin/env bash
# Runs every test in the solution. As root it first installs the Debian packages listed in .ci/apt-packages.txt
# (Prometheus, Chromium, Redis, PostgreSQL, ...) and starts the services tests need (.ci/services.sh).
# Prints a final "Tests: N passed, N failed, N skipped" line and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Postgres' initdb and many tools write to /dev/null: on a machine where something replaced it with a regular file
# (seen once on a shared development machine), put the character device back before anything runs.
if [ ! -c /dev/null ] && [ "$(id -u)" = 0 ]; then
  echo "Restoring /dev/null (it was not a character device)" >&2
  rm -f /dev/null && mknod -m 666 /dev/null c 1 3
fi

packages=$(grep -v '^\s*#' .ci/apt-packages.txt | awk 'NF {print $1}' | tr '\n' ' ')
if [ -n "$packages" ]; then
  missing=""
  for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "Installing:$missing"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
      echo "Missing Debian packages:$missing (run as root, or install them, for the end-to-end tests)" >&2
    fi
  fi
fi
if [ -x .ci/services.sh ]; then
  source .ci/services.sh
fi

# Third-party tools the tests check our output with: Redocly, openapi-ts and tsc for the OpenAPI contract tests, and the
# standardwebhooks package that verifies webhook signatures (npm, pinned in tests/clients/package-lock.json), and Kiota
# (dotnet tool, pinned in .config/dotnet-tools.json).
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/clients --no-audit --no-fund --loglevel=error
else
  echo "npm is missing: the OpenAPI client and webhook signature tests need Node.js 20.19+ and npm" >&2
fi
dotnet tool restore

dotnet build ApiGateway.sln -c Debug -warnaserror -nologo -v:q
rm -rf TestResults
status=0
dotnet test ApiGateway.sln --no-build -c Debug --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory TestResults --blame-hang-timeout 5m "$@" || status=$?

passed=0; failed=0; skipped=0
for trx in TestResults/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then echo "No test ran." >&2; exit 1; fi
exit $status
