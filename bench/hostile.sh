#!/usr/bin/env bash
# Hostile content through the real stack (issue 13): generates each hostile class (tests/SagaFiles.Processing.Tests'
# HostileInputs, the same generator the specs use) at about BYTES and uploads it to the stack `./sagafiles up` runs,
# one class at a time. For each it prints the outcome and its reason, the seconds from upload to the outcome, the peak
# RSS (VmHWM, reset before each class through /proc/PID/clear_refs) of the busiest worker and of the emulator, and the
# latency of other users' files: a 1 KB CSV sent alone just before (the anchor, this run's normal latency at this load),
# one sent two seconds after the hostile file and one every PROBE_EVERY seconds (default 20) while it is unsettled.
# Then one PASS/FAIL line per target: an outcome within 60 s, worker peak below 512 MB, every other file within 5 s
# or within 3x the anchor when the machine is that loaded.
# An archive answers when it has expanded (the 60 s apply to that); its outcome waits for all its children, whose
# time the row shows too: the fan-in time of an archive of that many entries.
#   bench/hostile.sh [bytes=1048576] [class,class,...]     (starts `./sagafiles up --detach` when nothing runs)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bytes="${1:-1048576}"
work="${SAGAFILES_BENCH_DIR:-/tmp/sagafiles-bench}/hostile"
rm -rf "$work" && mkdir -p "$work"
# shellcheck source=bench/stack.sh
source bench/stack.sh

echo "building the generator (tests/SagaFiles.Processing.Tests, Release)..."
dotnet build tests/SagaFiles.Processing.Tests -c Release -nologo -v q -clp:NoSummary >/dev/null
generator=(dotnet tests/SagaFiles.Processing.Tests/bin/Release/net10.0/SagaFiles.Processing.Tests.dll)
if [[ -n "${2:-}" ]]; then IFS=, read -r -a classes <<<"$2"; else
  read -r -a classes <<<"$("${generator[@]}" 2>&1 | sed -n 's/.*classes: //p' | tr -d ',')"
fi

# other_latency: another user's 1 KB CSV, from upload to Completed, in ms (99999999 when it does not complete in 120 s).
other_latency() {
  settle "$(upload "$work/other.csv")" 120 | json 'v.status === "Completed" ? Math.round(new Date(v.processedAt) - new Date(v.createdAt)) : 99999999'
}
probe_every="${PROBE_EVERY:-20}"
printf 'n,square\n' >"$work/other.csv"
for ((i = 0; i < 90; i++)); do printf '%d,%d\n' $((i + 1000000)) $(((i + 1000000) * 7)); done >>"$work/other.csv"

printf '\n%s, load average %s, %s cores, %s workers\n' "$(date -u +%FT%TZ)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)" "${#workers[@]}"
printf '%-24s %8s %-10s %8s %10s %10s %8s %9s %9s %6s  %s\n' class bytes outcome seconds worker_MB emul_MB alone_ms other_p50 other_max others reason
failures=0
for class in "${classes[@]}"; do
  path="$("${generator[@]}" generate "$class" "$bytes" "$work")"
  size="$(stat -c %s "$path")"
  alone_ms="$(other_latency)"
  reset_peaks
  rm -f "$work"/probe.*
  started=$(date +%s.%N)
  id="$(upload "$path")"
  sleep 2
  other_latency >"$work/probe.0" &
  expanded=""
  if [[ "$path" =~ \.(zip|tar|tgz|gz)$ ]]; then # an archive answers when it has expanded; its children take their turn
    until [[ "$(file "$id" | json 'v.archive?.children ?? (["Completed", "Failed"].includes(v.status) ? 0 : "")')" =~ ^[0-9]+$ ]]; do sleep 0.25; done
    expanded="$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
  fi
  probes=1 next_probe=$((SECONDS + probe_every)) deadline=$((SECONDS + 3600))
  until [[ "$(file "$id" | json v.status)" =~ ^(Completed|Failed)$ ]] || ((SECONDS > deadline)); do
    if ((SECONDS >= next_probe)); then other_latency >"$work/probe.$probes" & probes=$((probes + 1)) next_probe=$((SECONDS + probe_every)); fi
    sleep 0.25
  done
  wait
  body="$(file "$id")"
  read -r other_p50 other_max <<<"$(cat "$work"/probe.* | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[NR] }')"
  seconds="$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
  outcome="$(json v.status <<<"$body")"
  reason="$(json '(v.errorMessage ?? (v.archive?.children != null ? `${v.archive.children} children: ${v.archive.childrenCompleted} completed, ${v.archive.childrenFailed} failed` : (v.outputs?.length + " outputs"))).slice(0, 110)' <<<"$body")"
  [[ -z "$expanded" ]] || reason="expanded after $expanded s; $reason"
  worker_mb="$(workers_peak_mb)"
  printf '%-24s %8s %-10s %8s %10s %10s %8s %9s %9s %6s  %s\n' "$class" "$size" "$outcome" "$seconds" "$worker_mb" "$(peak_mb "$emulator")" \
    "$alone_ms" "$other_p50" "$other_max" "$probes" "$reason"
  verdict=""
  [[ "$outcome" =~ ^(Completed|Failed)$ ]] && awk -v s="${expanded:-$seconds}" 'BEGIN { exit !(s <= 60) }' || verdict+=" no answer within 60 s;"
  ((worker_mb < 512)) || verdict+=" worker peak ${worker_mb} MB;"
  allowed_ms=$((alone_ms * 3 > 5000 ? alone_ms * 3 : 5000))
  [[ "$other_max" =~ ^[0-9]+$ ]] && ((other_max <= allowed_ms)) || verdict+=" another file took ${other_max} ms (allowed ${allowed_ms});"
  [[ -z "$verdict" ]] || { echo "  FAIL $class:$verdict"; failures=$((failures + 1)); }
done
echo
((failures == 0)) && echo "PASS: every class answered within 60 s, worker peak below 512 MB, other files on time" ||
  echo "FAIL: $failures of ${#classes[@]} classes missed a target"
exit $((failures > 0))
