"""The probe's overhead (not run by ctest; numbers for the report).

    python3 tests/probe/bench_overhead.py URL_BASE [RUNS]

runs a flags-style program (a ThreadPoolExecutor doing 20 GETs of
URL_BASE/f1.gif .. f20.gif, e.g. a directory served by `python3 -m
http.server`) RUNS times plain and RUNS times under the probe (its FIFO
drained by this script), and prints the median wall times and their
ratio; then the emitter's events per second."""
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = os.path.join(HERE, "..", "..", "src", "probe")
PROGRAM = """
import sys
from concurrent import futures
import urllib.request
def get(i):
    with urllib.request.urlopen(f'{sys.argv[1]}/f{i}.gif', timeout=10) as r:
        data = r.read()
    print(f'f{i}', end=' ', flush=True)
    return len(data)
with futures.ThreadPoolExecutor(max_workers=20) as ex:
    print(sum(ex.map(get, range(1, 21))))
"""
MICRO = """
import time
from concviz_probe import _emit
N = 50000
t = time.perf_counter()
for i in range(N):
    _emit.emit("log", lane=0, text="hello world")
print(f"{N / (time.perf_counter() - t):.0f}")
"""


def timed(args, probe):
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        drained = [0]
        if probe:
            fifo = os.path.join(tmp, "ev")
            os.mkfifo(fifo)
            env.update(CONCVIZ_EVENTS=fifo, CONCVIZ_T0_NS=str(time.monotonic_ns()),
                       CONCVIZ_PROBE_MODE="headless", CONCVIZ_PARENT_PID=str(os.getpid()),
                       PYTHONPATH=PROBE)

            def drain():
                with open(fifo, "rb") as f:
                    for chunk in iter(lambda: f.read(65536), b""):
                        drained[0] += chunk.count(b"\n")

            t = threading.Thread(target=drain, daemon=True)
            t.start()
        start = time.perf_counter()
        out = subprocess.run([sys.executable] + args, env=env, capture_output=True, check=True)
        wall = time.perf_counter() - start
        if probe:
            t.join(5)
        return wall, drained[0], out.stdout


def main():
    if len(sys.argv) < 2:
        print("usage: bench_overhead.py URL_BASE [RUNS]", file=sys.stderr)
        sys.exit(2)
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    plain, probed, events = [], [], 0
    for _ in range(runs):
        plain.append(timed(["-c", PROGRAM, sys.argv[1]], False)[0])
        wall, events, _ = timed(["-c", PROGRAM, sys.argv[1]], True)
        probed.append(wall)
    p, q = statistics.median(plain), statistics.median(probed)
    print(f"20 GETs, {runs} runs each: plain median {p:.3f}s, probe median {q:.3f}s "
          f"({events} events), ratio {q / p:.2f}")
    _, _, out = timed(["-c", MICRO], True)
    print(f"emitter: {int(out)} events/s")


if __name__ == "__main__":
    main()
