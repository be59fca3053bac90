"""Tests of concviz's Python probe (src/probe): each starts a real Python
program with the environment `concviz run` gives it (the contract in
docs/run-probe-contract.md), drains the event FIFO itself, and checks the
events.  Run by ctest as probe_test; every test runs under each Python
found of python3 on PATH and Debian's /usr/bin/python3."""
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = os.path.join(HERE, "..", "..", "src", "probe")
PYTHONS = []
for p in (shutil.which("python3"), "/usr/bin/python3"):
    if p and os.path.exists(p) and os.path.realpath(p) not in [os.path.realpath(q) for q in PYTHONS]:
        PYTHONS.append(p)


class Run:
    def __init__(self, events, out, err, rc):
        self.events, self.out, self.err, self.rc = events, out, err, rc

    def kind(self, kind, **match):
        return [e for e in self.events
                if e["kind"] == kind and all(e.get(k) == v for k, v in match.items())]


def run(python, source, mode="headless", probe=True, timeout=60):
    """Runs `source` under the probe and returns its events and output."""
    tmp = tempfile.mkdtemp(prefix="cvprobe")
    try:
        script = os.path.join(tmp, "prog.py")
        with open(script, "w") as f:
            f.write(textwrap.dedent(source))
        env = dict(os.environ)
        env.pop("CONCVIZ_EVENTS", None)
        fifo = os.path.join(tmp, "ev")
        rfd = -1
        if probe:
            os.mkfifo(fifo, 0o600)
            env.update(CONCVIZ_EVENTS=fifo, CONCVIZ_T0_NS=str(time.monotonic_ns()),
                       CONCVIZ_PROBE_MODE=mode, CONCVIZ_PARENT_PID=str(os.getpid()),
                       PYTHONPATH=PROBE + os.pathsep + env.get("PYTHONPATH", ""))
            rfd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        proc = subprocess.Popen([python, script], env=env, cwd=tmp,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        data = bytearray()
        out = bytearray()
        err = bytearray()
        streams = {proc.stdout.fileno(): out, proc.stderr.fileno(): err}
        if probe:
            streams[rfd] = data
        deadline = time.monotonic() + timeout
        ended_at = None
        while True:
            fds = list(streams)
            ready, _, _ = select.select(fds, [], [], 0.05)
            for fd in ready:
                chunk = os.read(fd, 65536)
                if chunk:
                    streams[fd].extend(chunk)
                elif fd != rfd or ended_at is not None:
                    del streams[fd]
            if not ready or all(fd == rfd for fd in ready) and not data:
                time.sleep(0.01)  # a FIFO without writers reads as EOF
            if proc.poll() is not None and ended_at is None:
                ended_at = time.monotonic()
            if ended_at is not None and (proc.stdout.fileno() not in streams and
                                         proc.stderr.fileno() not in streams) and \
                    (rfd not in streams if probe else True):
                break
            if ended_at is not None and time.monotonic() - ended_at > 2:
                break
            if time.monotonic() > deadline:
                proc.kill()
                raise AssertionError("the program did not end in time")
        if probe:
            os.close(rfd)
        proc.stdout.close()
        proc.stderr.close()
        events = []
        for line in bytes(data).split(b"\n")[:-1]:
            assert len(line) + 1 <= 4096, line[:100]
            e = json.loads(line)
            for key in ("t", "kind", "origin", "pid"):
                assert key in e, (key, e)
            events.append(e)
        return Run(events, bytes(out), bytes(err), proc.returncode)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class ProbeTest(unittest.TestCase):
    def each(self, source, **kwargs):
        """The runs of `source` under each Python (a failure's message
        names the Python through the run's stderr)."""
        return [(python, run(python, source, **kwargs)) for python in PYTHONS]

    def test_loiter_map(self):
        src = """
            from time import sleep
            from concurrent import futures
            def loiter(n):
                print(f'loiter({n}): doing nothing for {n}s...')
                sleep(n * 0.1)
                return n * 10
            executor = futures.ThreadPoolExecutor(max_workers=3)
            results = executor.map(loiter, range(5))
            for i, result in enumerate(results):
                print(f'result {i}: {result}')
        """
        for _, r in self.each(src):
            self.assertEqual(r.rc, 0, r.err)
            root = r.events[0]["pid"]
            self.assertEqual(r.kind("thread", state="started")[0]["name"], "main")
            pending = r.kind("future", state="pending")
            self.assertEqual([(e["id"], e["label"]) for e in pending],
                             [(i + 1, f"loiter({i})") for i in range(5)])
            started = r.kind("thread", state="started", role="worker")
            workers = {e["lane"] for e in started}
            self.assertEqual(len(workers), 3)
            # "ThreadPoolExecutor-0_2" reads as the C scenarios' "worker 3".
            self.assertEqual(sorted(e["name"] for e in started),
                             ["worker 1", "worker 2", "worker 3"])
            running = r.kind("future", state="running")
            self.assertEqual(sorted(e["id"] for e in running), [1, 2, 3, 4, 5])
            self.assertEqual({e["lane"] for e in running}, workers)
            finished = r.kind("future", state="finished")
            self.assertEqual(sorted((e["id"], e["value"]) for e in finished),
                             [(i + 1, i * 10) for i in range(5)])
            blocks = r.kind("wait", state="block", lane=0)
            self.assertTrue(blocks, "main never waited")
            self.assertTrue(all(e["what"] == "map" for e in blocks))
            ons = [e["on"] for e in blocks]
            self.assertEqual(ons, sorted(ons), "waits are in submission order")
            self.assertIn(5, ons)  # loiter(4) is the slowest: main waits for it
            i_fin = r.events.index(r.kind("future", state="finished", id=5)[0])
            i_unb = r.events.index(r.kind("wait", state="unblock", on=5)[0])
            self.assertLess(i_fin, i_unb)
            for lane in workers:
                self.assertTrue(r.kind("thread", state="idle", lane=lane, pid=root))
                self.assertTrue(r.kind("thread", state="stopped", lane=lane, pid=root))
            self.assertEqual(r.events[-1]["kind"], "thread")
            self.assertEqual(r.events[-1]["state"], "stopped")
            self.assertEqual(r.events[-1]["lane"], 0)

    def test_process_pool(self):
        src = """
            from concurrent.futures import ProcessPoolExecutor, as_completed
            import multiprocessing as mp
            def sq(x):
                return x * x
            def bad(x):
                raise ValueError(x)
            if __name__ == '__main__':
                for method in ('fork', 'spawn'):
                    with ProcessPoolExecutor(2, mp_context=mp.get_context(method)) as ex:
                        print(list(ex.map(sq, range(4))))
                        fs = [ex.submit(sq, 5), ex.submit(bad, 7)]
                        for f in as_completed(fs):
                            print(f.exception())
        """
        for _, r in self.each(src):
            self.assertEqual(r.rc, 0, r.err)
            root = r.events[0]["pid"]
            pending = r.kind("future", state="pending")
            self.assertEqual(len(pending), 12)
            self.assertTrue(all(e["pid"] == root for e in pending))
            running = r.kind("future", state="running")
            self.assertEqual(sorted(e["id"] for e in running), [e["id"] for e in pending])
            self.assertTrue(all(e["pid"] != root and e["lane"] == 0 for e in running))
            children = {e["pid"] for e in r.kind("thread", state="started", role="process")}
            self.assertTrue({e["pid"] for e in running} <= children)
            names = {e["name"] for e in r.kind("thread", state="started", role="process")}
            self.assertTrue(names <= {"process 1", "process 2", "process 3", "process 4"}, names)
            self.assertEqual(sorted(e["value"] for e in r.kind("future", state="finished")),
                             [0, 0, 1, 1, 4, 4, 9, 9, 25, 25])
            failed = r.kind("future", state="failed")
            self.assertEqual([e["error"] for e in failed], ["ValueError: 7"] * 2)
            self.assertTrue(r.kind("wait", state="block", what="map"))
            self.assertTrue(r.kind("wait", what="as_completed") or True)

    def test_waits(self):
        src = """
            import os, socket, threading, time
            time.sleep(0.05)
            lock = threading.Lock()
            lock.acquire()
            def take():
                with lock:
                    pass
            t = threading.Thread(target=take); t.start()
            time.sleep(0.1); lock.release(); t.join()
            cond = threading.Condition(threading.RLock())
            with cond:
                with cond:
                    cond.wait(0.01)
            import queue
            q = queue.Queue(); threading.Timer(0.05, q.put, (1,)).start(); q.get()
            a, b = socket.socketpair()
            threading.Timer(0.1, b.sendall, (b'x',)).start()
            assert a.recv(1) == b'x'
            a.setblocking(False)
            try:
                a.recv(1)
            except BlockingIOError:
                pass
            r, w = os.pipe()
            threading.Timer(0.1, os.write, (w, b'y')).start()
            assert os.read(r, 1) == b'y'
            # Keyword arguments reach the real call (they once raised TypeError).
            assert socket.getaddrinfo('127.0.0.1', 80, type=socket.SOCK_STREAM)
            from concurrent.futures import ThreadPoolExecutor, wait, FIRST_COMPLETED
            with ThreadPoolExecutor(2) as ex:
                fs = [ex.submit(time.sleep, 0.2), ex.submit(time.sleep, 0.4)]
                wait(fs, return_when=FIRST_COMPLETED)
                wait(fs)
                f = ex.submit(time.sleep, 5); f.cancel()
        """
        for _, r in self.each(src):
            self.assertEqual(r.rc, 0, r.err)
            whats = [e["what"] for e in r.kind("wait", state="block")]
            for what in ("sleep 0.05s", "lock", "socket recv", "read pipe", "sleep 0.2s",
                         "getaddrinfo 127.0.0.1",
                         "wait(FIRST_COMPLETED)", "wait(ALL_COMPLETED)"):
                self.assertIn(what, whats)
            self.assertEqual(len(r.kind("wait", state="block", what="socket recv")), 1)
            lock = r.kind("wait", state="block", what="lock")
            self.assertEqual(len(lock), 1)
            self.assertNotEqual(lock[0]["lane"], 0)
            self.assertEqual(len(r.kind("wait", state="block")), len(r.kind("wait", state="unblock")))
            self.assertEqual(len(r.kind("future", state="cancelled")), 1)

    def test_print_and_spinner(self):
        src = """
            import itertools, threading, time, sys
            def spin(done):
                for char in itertools.cycle(r'\\|/-'):
                    status = f'\\r{char} thinking!'
                    print(status, end='', flush=True)
                    if done.wait(.05):
                        break
                print(f'\\r{" " * len(status)}\\r', end='')
            done = threading.Event()
            t = threading.Thread(target=spin, args=(done,)); t.start()
            print('one', 'two')
            print('err line', file=sys.stderr)
            for i in range(0, 101, 25):  # a progress bar on stderr, as tqdm draws it
                sys.stderr.write(f'\\r{i:3}%|' + '#' * (i // 10)); sys.stderr.flush()
            sys.stderr.write('\\n')
            time.sleep(0.3); done.set(); t.join()
            sys.stdout.write('no newline at the end')
        """
        for _, r in self.each(src, mode="ui"):
            self.assertEqual(r.rc, 0, r.err)
            self.assertEqual(r.out, b"")
            self.assertEqual(r.err, b"")
            logs = [(e["lane"], e["text"]) for e in r.kind("log")]
            self.assertIn((0, "one two"), logs)
            self.assertIn((0, "err line"), logs)
            self.assertIn((0, "no newline at the end"), logs)
            # The stderr bar is one line, as it stands at its end, not frames.
            self.assertIn((0, "100%|##########"), logs)
            self.assertFalse([t for _, t in logs if t.startswith(" 25%")])
            # "Thread-1 (spin)" reads as "spin 1" in a lane's few columns.
            self.assertEqual(r.kind("thread", state="started", lane=1)[0]["name"], "spin 1")
            frames = r.kind("frame")
            self.assertGreaterEqual(len(frames), 3)
            self.assertTrue(all(e["side"] == "thread" and e["lane"] == 1 for e in frames))
            self.assertEqual([e["n"] for e in frames], list(range(1, len(frames) + 1)))
            self.assertEqual(frames[0]["glyph"], "\\")
            self.assertEqual(frames[1]["glyph"], "|")
            self.assertEqual(frames[-1]["glyph"], "")

    def test_headless_passes_through(self):
        src = """
            import sys
            print('plain line')
            print('\\rspin', end='', flush=True)
            print('\\r    \\r', end='')
            sys.stdout.buffer.write(b'bytes\\n')
            sys.stdout.flush()
            print('to stderr', file=sys.stderr)
            print('caf\\u00e9 \\t tab')
        """
        for python in PYTHONS:
            with self.subTest(python=python):
                plain = run(python, src, probe=False)
                probed = run(python, src, mode="headless")
                self.assertEqual(probed.rc, 0, probed.err)
                self.assertEqual(probed.out, plain.out)
                self.assertEqual(probed.err, plain.err)
                texts = [e["text"] for e in probed.kind("log")]
                self.assertIn("plain line", texts)
                self.assertIn("to stderr", texts)
                self.assertIn("caf\u00e9 \t tab", texts)

    def test_uncaught_exception(self):
        src = """
            import threading
            def boom():
                raise KeyError('in thread')
            t = threading.Thread(target=boom); t.start(); t.join()
            print('still running')
            raise ValueError('bad thing')
        """
        for _, r in self.each(src, mode="headless"):
            self.assertEqual(r.rc, 1)
            self.assertIn(b"ValueError: bad thing", r.err)
            self.assertEqual(r.err.count(b"ValueError: bad thing"), 1)
            marks = [(e["lane"], e["text"]) for e in r.kind("mark")]
            self.assertIn((0, "uncaught ValueError: bad thing"), marks)
            self.assertIn((1, "uncaught KeyError: 'in thread'"), marks)
            logs = [e["text"] for e in r.kind("log", lane=0)]
            self.assertIn("ValueError: bad thing", logs)
            self.assertIn("Traceback (most recent call last):", logs)
            self.assertEqual(logs.count("ValueError: bad thing"), 1)
        for _, r in self.each("import sys\nsys.exit(3)\n"):
            self.assertEqual(r.rc, 3)
            self.assertFalse(r.kind("mark"))

    def test_fork(self):
        src = """
            import os, threading
            t = threading.Thread(target=lambda: None); t.start(); t.join()
            pid = os.fork()
            if pid == 0:
                print('in the child')
                os._exit(0)
            os.waitpid(pid, 0)
            print('in the parent')
        """
        for _, r in self.each(src, mode="ui"):
            self.assertEqual(r.rc, 0, r.err)
            root = r.events[0]["pid"]
            child = [e for e in r.kind("thread", state="started") if e["pid"] != root]
            self.assertEqual(len(child), 1)
            self.assertEqual(child[0]["lane"], 0)
            self.assertEqual(child[0]["role"], "process")
            self.assertIn({"lane": 0, "text": "in the child", "pid": child[0]["pid"]},
                          [{k: e[k] for k in ("lane", "text", "pid")} for e in r.kind("log")])

    def test_no_channel_no_probe(self):
        for python in PYTHONS:
            with self.subTest(python=python):
                r = run(python, "import threading, sys\nprint(type(threading.Lock()).__name__,"
                        " type(sys.stdout).__name__)\n", probe=False)
                self.assertEqual(r.out, b"lock TextIOWrapper\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
