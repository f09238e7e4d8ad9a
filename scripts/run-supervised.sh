#!/usr/bin/env bash
# run-supervised.sh PARENT_PID -- command [args...]
#
# Runs the command in a new session (so it and everything it forks share one process group) and stops that whole
# group when PARENT_PID goes away (even if the parent was SIGKILLed), when this wrapper gets SIGTERM/SIGINT/SIGHUP,
# or when the command itself exits. Stop = SUPERVISED_STOP_SIGNAL (default TERM; use INT for Postgres = fast
# shutdown) to the group, then SIGKILL after SUPERVISED_GRACE_SECONDS (default 10). Exits with the command's status.
set -uo pipefail

usage() { echo "usage: $0 PARENT_PID -- command [args...]" >&2; exit 64; }
[[ $# -ge 3 && "$1" =~ ^[0-9]+$ && "$2" == "--" ]] || usage
parent="$1"; shift 2

stop_signal="${SUPERVISED_STOP_SIGNAL:-TERM}"
grace="${SUPERVISED_GRACE_SECONDS:-10}"
poll="${SUPERVISED_POLL_SECONDS:-0.5}"

# Process start time (field 22 of /proc/PID/stat, after the parenthesised comm) guards against pid reuse.
start_time() { local s; s="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1; s="${s##*) }"; set -- $s; echo "${20}"; }
parent_start="$(start_time "$parent")" || { echo "run-supervised: parent $parent is not running" >&2; exit 70; }
parent_alive() { [[ "$(start_time "$parent" 2>/dev/null)" == "$parent_start" ]]; }

# Without job control a background job is not a group leader, so setsid(1) calls setsid() in-process and execs:
# $child is the command's pid, its session id and its process group id.
setsid "$@" &
child=$!
# Our stdout/stderr may be a pipe to the dead parent: a message must not kill us (SIGPIPE) before the group is stopped.
# Set only now, so that the command keeps the default SIGPIPE disposition.
trap '' PIPE

group_alive() { kill -0 -- "-$child" 2>/dev/null; }
stop_group() {
  trap '' TERM INT HUP
  group_alive || return 0
  kill "-$stop_signal" -- "-$child" 2>/dev/null
  local deadline=$((SECONDS + grace))
  while group_alive && ((SECONDS < deadline)); do sleep 0.1; done
  if group_alive; then
    echo "run-supervised: group $child still running after ${grace}s, sending KILL" >&2
    kill -KILL -- "-$child" 2>/dev/null
  fi
}

stopping=0
trap 'stopping=1' TERM INT HUP
while ((stopping == 0)) && kill -0 "$child" 2>/dev/null && parent_alive; do
  sleep "$poll" & wait $! 2>/dev/null   # a trapped signal interrupts wait at once
done

stop_group
wait "$child" 2>/dev/null
status=$?
((stopping)) && exit 143
exit "$status"
