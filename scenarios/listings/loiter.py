# loiter: executor.map runs loiter(0..4) on three threads (after the
# book's demo_executor_map.py); results come back in submission order.
from time import sleep, strftime
from concurrent import futures


def display(*args):
    print(strftime('[%H:%M:%S]'), end=' ')
    print(*args)


def loiter(n):
    indent = '\t' * n
    display(f'{indent}loiter({n}): doing nothing for {n}s...')  # line: LOITER_START
    sleep(n)  # line: LOITER_SLEEP
    display(f'{indent}loiter({n}): done.')  # line: LOITER_DONE
    return n * 10  # line: LOITER_RETURN


def main():
    display('Script starting.')  # line: MAIN_START
    executor = futures.ThreadPoolExecutor(max_workers=3)  # line: EXECUTOR
    results = executor.map(loiter, range(5))  # line: MAP
    display('results:', results)  # line: SHOW_RESULTS
    display('Waiting for individual results:')  # line: WAITING
    for i, result in enumerate(results):  # line: FOR_RESULT
        display(f'result {i}: {result}')  # line: RESULT


if __name__ == '__main__':
    main()
