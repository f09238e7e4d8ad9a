#!/usr/bin/env bash
# End-to-end figures: upload-to-Completed latency (p50/p95) for a 1 KB CSV and files/s for 200 small files, against the
# stack ./sagafiles starts (API + two workers). Not a test: it prints numbers for the notes.
#   bench/end-to-end.sh [latency-samples] [throughput-files]
set -euo pipefail
cd "$(dirname "$0")/.."
started=0
if ! curl -sf -o /dev/null http://localhost:8080/health/ready; then
  ./sagafiles up --detach
  started=1
fi
trap '((started)) && ./sagafiles down' EXIT
dotnet run -c Release --project bench/SagaFiles.Bench.EndToEnd -- http://localhost:8080 "${1:-50}" "${2:-200}"
