#!/usr/bin/env bash
# How many file transactions per second one Postgres commits when each of them does what the files_record_events
# trigger does at commit (docs/benchmarks.md, "A limit the ten-machine model leaves out"): one insert into an event
# table, and
#   plain      nothing else (the anchor: concurrent commits share WAL flushes, "group commit");
#   advisory   pg_advisory_xact_lock on one key for the whole database (positions in commit order);
#   notify     pg_notify to a channel a session listens on (the API's FileChanges);
#   both       both, as the trigger does today.
# Each variant runs CLIENTS concurrent pgbench clients for SECONDS on a fresh Postgres of its own (fsync on, the
# defaults), and prints transactions/s and its ratio to plain measured in the same run, with the WAL flush time of
# this disk (pg_test_fsync). Not a test: it prints numbers for docs/benchmarks.md.
#   bench/commit-serialization.sh [clients=16] [seconds=10]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
clients="${1:-16}"
seconds="${2:-10}"

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
[[ -x "$pg_bin/pgbench" ]] || { echo "needs Postgres' own binaries with pgbench (Debian: postgresql)" >&2; exit 1; }
as_postgres() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# shellcheck source=scripts/ports.sh
source "$root/scripts/ports.sh" # free_port
port="$(free_port)"

work="$(mktemp -d "${TMPDIR:-/tmp}/sagafiles-commits.XXXXXX")"
chmod 755 "$work"
[[ "$(id -u)" == 0 ]] && chown postgres: "$work"
postgres_pid=""
# A fast shutdown ends the listener's session too (its psql then exits).
stop() {
  [[ -n "$postgres_pid" ]] || return 0
  as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  postgres_pid=""
}
trap 'stop; rm -rf "$work"' EXIT

psql_() { as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atq "$@"; }

cat >"$work/plain.sql" <<'SQL'
BEGIN;
INSERT INTO file_events (tenant, file_id, kind) VALUES ('acme', gen_random_uuid(), 'transition');
COMMIT;
SQL
cat >"$work/advisory.sql" <<'SQL'
BEGIN;
SELECT pg_advisory_xact_lock(hashtextextended('sagafiles.file_events', 0));
INSERT INTO file_events (tenant, file_id, kind) VALUES ('acme', gen_random_uuid(), 'transition');
COMMIT;
SQL
cat >"$work/notify.sql" <<'SQL'
BEGIN;
INSERT INTO file_events (tenant, file_id, kind) VALUES ('acme', gen_random_uuid(), 'transition');
SELECT pg_notify('file_changes', 'acme:' || gen_random_uuid()::text);
COMMIT;
SQL
cat >"$work/both.sql" <<'SQL'
BEGIN;
SELECT pg_advisory_xact_lock(hashtextextended('sagafiles.file_events', 0));
INSERT INTO file_events (tenant, file_id, kind) VALUES ('acme', gen_random_uuid(), 'transition');
SELECT pg_notify('file_changes', 'acme:' || gen_random_uuid()::text);
COMMIT;
SQL
chmod 644 "$work"/*.sql

flush_us="$(cd "$work" && as_postgres "$pg_bin/pg_test_fsync" -s 2 -f "$work/fsync.test" 2>/dev/null |
  awk '/fdatasync/ && /usecs\/op/ { for (i = 1; i < NF; i++) if ($(i + 1) == "usecs/op") { print $i; exit } }')"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); WAL flush (pg_test_fsync, fdatasync): ${flush_us:-?} us"
echo "$clients clients, ${seconds} s per variant, each on a fresh Postgres"

declare -A tps
for variant in plain advisory notify both; do
  rm -rf "$work/pg"
  mkdir "$work/pg"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$work/pg"
  as_postgres "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
  as_postgres "$pg_bin/postgres" -D "$work/pg" -p "$port" -k "$work" -c listen_addresses=127.0.0.1 -c max_connections=100 \
    >"$work/postgres.log" 2>&1 &
  postgres_pid=$!
  until psql_ -c "select 1" >/dev/null 2>&1; do sleep 0.2; done
  psql_ -c "CREATE TABLE file_events (position bigserial PRIMARY KEY, tenant text NOT NULL, file_id uuid NOT NULL, kind text NOT NULL)"
  # A listener that stays connected, as the API's is: notifications are queued for it.
  as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atq -c "LISTEN file_changes" -c "SELECT pg_sleep(3600)" \
    >/dev/null 2>&1 &
  result="$(as_postgres "$pg_bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n -c "$clients" -j 2 -T "$seconds" -f "$work/$variant.sql" postgres 2>&1)"
  tps[$variant]="$(grep -oE 'tps = [0-9.]+' <<<"$result" | head -n1 | grep -oE '[0-9.]+')"
  stop
done

for variant in plain advisory notify both; do
  printf '  %-9s %9.0f transactions/s  %5.2fx of plain\n' "$variant" "${tps[$variant]}" "$(awk "BEGIN { print ${tps[$variant]} / ${tps[plain]} }")"
done
