# primes --mode pool: a ProcessPoolExecutor maps check over the numbers
# and main prints the results in submission order (after the book's
# proc_pool.py).
import math
import sys
from concurrent import futures
from time import perf_counter
from typing import NamedTuple

from primes import NUMBERS


def is_prime(n: int) -> bool:
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    root = math.isqrt(n)  # line: ISQRT
    for i in range(3, root + 1, 2):  # line: DIVIDE
        if n % i == 0:
            return False
    return True


class PrimeResult(NamedTuple):
    n: int
    flag: bool
    elapsed: float


def check(n: int) -> PrimeResult:
    t0 = perf_counter()  # line: CHECK
    res = is_prime(n)
    return PrimeResult(n, res, perf_counter() - t0)


def main() -> None:
    if len(sys.argv) < 2:
        workers = None
    else:
        workers = int(sys.argv[1])
    executor = futures.ProcessPoolExecutor(workers)  # line: EXECUTOR
    actual_workers = executor._max_workers  # type: ignore
    print(f'Checking {len(NUMBERS)} numbers with {actual_workers} processes:')  # line: MAIN_START
    t0 = perf_counter()
    numbers = sorted(NUMBERS, reverse=True)
    with executor:
        for n, prime, elapsed in executor.map(check, numbers):  # line: MAP
            label = 'P' if prime else ' '
            print(f'{n:16}  {label} {elapsed:9.6f}s')  # line: REPORT
    time = perf_counter() - t0
    print(f'Total time: {time:.2f}s')  # line: TOTAL


if __name__ == '__main__':
    main()
