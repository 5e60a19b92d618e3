#!/usr/bin/env python3
"""peak.py CMD ARGS...: run CMD and print its wall time, the CPU time of CMD
and of every process below it (the browser and its renderers included, which
wait(2) does not count: the browser is killed, not reaped by its children),
and the peak of their summed RSS and PSS, sampled every 50 ms from /proc.
PSS splits shared pages (Chromium's code, mapped by each of its processes)
among the processes sharing them, so it is the honest "together"; RSS sums
count them once per process.

    python3 server/export/testdata/peak.py ./podium export -o /tmp/x.pdf DIR
"""
import os, subprocess, sys, time

HZ = os.sysconf("SC_CLK_TCK")

def table():
    procs = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                st = f.read()
        except OSError:
            continue
        rest = st[st.rindex(")") + 2:].split()
        procs[int(pid)] = (int(rest[1]), int(rest[11]) + int(rest[12]))  # ppid, utime+stime
    return procs

def mem(pid):
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss

start = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
cpu = {}  # pid -> last seen ticks
names = {}  # pid -> what it is, for PEAK_DETAIL=1
tree = {p.pid}
peak_rss = peak_pss = 0
while p.poll() is None:
    procs = table()
    for pid, (ppid, _) in procs.items():
        if ppid in tree:
            tree.add(pid)
    rss = pss = 0
    for pid in list(tree):
        if pid in procs:
            cpu[pid] = procs[pid][1]
            if pid not in names:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        args = f.read().split(b"\0")
                    kind = next((a.decode() for a in args if a.startswith(b"--type=")), "")
                    names[pid] = os.path.basename(args[0].decode()) + " " + kind
                except (OSError, IndexError):
                    pass
            r, s = mem(pid)
            rss += r
            pss += s
    peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
    time.sleep(0.05)
wall = time.monotonic() - start
err = p.stderr.read().decode(errors="replace")
print(f"wall {wall:.2f} s  cpu {sum(cpu.values()) / HZ:.2f} s  peak RSS {peak_rss // 1024} MB  peak PSS {peak_pss // 1024} MB  exit {p.returncode}")
if os.environ.get("PEAK_DETAIL"):
    for pid, t in sorted(cpu.items(), key=lambda x: -x[1]):
        print(f"  {t / HZ:6.2f} s  {names.get(pid, '?')}")
if p.returncode:
    print(err[-2000:])
