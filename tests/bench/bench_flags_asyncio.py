#!/usr/bin/env python3
"""The CPython reference for `concviz flags --mode async`: the book's
flags2_asyncio.py with aiohttp (Debian's python3-aiohttp) instead of
httpx: one task per flag, a semaphore keeping at most CONCURRENCY in
flight, results taken with as_completed.  Run it with /usr/bin/python3.

usage: bench_flags_asyncio.py BASE_URL DEST CONCURRENCY CC...
prints: elapsed=SECONDS ok=N not_found=N errors=N
"""
import asyncio
import sys
import time
from pathlib import Path

import aiohttp


async def download_one(session: aiohttp.ClientSession, base_url: str, dest: Path, cc: str,
                       semaphore: asyncio.Semaphore) -> str:
    url = f'{base_url}/{cc}/{cc}.gif'.lower()
    try:
        async with semaphore:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=3.1)) as resp:
                if resp.status == 404:
                    return 'not_found'
                resp.raise_for_status()
                image = await resp.read()
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return 'errors'
    (dest / f'{cc}.gif').write_bytes(image)
    return 'ok'


async def supervisor(base_url: str, dest: Path, concur: int, cc_list: list) -> dict:
    counter = {'ok': 0, 'not_found': 0, 'errors': 0}
    semaphore = asyncio.Semaphore(concur)
    connector = aiohttp.TCPConnector(limit=max(concur, 100))
    async with aiohttp.ClientSession(connector=connector) as session:
        to_do = [download_one(session, base_url, dest, cc, semaphore) for cc in cc_list]
        for coro in asyncio.as_completed(to_do):
            counter[await coro] += 1
    return counter


def main() -> None:
    base_url, dest, concur = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    cc_list = sorted(sys.argv[4:])
    dest.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    counter = asyncio.run(supervisor(base_url, dest, min(concur, len(cc_list)), cc_list))
    elapsed = time.perf_counter() - t0
    print(f'elapsed={elapsed:.4f} ok={counter["ok"]} not_found={counter["not_found"]} '
          f'errors={counter["errors"]}')


if __name__ == '__main__':
    main()
