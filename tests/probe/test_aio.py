"""Tests of the probe's asyncio part (src/probe/concviz_probe/aio.py).

Each test starts a real Python program as `concviz run` would: a FIFO made
here is named by CONCVIZ_EVENTS, PYTHONPATH leads to the probe, and a thread
of the test drains the FIFO while the program runs.  The assertions read the
events the program wrote.  Every test runs under each Python found among
this one, Debian's /usr/bin/python3 and the `python3` on PATH, since the
probe leans on asyncio's internals (`_PyTask`) and must fit each.

Timing bounds are generous: the machine is shared and loaded.
"""
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "src", "probe"))
TASK_STATES = {"created", "scheduled", "running", "suspended", "done", "failed", "cancelled"}
LOOP_STATES = {"polling", "running", "idle"}


def interpreters():
    """This Python, Debian's and the one on PATH, and any listed in
    CONCVIZ_TEST_PYTHONS (separated by ':'), each once."""
    found = []
    extra = [p for p in os.environ.get("CONCVIZ_TEST_PYTHONS", "").split(":") if p]
    for exe in (sys.executable, "/usr/bin/python3", shutil.which("python3"), *extra):
        if not exe or not os.path.exists(exe):
            continue
        real = os.path.realpath(exe)
        if all(os.path.realpath(f) != real for f in found):
            found.append(exe)
    return found


class Run:
    """A finished program: its events, output and exit status."""

    def __init__(self, events, stdout, stderr, status):
        self.events, self.stdout, self.stderr, self.status = events, stdout, stderr, status

    def tasks(self, **match):
        return [e for e in self.events if e["kind"] == "task"
                and all(e.get(k) == v for k, v in match.items())]

    def task_id(self, label):
        created = self.tasks(label=label, state="created")
        if len(created) != 1:
            raise AssertionError(f"{len(created)} tasks labelled {label!r} created")
        return created[0]["id"]

    def states(self, task_id):
        return [e["state"] for e in self.tasks(id=task_id)]


