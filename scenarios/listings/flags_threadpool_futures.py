# flags, --mode futures: five downloads on three threads, each future
# printed when it is submitted and when as_completed hands it back (after
# the book's flags_threadpool_futures.py, with flags.py's helpers inline).
import time
from concurrent import futures
from pathlib import Path

import httpx

BASE_URL = 'http://localhost:8001/flags'
DEST_DIR = Path('downloaded')


def get_flag(cc: str) -> bytes:
    url = f'{BASE_URL}/{cc}/{cc}.gif'.lower()
    resp = httpx.get(url, timeout=6.1, follow_redirects=True)  # line: GET
    resp.raise_for_status()  # line: RAISE
    return resp.content


def save_flag(img: bytes, filename: str) -> None:
    (DEST_DIR / filename).write_bytes(img)  # line: SAVE


def download_one(cc: str) -> str:
    image = get_flag(cc)  # line: DOWNLOAD
    save_flag(image, f'{cc}.gif')
    print(cc, flush=True)  # line: PRINT_CC
    return cc  # line: RETURN


def download_many(cc_list: list[str]) -> int:
    cc_list = cc_list[:5]
    with futures.ThreadPoolExecutor(max_workers=3) as executor:  # line: EXECUTOR
        to_do: list[futures.Future] = []
        for cc in sorted(cc_list):
            future = executor.submit(download_one, cc)  # line: SUBMIT
            to_do.append(future)
            print(f'Scheduled for {cc}: {future}')  # line: SCHEDULED
        for count, future in enumerate(futures.as_completed(to_do), 1):  # line: AS_COMPLETED
            res: str = future.result()
            print(f'{future} result: {res!r}')  # line: RESULT
    return len(to_do)  # line: RETURN_COUNT


POP20_CC = ('CN IN US ID BR PK NG BD RU JP '
            'MX PH VN ET EG DE IR TR CD FR').split()


def main() -> None:
    DEST_DIR.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    count = download_many(POP20_CC)
    elapsed = time.perf_counter() - t0
    print(f'\n{count} downloads in {elapsed:.2f}s')


if __name__ == '__main__':
    main()
