# Sourced by the benchmarks that drive the stack `./sagafiles up` runs (started detached when nothing runs): the API's
# address and key, its processes and their peak RSS, and helpers to upload a file and wait for its outcome.
# shellcheck shell=bash
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(eval(process.argv[1])??"")})' "$1"; }

./sagafiles status | grep "running (mode" >/dev/null || ./sagafiles up --detach >/dev/null
# shellcheck disable=SC1091
source .stack/stack.env
auth="Authorization: Bearer $(cat .stack/api-key)"
api="http://localhost:$API_PORT"

# The stack's processes: the stack host leads a session of its own, where a supervisor (scripts/run-supervised.sh)
# runs each process in a session of the process's own.
session="$(ps -o sid= -p "$(cat .stack/stack.pid)" | tr -d ' ')"
pids_of() {
  local supervisor
  for supervisor in $(ps -eo pid=,sid=,args= | awk -v s="$session" -v pattern="$1" '$2 == s && $0 ~ pattern { print $1 }'); do
    ps -o pid=,args= --ppid "$supervisor" | awk '$2 != "sleep" { print $1 }'
  done
}
read -r -a workers <<<"$(pids_of 'SagaFiles\.Worker' | tr '\n' ' ')"
emulator="$(pids_of 'fauxqs' | head -n 1)"
((${#workers[@]})) && [[ -n "$emulator" ]] || { echo "the stack's workers or emulator were not found" >&2; exit 1; }
peak_mb() { awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
reset_peaks() { local pid; for pid in "${workers[@]}" "$emulator"; do echo 5 >"/proc/$pid/clear_refs"; done; }
# The highest peak RSS (MB) of the workers since reset_peaks.
workers_peak_mb() {
  local pid mb peak=0
  for pid in "${workers[@]}"; do mb="$(peak_mb "$pid")"; ((mb > peak)) && peak=$mb; done
  echo "$peak"
}

upload() { curl -sf -H "$auth" -F "file=@$1" "$api/files" | json v.id; }
file() { curl -sf -H "$auth" "$api/files/$1"; }
# settle ID LIMIT-SECONDS: waits for Completed or Failed; prints the file's JSON (whatever it is at the limit).
settle() {
  local deadline=$((SECONDS + $2)) body
  while :; do
    body="$(file "$1")"
    [[ "$(json v.status <<<"$body")" =~ ^(Completed|Failed)$ ]] || ((SECONDS >= deadline)) || { sleep 0.25; continue; }
    echo "$body"
    return
  done
}
