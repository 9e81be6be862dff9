#!/usr/bin/env bash
# Micro-benchmarks (BenchmarkDotNet, short job, with allocations) of the per-request pieces: key parse + checksum,
# hash, cache lookup, scope check, limiter acquire, header transform and the whole cached verify path.
# Writes bench/results/<date>-micro.md. Arguments go to BenchmarkDotNet (default: --filter '*').
set -euo pipefail
source "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d /tmp/agw-micro.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)


ARTIFACTS="$OUT_DIR/bdn"
rm -rf "$ARTIFACTS"
[ $# -gt 0 ] || set -- --filter '*'
log "building and running the micro-benchmarks ($*)"
dotnet run -c Release --project "$BENCH_DIR/ApiGateway.Benchmarks/ApiGateway.Benchmarks.csproj" -- \
  --job short --artifacts "$ARTIFACTS" --exporters github "$@" >"$WORK/bdn.log" 2>&1 \
  || { tail -40 "$WORK/bdn.log" >&2; die "BenchmarkDotNet failed"; }

STAMP=$(date -u +%Y-%m-%d-%H%M)
REPORT="$BENCH_DIR/results/$STAMP-micro.md"
mkdir -p "$BENCH_DIR/results"
{
  echo "## Micro-benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  machine_info
  echo "- BenchmarkDotNet short job (3 warm-up + 3 measured iterations, 1 launch), MemoryDiagnoser; Allocated is per operation"
  for file in "$ARTIFACTS"/results/*-report-github.md; do
    echo
    echo "### $(basename "$file" -report-github.md | sed 's/^ApiGateway\.Benchmarks\.//')"
    echo
    grep '^|' "$file"
  done
} >"$REPORT"
cat "$REPORT"
log "written $REPORT"
