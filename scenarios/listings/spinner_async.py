# spinner, task side: a coroutine spins while supervisor awaits slow()
# (after the book's spinner_async.py).
import asyncio
import itertools


async def spin(msg: str) -> None:
    for char in itertools.cycle(r'\|/-'):  # line: SPIN_LOOP
        status = f'\r{char} {msg}'
        print(status, flush=True, end='')  # line: SPIN_FRAME
        try:
            await asyncio.sleep(.1)  # line: SPIN_WAIT
        except asyncio.CancelledError:  # line: SPIN_CANCELLED
            break
    blanks = ' ' * len(status)
    print(f'\r{blanks}\r', end='')  # line: SPIN_CLEAR


async def slow() -> int:
    await asyncio.sleep(3)  # line: SLOW_SLEEP
    # --work block: time.sleep(3) instead, which blocks the loop
    # time.sleep(3)  # line: SLOW_BLOCK
    return 42  # line: SLOW_RETURN


async def supervisor() -> int:
    spinner = asyncio.create_task(spin('thinking!'))  # line: SUP_TASK
    print(f'spinner object: {spinner}')
    result = await slow()  # line: SUP_SLOW
    spinner.cancel()  # line: SUP_CANCEL
    return result


def main() -> None:
    result = asyncio.run(supervisor())  # line: MAIN
    print(f'Answer: {result}')  # line: ANSWER


if __name__ == '__main__':
    main()
