"""CPython's ThreadPoolExecutor on the same measurement as bench_futures.c:
submit 100 000 no-op calls, wait for all, total time / calls; median of 5."""
import statistics
import time
from concurrent.futures import ThreadPoolExecutor, wait

CALLS = 100_000


def noop():
    return 1


def one_run():
    t0 = time.perf_counter()
    with ThreadPoolExecutor() as ex:
        fs = [ex.submit(noop) for _ in range(CALLS)]
        wait(fs)
        elapsed = time.perf_counter() - t0
    return elapsed * 1e6 / CALLS


runs = [one_run() for _ in range(5)]
print(f"cpython_us_per_future={statistics.median(runs):.3f}")
