#!/usr/bin/env bash
# A large CSV through the resumable route (issue 15) on the stack `./sagafiles up` runs: generates a CSV of MEGABYTES,
# sends it as POST /uploads, PUT /uploads/{id}/parts/{n} (PARALLEL parts at a time) and POST .../complete, then waits for
# the file to complete. Prints the seconds to send, the seconds from complete to Completed, the rows converted against
# the rows generated, and the peak RSS (VmHWM) of the busiest worker and of the emulator.
#   bench/resumable.sh [megabytes=1024] [parallel=4]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
megabytes="${1:-1024}"
parallel="${2:-4}"
work="${SAGAFILES_BENCH_DIR:-/tmp/sagafiles-bench}/resumable"
rm -rf "$work" && mkdir -p "$work"
# shellcheck source=bench/stack.sh
source bench/stack.sh

csv="$work/large.csv"
rows="$(python3 - "$csv" "$megabytes" <<'PY'
import sys
path, limit = sys.argv[1], int(sys.argv[2]) * 1024 * 1024
rows, size = 0, 0
with open(path, "w", buffering=8 * 1024 * 1024) as out:
    out.write("id,name,amount,day,flag\n")
    chunk = []
    while size < limit:
        for _ in range(10_000):
            rows += 1
            line = f"{rows},name {rows % 9973},{rows * 1.25:.2f},2026-{rows % 12 + 1:02d}-{rows % 28 + 1:02d},{'true' if rows % 3 else 'false'}\n"
            chunk.append(line)
            size += len(line)
        out.write("".join(chunk))
        chunk.clear()
print(rows)
PY
)"
size="$(stat -c %s "$csv")"
printf '%s, load average %s, %s cores, %s workers: %s bytes, %s rows\n' "$(date -u +%FT%TZ)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$(nproc)" "${#workers[@]}" "$size" "$rows"

reset_peaks
started=$(date +%s.%N)
upload="$(curl -sf -H "$auth" -H 'Content-Type: application/json' \
  -d "{\"name\":\"large.csv\",\"size\":$size,\"contentType\":\"text/csv\"}" "$api/uploads")"
id="$(json v.id <<<"$upload")"
part_size="$(json v.partSize <<<"$upload")"
part_count="$(json v.partCount <<<"$upload")"
export csv part_size id auth api
seq 1 "$part_count" | xargs -P "$parallel" -I{} bash -c '
  n={}; offset=$(( (n - 1) * part_size ))
  dd if="$csv" iflag=skip_bytes,count_bytes skip="$offset" count="$part_size" status=none |
    curl -sf -X PUT -H "$auth" -H "Content-Type: application/octet-stream" --data-binary @- "$api/uploads/$id/parts/$n" >/dev/null'
file_id="$(curl -sf -X POST -H "$auth" -H 'Content-Type: application/json' -d '{}' "$api/uploads/$id/complete" | json v.id)"
sent=$(date +%s.%N)
body="$(settle "$file_id" 3600)"
done_at=$(date +%s.%N)

status="$(json v.status <<<"$body")"
converted="$(json 'v.conversion?.rows ?? 0' <<<"$body")"
printf '%-8s %10s %10s %10s %12s %12s %10s %10s\n' MB parts send_s process_s rows_in rows_out worker_MB emul_MB
printf '%-8s %10s %10.1f %10.1f %12s %12s %10s %10s\n' "$megabytes" "$part_count" "$(awk -v a="$started" -v b="$sent" 'BEGIN { print b - a }')" \
  "$(awk -v a="$sent" -v b="$done_at" 'BEGIN { print b - a }')" "$rows" "$converted" "$(workers_peak_mb)" "$(peak_mb "$emulator")"
[[ "$status" == Completed && "$converted" == "$rows" ]] && echo "PASS: Completed with every row" ||
  { echo "FAIL: $status, $converted of $rows rows: $(json 'v.errorMessage ?? ""' <<<"$body")"; exit 1; }
