# spinner, process side: a child process spins while main blocks in
# slow() (after the book's spinner_proc.py).
import itertools
import time
from multiprocessing import Process, Event
from multiprocessing import synchronize


def spin(msg: str, done: synchronize.Event) -> None:
    for char in itertools.cycle(r'\|/-'):  # line: SPIN_LOOP
        status = f'\r{char} {msg}'
        print(status, end='', flush=True)  # line: SPIN_FRAME
        if done.wait(.1):  # line: SPIN_WAIT
            break
    blanks = ' ' * len(status)
    print(f'\r{blanks}\r', end='')  # line: SPIN_CLEAR


def slow() -> int:
    time.sleep(3)  # line: SLOW_SLEEP
    return 42  # line: SLOW_RETURN


def supervisor() -> int:
    done = Event()
    spinner = Process(target=spin, args=('thinking!', done))  # line: SUP_PROCESS
    print(f'spinner object: {spinner}')
    spinner.start()  # line: SUP_START
    result = slow()  # line: SUP_SLOW
    done.set()  # line: SUP_DONE
    spinner.join()  # line: SUP_JOIN
    return result


def main() -> None:
    result = supervisor()  # line: MAIN
    print(f'Answer: {result}')  # line: ANSWER


if __name__ == '__main__':
    main()
