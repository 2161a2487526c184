#!/usr/bin/env python3
"""Where a server's threads spend a drain: every 5 ms, the state of each
thread (R running or runnable, S sleeping, D waiting on the disk) and, when
not running, the kernel function it waits in (wchan: futex_do_wait for a
lock or a join, hrtimer_nanosleep for a sleep such as SQLite's busy
handler, submit_bio_wait for an fsync). Prints the samples per thread and
state, most first; the HTTP workers idle in epoll are counted together.
    bench/threadstates.py PID SECONDS"""
import collections
import os
import sys
import time

pid, secs = sys.argv[1], float(sys.argv[2])
count = collections.Counter()
rounds = 0
end = time.time() + secs
while time.time() < end:
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        break
    rounds += 1
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                st = f.read()
            comm = st[st.index("(") + 1:st.rindex(")")]
            state = st[st.rindex(")") + 2]
            wchan = ""
            if state != "R":
                with open(f"/proc/{pid}/task/{tid}/wchan") as f:
                    wchan = f.read().strip()
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        who = "http workers" if comm == "MHD-worker" else f"thread {tid}"
        count[(who, state, wchan)] += 1
    time.sleep(0.005)
print(f"{rounds} samples of every thread")
for (who, state, wchan), n in count.most_common(25):
    print(f"{n:7d} {100.0 * n / max(rounds, 1):6.1f} %  {who:14s} {state} {wchan}")
