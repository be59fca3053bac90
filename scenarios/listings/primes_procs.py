# primes --mode procs: worker processes take numbers from a job queue and
# put results on a result queue (after the book's procs.py).
import math
import sys
from multiprocessing import Process, SimpleQueue, queues
from time import perf_counter
from typing import NamedTuple
from os import cpu_count

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
    prime: bool
    elapsed: float


JobQueue = queues.SimpleQueue[int]
ResultQueue = queues.SimpleQueue[PrimeResult]


def check(n: int) -> PrimeResult:
    t0 = perf_counter()  # line: CHECK
    res = is_prime(n)
    return PrimeResult(n, res, perf_counter() - t0)


def worker(jobs: JobQueue, results: ResultQueue) -> None:
    while n := jobs.get():  # line: WORKER_GET
        results.put(check(n))  # line: WORKER_PUT
    results.put(PrimeResult(0, False, 0.0))  # line: WORKER_DONE


def start_jobs(workers: int, jobs: JobQueue, results: ResultQueue) -> None:
    for n in NUMBERS:
        jobs.put(n)  # line: PUT_JOB
    for _ in range(workers):
        proc = Process(target=worker, args=(jobs, results))  # line: START_WORKER
        proc.start()
        jobs.put(0)  # line: POISON


def report(workers: int, results: ResultQueue) -> int:
    checked = 0
    workers_done = 0
    while workers_done < workers:
        n, prime, elapsed = results.get()  # line: RESULT_GET
        if n == 0:
            workers_done += 1  # line: WORKER_COUNTED
        else:
            checked += 1
            label = 'P' if prime else ' '
            print(f'{n:16}  {label} {elapsed:9.6f}s')  # line: REPORT
    return checked


def main() -> None:
    if len(sys.argv) < 2:
        workers = cpu_count()
    else:
        workers = int(sys.argv[1])
    print(f'Checking {len(NUMBERS)} numbers with {workers} processes:')  # line: MAIN_START
    t0 = perf_counter()
    jobs: JobQueue = SimpleQueue()
    results: ResultQueue = SimpleQueue()
    start_jobs(workers, jobs, results)  # line: MAIN_JOBS
    checked = report(workers, results)  # line: MAIN_REPORT
    elapsed = perf_counter() - t0
    print(f'{checked} checks in {elapsed:.2f}s')  # line: TOTAL


if __name__ == '__main__':
    main()
