# primes --mode sequential: one thread checks every number in turn
# (after the book's sequential.py; is_prime as in its primes.py).
import math
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


class Result(NamedTuple):
    prime: bool
    elapsed: float


def check(n: int) -> Result:
    t0 = perf_counter()  # line: CHECK
    prime = is_prime(n)
    return Result(prime, perf_counter() - t0)


def main() -> None:
    print(f'Checking {len(NUMBERS)} numbers sequentially:')  # line: MAIN_START
    t0 = perf_counter()
    for n in NUMBERS:  # line: FOR_NUMBER
        prime, elapsed = check(n)  # line: CALL_CHECK
        label = 'P' if prime else ' '
        print(f'{n:16}  {label} {elapsed:9.6f}s')  # line: REPORT
    elapsed = perf_counter() - t0
    print(f'Total time: {elapsed:.2f}s')  # line: TOTAL


if __name__ == '__main__':
    main()
