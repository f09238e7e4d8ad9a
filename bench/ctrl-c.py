#!/usr/bin/env python3
# bench/ctrl-c.py: how long `./sagafiles up` takes to stop after Ctrl-C (issue 14 asks for at most 5 s).
# Runs `./sagafiles up` in a pseudo-terminal (a script run in the background ignores SIGINT, so a plain kill -INT
# measures nothing), presses Ctrl-C five seconds after it is up, and times until every process of the stack's
# session is gone. Usage: python3 bench/ctrl-c.py [repository root]
# Runs ./sagafiles up in a pseudo-terminal, presses Ctrl-C once it is up, and times until every process of the stack is gone.
import os, pty, sys, time, subprocess, select
root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
pid, fd = pty.fork()
if pid == 0:
    os.chdir(root); os.execvp("./sagafiles", ["./sagafiles", "up"])
buf = b""; start = time.time()
while b"Ctrl-C stops everything" not in buf:
    r, _, _ = select.select([fd], [], [], 1)
    if r:
        try: buf += os.read(fd, 65536)
        except OSError: break
    if time.time() - start > 900: print("did not come up"); sys.exit(1)
print(f"up after {time.time()-start:.1f} s"); sys.stdout.flush()
time.sleep(5)
host = int(open(os.path.join(root, ".stack", "stack.pid")).read())
session = os.getsid(host)  # the host runs in its own session (setsid); the API, workers, Postgres and fauxqs are in it
def stack_pids():
    out = subprocess.run(["ps", "-eo", "pid=,sid="], capture_output=True, text=True).stdout
    return [pid for pid, sid in (line.split() for line in out.splitlines()) if int(sid) == session]
print("before:", len(stack_pids()), "processes")
t0 = time.time()
os.write(fd, b"\x03")
script_done = None
while True:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try: buf += os.read(fd, 65536)
        except OSError: pass
    if script_done is None:
        w, status = os.waitpid(pid, os.WNOHANG)
        if w: script_done = time.time() - t0
    left = stack_pids()
    if script_done is not None and not left:
        break
    if time.time() - t0 > 120: print("still running:", left); break
print(f"script exited after {script_done} s; every stack process gone after {time.time()-t0:.1f} s")
print(buf.decode(errors="replace")[-600:])
