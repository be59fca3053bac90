#!/usr/bin/env python3
"""The CPython reference for `concviz flags --mode threadpool`: the book's
flags2_threadpool.py with urllib instead of httpx (the standard library
only), one future per flag, results taken with as_completed.

usage: bench_flags_threads.py BASE_URL DEST CONCURRENCY CC...
prints: elapsed=SECONDS ok=N not_found=N errors=N
"""
import sys
import time
import urllib.error
import urllib.request
from concurrent import futures
from pathlib import Path


def download_one(base_url: str, dest: Path, cc: str) -> str:
    url = f'{base_url}/{cc}/{cc}.gif'.lower()
    try:
        with urllib.request.urlopen(url, timeout=3.1) as resp:
            image = resp.read()
    except urllib.error.HTTPError as exc:
        return 'not_found' if exc.code == 404 else 'errors'
    except OSError:
        return 'errors'
    (dest / f'{cc}.gif').write_bytes(image)
    return 'ok'


def main() -> None:
    base_url, dest, concur = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    cc_list = sorted(sys.argv[4:])
    dest.mkdir(parents=True, exist_ok=True)
    counter = {'ok': 0, 'not_found': 0, 'errors': 0}
    t0 = time.perf_counter()
    with futures.ThreadPoolExecutor(max_workers=min(concur, len(cc_list))) as executor:
        to_do_map = {executor.submit(download_one, base_url, dest, cc): cc for cc in cc_list}
        for future in futures.as_completed(to_do_map):
            counter[future.result()] += 1
    elapsed = time.perf_counter() - t0
    print(f'elapsed={elapsed:.4f} ok={counter["ok"]} not_found={counter["not_found"]} '
          f'errors={counter["errors"]}')


if __name__ == '__main__':
    main()
