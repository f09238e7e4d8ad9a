#!/usr/bin/env bash
# Conversion figures beside DuckDB and openssl: a generated CSV to Parquet ZSTD (time, MB/s, size) against DuckDB on
# one and two threads, the checksum step's SHA-256 rate against `openssl dgst -sha256`, the peak RSS of a process
# converting a larger CSV, each target PASS/FAIL. Not a test: numbers are only comparable within one run, on a quiet
# machine. DuckDB (npm @duckdb/node-api, pinned in bench/duckdb/package-lock.json) is a dev-only yardstick.
#   bench/conversion.sh [csv-MB=100] [rss-csv-MB=1024] [runs=5]
# Generated files are kept in ${SAGAFILES_BENCH_DIR:-/tmp/sagafiles-bench} (deterministic, reused by size).
set -euo pipefail
cd "$(dirname "$0")/.."
(cd bench/duckdb && npm ci --no-audit --no-fund --silent)
dotnet build -v q -c Release bench/SagaFiles.Bench.Conversion
exec bench/SagaFiles.Bench.Conversion/bin/Release/net10.0/SagaFiles.Bench.Conversion run \
  "${SAGAFILES_BENCH_DIR:-/tmp/sagafiles-bench}" bench/duckdb "${1:-100}" "${2:-1024}" "${3:-5}"