def run(python, source, args=(), probe=True, timeout=60, where=None):
    """Runs `source` as a script under `python`, with the probe's channel
    when `probe`, and returns a Run.  The script is written in `where` (a
    directory of its own by default)."""
    tmp = tempfile.mkdtemp(prefix="cv-aio-", dir=where)
    try:
        script = os.path.join(where or tmp, "prog.py")
        with open(script, "w") as f:
            f.write(textwrap.dedent(source))
        env = dict(os.environ)
        for k in ("CONCVIZ_EVENTS", "CONCVIZ_T0_NS", "CONCVIZ_PROBE_MODE", "CONCVIZ_PARENT_PID"):
            env.pop(k, None)
        chunks = []
        reader = None
        if probe:
            fifo = os.path.join(tmp, "events")
            os.mkfifo(fifo, 0o600)
            # Opened without blocking, so that a probe that never opens it
            # cannot hang the test; read until the program has exited.
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            env.update(CONCVIZ_EVENTS=fifo, CONCVIZ_T0_NS=str(time.monotonic_ns()),
                       CONCVIZ_PROBE_MODE="headless", CONCVIZ_PARENT_PID=str(os.getpid()),
                       PYTHONPATH=PROBE_DIR + os.pathsep + env.get("PYTHONPATH", ""))
        proc = subprocess.Popen([python, script, *args], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=where or tmp)
        if probe:
            def drain():
                while True:
                    ready, _, _ = select.select([fd], [], [], 0.05)
                    data = os.read(fd, 65536) if ready else b""
                    if data:
                        chunks.append(data)
                    elif proc.poll() is not None:
                        return
                    else:
                        time.sleep(0.005)

            reader = threading.Thread(target=drain)
            reader.start()
        try:
            out, err = proc.communicate(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if reader is not None:
                reader.join()
                os.close(fd)
        events = [json.loads(line) for line in b"".join(chunks).decode().splitlines()]
        return Run(events, out.decode(), err.decode(), proc.returncode)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


SPINNER = """
    import asyncio
    import itertools
    import sys
    import time

    SECONDS = 1.0

    async def spin(msg):
        for char in itertools.cycle(r'\\|/-'):
            status = f'\\r{char} {msg}'
            print(status, flush=True, end='')
            try:
                await asyncio.sleep(.1)
            except asyncio.CancelledError:
                break
        blanks = ' ' * len(status)
        print(f'\\r{blanks}\\r', end='')

    async def slow():
        if sys.argv[1] == 'block':
            time.sleep(SECONDS)
        else:
            await asyncio.sleep(SECONDS)
        return 42

    async def supervisor():
        spinner = asyncio.create_task(spin('thinking!'))
        print(f'spinner object: {spinner}')
        result = await slow()
        spinner.cancel()
        return result

    def main():
        result = asyncio.run(supervisor())
        print(f'Answer: {result}')

    main()
"""

GATHER = """
    import asyncio

    async def work(n):
        await asyncio.sleep(0.05 * n)
        return n * 10

    async def main():
        print(await asyncio.gather(work(1), work(2), work(3)))
        return 7

    print(asyncio.run(main()))
"""

CANCEL = """
    import asyncio

    async def forever():
        await asyncio.sleep(60)

    async def main():
        task = asyncio.create_task(forever())
        await asyncio.sleep(0.05)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            print('cancelled')

    asyncio.run(main())
"""

FAIL = """
    import asyncio

    async def boom():
        await asyncio.sleep(0.01)
        raise ValueError('bad input 17')

    async def main():
        try:
            await asyncio.create_task(boom())
        except ValueError as exc:
            print('caught', exc)
        await boom()

    asyncio.run(main())
"""

AWAIT_TASK = """
    import asyncio

    async def child():
        await asyncio.sleep(0.05)
        return 'c'

    async def parent():
        task = asyncio.create_task(child())
        return await task

    async def main():
        event = asyncio.Event()
        async def setter():
            event.set()
        waiter = asyncio.create_task(event.wait())
        await asyncio.sleep(0.01)
        asyncio.create_task(setter())
        await waiter
        print(await parent())

    asyncio.run(main())
"""

CURRENT = """
    import asyncio
    from concviz_probe import _emit

    async def main():
        print('inside', _emit.current_task())

    print('before', _emit.current_task())
    asyncio.run(main())
    print('after', _emit.current_task())
"""


EAGER = """
    import asyncio

    async def quick():
        return 3

    async def main():
        if not hasattr(asyncio, 'eager_task_factory'):
            print('no eager tasks')
            return
        asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
        print(await asyncio.gather(quick()))

    asyncio.run(main())
"""


TYPES = """
    import asyncio

    async def main():
        task = asyncio.current_task()
        print(isinstance(task, asyncio.Future), isinstance(task, asyncio.Task),
              issubclass(asyncio.Task, asyncio.Future), asyncio.isfuture(task))

    asyncio.run(main())
"""


class AioProbeTest(unittest.TestCase):
    def each_python(self, source, args=(), check=None):
        pythons = interpreters()
        self.assertTrue(pythons)
        for python in pythons:
            with self.subTest(python=python):
                r = run(python, source, args)
                self.well_formed(r)
                check(r)

    def well_formed(self, r):
        """Every line is an event of the contract; task and loop lines
        carry the fields the C side's table requires."""
        self.assertTrue(r.events, f"no events; stderr: {r.stderr}")
        last = {}
        for e in r.events:
            for key in ("t", "kind", "origin", "pid"):
                self.assertIn(key, e)
            if e["kind"] == "task":
                self.assertIn(e["state"], TASK_STATES)
                self.assertGreaterEqual(e["id"], 1)
                self.assertIn("lane", e)
                self.assertIn("label", e)
                if e["state"] != "suspended":
                    self.assertNotIn("awaits", e)
                if e["state"] == "created":
                    self.assertNotIn(e["id"], last, "a task created twice")
                else:
                    self.assertIn(e["id"], last, "a task's line before its creation")
                    self.assertNotIn(last[e["id"]], ("done", "failed", "cancelled"),
                                     "a line after the task's end")
                last[e["id"]] = e["state"]
            elif e["kind"] == "loop":
                self.assertIn(e["state"], LOOP_STATES)
                if e["state"] == "polling":
                    self.assertGreaterEqual(e["timeout_us"], -1)
        for tid, state in last.items():
            self.assertIn(state, ("done", "failed", "cancelled"), f"task {tid} never ended")

    def test_spinner_awaiting_sleep_lets_spin_run(self):
        def check(r):
            sup, spin = r.task_id("supervisor"), r.task_id("spin")
            self.assertEqual(r.tasks(id=spin, state="created")[0]["by"], sup)
            self.assertNotIn("by", r.tasks(id=sup, state="created")[0])
            suspended = r.tasks(id=sup, state="suspended")
            self.assertEqual(suspended[0]["awaits"], "sleep 1s in slow()")
            start = suspended[0]["t"]
            woke = r.tasks(id=sup, state="scheduled")[0]["t"]
            self.assertGreaterEqual(woke - start, 0.9)
            # spin runs many steps while supervisor sleeps, each suspending
            # on its own sleep, with polls of the loop in between.
            steps = [e for e in r.tasks(id=spin, state="running") if start < e["t"] < woke]
            self.assertGreaterEqual(len(steps), 3)
            self.assertEqual({e["awaits"] for e in r.tasks(id=spin, state="suspended")},
                             {"sleep 0.1s"})
            polls = [e for e in r.events if e["kind"] == "loop" and e["state"] == "polling"
                     and start < e["t"] < woke]
            self.assertGreaterEqual(len(polls), 3)
            self.assertTrue(all(0 <= e["timeout_us"] <= 100000 for e in polls))
            # cancel() wakes spin (code -2); spin catches CancelledError and
            # returns None: it ends done, after supervisor.
            self.assertEqual(r.tasks(id=spin, state="scheduled")[-1].get("code"), -2)
            self.assertEqual(r.states(spin)[-1], "done")
            done = r.tasks(id=sup, state="done")[0]
            self.assertEqual((done["result"], done["value"]), ("42", 42))
            self.assertEqual(r.status, 0)
            self.assertIn("Answer: 42", r.stdout)

        self.each_python(SPINNER, ["sleep"], check)

    def test_spinner_blocking_sleep_freezes_the_loop(self):
        def check(r):
            sup, spin = r.task_id("supervisor"), r.task_id("spin")
            start = r.tasks(id=sup, state="running")[0]["t"]
            end = r.tasks(id=sup, state="done")[0]["t"]
            self.assertGreaterEqual(end - start, 0.9)
            # One step holds the loop: between its start and its end no
            # task steps, no task suspends and the loop does not poll.
            inside = [e for e in r.events if start < e["t"] < end
                      and (e["kind"] == "loop" or e["kind"] == "task"
                           and e["state"] in ("running", "suspended"))]
            self.assertEqual(inside, [])
            self.assertEqual(r.states(sup), ["created", "running", "done"])
            # spin never ran: cancel() reached it while it waited to start.
            self.assertEqual(r.states(spin), ["created", "scheduled", "cancelled"])
            self.assertEqual(r.tasks(id=spin, state="scheduled")[0]["code"], -2)
            self.assertIn("Answer: 42", r.stdout)

        self.each_python(SPINNER, ["block"], check)

    def test_gather_of_three(self):
        def check(r):
            main = r.task_id("main")
            works = r.tasks(label="work", state="created")
            self.assertEqual(len(works), 3)
            self.assertTrue(all(e["by"] == main for e in works))
            self.assertEqual(r.tasks(id=main, state="suspended")[0]["awaits"], "gather")
            ends = [r.tasks(id=w["id"], state="done")[0] for w in works]
            self.assertEqual([e["value"] for e in ends], [10, 20, 30])
            self.assertEqual([e["t"] for e in ends], sorted(e["t"] for e in ends))
            # main is woken only once the last one is done, and after its
            # done line.
            woke = r.tasks(id=main, state="scheduled")[0]
            self.assertGreater(r.events.index(woke), r.events.index(ends[-1]))
            final = r.tasks(id=main, state="done")[0]
            self.assertEqual((final["result"], final["value"]), ("7", 7))
            self.assertEqual(r.stdout, "[10, 20, 30]\n7\n")

        self.each_python(GATHER, (), check)

    def test_cancelled_task(self):
        def check(r):
            main, forever = r.task_id("main"), r.task_id("forever")
            self.assertEqual(r.tasks(id=forever, state="suspended")[0]["awaits"], "sleep 60s")
            self.assertEqual(r.states(forever),
                             ["created", "running", "suspended", "scheduled", "running",
                              "cancelled"])
            self.assertEqual(r.tasks(id=forever, state="scheduled")[0]["code"], -2)
            # main awaited it and wakes with its cancellation.
            waits = r.tasks(id=main, state="suspended")
            self.assertEqual((waits[-1]["awaits"], waits[-1]["on"]), ("forever", forever))
            self.assertEqual(r.tasks(id=main, state="scheduled")[-1]["code"], -2)
            self.assertEqual(r.states(main)[-1], "done")
            self.assertEqual(r.stdout, "cancelled\n")

        self.each_python(CANCEL, (), check)

    def test_failing_task(self):
        def check(r):
            main = r.task_id("main")
            boom = r.task_id("boom")
            failed = r.tasks(id=boom, state="failed")[0]
            self.assertEqual(failed["error"], "ValueError: bad input 17")
            main_end = r.tasks(id=main)[-1]
            self.assertEqual(main_end["state"], "failed")
            self.assertEqual(main_end["error"], "ValueError: bad input 17")
            self.assertEqual(r.stdout, "caught bad input 17\n")
            self.assertEqual(r.status, 1)
            self.assertTrue(r.stderr.rstrip().endswith("ValueError: bad input 17"))

        self.each_python(FAIL, (), check)

    def test_task_awaiting_another(self):
        def check(r):
            main, parent_ = r.task_id("main"), r.task_id("child")
            waits = r.tasks(id=main, state="suspended")
            waiter = r.task_id("wait")  # a task of asyncio's own Event.wait()
            self.assertEqual(r.tasks(id=waiter, state="suspended")[0]["awaits"], "Event")
            self.assertIn(("wait", waiter), {(e["awaits"], e.get("on")) for e in waits})
            # `await parent()` runs in main's own task: main awaits the
            # child task, inside parent().
            self.assertEqual((waits[-1]["awaits"], waits[-1]["on"]),
                             ("child in parent()", parent_))
            self.assertEqual(r.tasks(id=parent_, state="done")[0]["result"], "'c'")
            self.assertEqual(r.stdout, "c\n")

        self.each_python(AWAIT_TASK, (), check)

    def test_current_task_names_the_running_task(self):
        def check(r):
            main = r.task_id("main")
            self.assertEqual(r.stdout, f"before None\ninside {main}\nafter None\n")

        self.each_python(CURRENT, (), check)

    def test_eager_task_runs_inside_its_creator(self):
        """3.12+: an eager task's first step runs at once, inside the step
        of the task creating it, which then goes on running."""
        def check(r):
            if r.stdout == "no eager tasks\n":
                return
            main, quick = r.task_id("main"), r.task_id("quick")
            lines = [(e["id"], e["state"]) for e in r.tasks()]
            at = lines.index((quick, "created"))
            self.assertEqual(lines[at - 1:at + 4],
                             [(main, "running"), (quick, "created"), (quick, "running"),
                              (quick, "done"), (main, "running")])
            self.assertEqual(r.stdout, "[3]\n")

        self.each_python(EAGER, (), check)

    def test_no_asyncio_no_cost(self):
        source = """
            import sys
            print('asyncio' in sys.modules)
        """
        for python in interpreters():
            with self.subTest(python=python):
                r = run(python, source)
                self.assertEqual(r.stdout, "False\n")
                self.assertFalse([e for e in r.events if e["kind"] in ("task", "loop")])

    def test_behaviour_unchanged(self):
        """The program's output and exit status are the same with and
        without the probe (the task's repr too: it is printed)."""
        cases = [(SPINNER, ["sleep"]), (SPINNER, ["block"]), (GATHER, []), (CANCEL, []),
                 (FAIL, []), (AWAIT_TASK, []), (TYPES, [])]
        for python in interpreters():
            for source, args in cases:
                with self.subTest(python=python, program=source.split("\n")[1:3], args=args):
                    # The same path for both runs: the task's repr names it.
                    where = tempfile.mkdtemp(prefix="cv-aio-same-")
                    try:
                        bare = run(python, source, args, probe=False, where=where)
                        probed = run(python, source, args, where=where)
                    finally:
                        shutil.rmtree(where, ignore_errors=True)
                    self.assertTrue(probed.events)
                    self.assertEqual(probed.stdout, bare.stdout)
                    self.assertEqual(probed.status, bare.status)
                    self.assertEqual(probed.stderr.strip().splitlines()[-1:],
                                     bare.stderr.strip().splitlines()[-1:])


if __name__ == "__main__":
    unittest.main(verbosity=2)
