"""The scenarios' own Python listings, run for real under `concviz run
--headless --trace`, against the C scenarios they stand for: the traces
must agree on the points each lesson is about.

  loiter   executor.map: five calls on three workers; main waits on each
           result in submission order; loiter(4) takes the worker that
           loiter(1) frees.
  spinner  a coroutine that calls time.sleep(3) freezes the task side:
           the spin task never runs and draws no frame before supervisor
           is done; with await asyncio.sleep(3) it runs and draws.
  flags    five downloads from serve-flags on three threads: never more
           than three in flight, all five finished, main waits in
           as_completed.

Each C scenario runs with `--headless --trace` too, and the same summary
is computed from both traces, so a change in either side that breaks the
lesson fails here.  Timing bounds are generous: only order and counts are
compared.

Usage: listings_test.py CONCVIZ PYTHON LISTINGS_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

CONCVIZ, PYTHON, LISTINGS = sys.argv[1:4] if len(sys.argv) >= 4 else ("", "", "")
TIMEOUT = 120


def load(path):
    with open(path, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    events = [e for e in lines if "seq" in e]
    assert events and events[0]["kind"] == "header", path
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(len(events))), f"{path}: seq not gapless"
    ts = [e["t"] for e in events]
    assert ts == sorted(ts), f"{path}: t goes backwards"
    return events


def futures_of(events):
    """id -> {label, pending, running, lane, finished, state} in order of submission."""
    fut = {}
    for e in events:
        if e["kind"] != "future":
            continue
        f = fut.setdefault(e["id"], {"label": e.get("label"), "t": {}})
        f["t"].setdefault(e["state"], e["t"])
        f["state"] = e["state"]
        if e["state"] == "running":
            f["lane"] = e.get("lane")
    return fut


def by_label(fut):
    return {f["label"]: f for f in fut.values()}


class Listings(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="cv-listings-")
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def trace(self, name):
        return os.path.join(self.dir, name + ".jsonl")

    def run_c(self, name, *args):
        out = self.trace("c-" + name)
        p = subprocess.run([CONCVIZ, *args, "--headless", "--trace", out], cwd=self.dir,
                           capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stderr)
        return load(out)

    def run_py(self, name, script, *args):
        out = self.trace("py-" + name)
        p = subprocess.run([CONCVIZ, "run", "--headless", "--trace", out, "--", PYTHON, script,
                            *args], cwd=self.dir, capture_output=True, text=True,
                           timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return load(out), p.stdout

    def listing(self, name, edits=()):
        """The listing, or a copy with (old, new) edits made where a test
        needs a variant (the same line numbers)."""
        src = os.path.join(LISTINGS, name)
        if not edits:
            return src
        with open(src, encoding="utf-8") as f:
            text = f.read()
        for old, new in edits:
            self.assertIn(old, text)
            text = text.replace(old, new)
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    # loiter -------------------------------------------------------------

    def loiter_summary(self, events):
        fut = futures_of(events)
        labels = {i: f["label"] for i, f in fut.items()}
        lab = by_label(fut)
        self.assertEqual(sorted(lab), [f"loiter({k})" for k in range(5)])
        submitted = sorted(fut.values(), key=lambda f: f["t"]["pending"])
        finished = sorted(fut.values(), key=lambda f: f["t"]["finished"])
        # loiter(0) takes no time: whether main still finds it running is
        # a race, in CPython as in the C runtime, so it is left out.
        main_waits = [labels.get(e.get("on")) for e in events
                      if e["kind"] == "wait" and e["state"] == "block" and e.get("lane") == 0
                      and e.get("on") in labels and labels[e["on"]] != "loiter(0)"]
        l1, l4 = lab["loiter(1)"], lab["loiter(4)"]
        return {
            "submitted": [f["label"] for f in submitted],
            "finished": [f["label"] for f in finished],
            "workers": len({f["lane"] for f in fut.values()}),
            "main_waits": main_waits,
            "loiter4_after_loiter1": l4["t"]["running"] >= l1["t"]["finished"] - 0.005,
            "loiter4_on_loiter1_lane": l4["lane"] == l1["lane"],
            "values": sorted(e.get("value") for e in events
                             if e["kind"] == "future" and e["state"] == "finished"),
        }

    def test_loiter(self):
        c = self.loiter_summary(self.run_c("loiter", "loiter", "--speed", "4"))
        py_events, out = self.run_py("loiter", self.listing("loiter.py"))
        py = self.loiter_summary(py_events)
        self.assertEqual(py, c)
        self.assertEqual(c["main_waits"], [f"loiter({k})" for k in range(1, 5)])
        self.assertRegex(out, r"result 4: 40")  # the program's own output passed through

    # spinner ------------------------------------------------------------

    def spinner_summary(self, events):
        tasks = {}
        done_t = None
        for e in events:
            if e["kind"] == "task":
                label = e.get("label")
                tasks.setdefault(label, []).append(e["state"])
                if label == "supervisor" and e["state"] in ("done", "failed"):
                    done_t = e["t"]
        self.assertIsNotNone(done_t)
        frames_before = sum(1 for e in events if e["kind"] == "frame"
                            and e.get("side") == "task" and e.get("glyph") and e["t"] < done_t)
        return {
            "spin_ran": "running" in tasks.get("spin", []),
            # How spin ended: cancelled before it ever ran, or done after
            # catching the CancelledError it got at its await (it breaks).
            "spin_end": tasks.get("spin", [""])[-1],
            "task_frames": frames_before > 0,
        }

    def test_spinner_blocking_sleep_freezes_the_task(self):
        c = self.spinner_summary(self.run_c("spin-block", "spinner", "--work", "block",
                                            "--speed", "2"))
        script = self.listing("spinner_async.py", [
            ("import asyncio\n", "import asyncio\nimport time\n"),
            ("await asyncio.sleep(3)  # line: SLOW_SLEEP", "time.sleep(3)  # line: SLOW_SLEEP"),
        ])
        py_events, _ = self.run_py("spin-block", script)
        py = self.spinner_summary(py_events)
        self.assertEqual(py, c)
        self.assertEqual(py, {"spin_ran": False, "spin_end": "cancelled", "task_frames": False})
        # The loop made no turn while supervisor slept: its thread shows a
        # wait for the sleep, inside supervisor's one step.
        sleeps = [e for e in py_events if e["kind"] == "wait" and "sleep" in e.get("what", "")]
        self.assertTrue(sleeps, "time.sleep(3) shows as a wait")

    def test_spinner_await_sleep_lets_the_task_spin(self):
        c = self.spinner_summary(self.run_c("spin-sleep", "spinner", "--work", "sleep",
                                            "--speed", "2"))
        py_events, _ = self.run_py("spin-sleep", self.listing("spinner_async.py"))
        py = self.spinner_summary(py_events)
        self.assertEqual(py, c)
        self.assertEqual(py, {"spin_ran": True, "spin_end": "done", "task_frames": True})

    # flags --------------------------------------------------------------

    def flags_summary(self, events):
        fut = futures_of(events)
        in_flight = peak = 0
        for e in events:
            if e["kind"] == "future" and e["state"] == "running":
                in_flight += 1
                peak = max(peak, in_flight)
            elif e["kind"] == "future" and e["state"] in ("finished", "failed"):
                in_flight -= 1 if fut[e["id"]]["t"].get("running") is not None else 0
        return {
            "futures": len(fut),
            "finished": sum(1 for f in fut.values() if f["state"] == "finished"),
            "peak_in_flight": peak,
            "workers": len({f.get("lane") for f in fut.values()}),
            "waits_in_as_completed": any(e["kind"] == "wait" and e.get("lane") == 0
                                         and e.get("what") == "as_completed" for e in events),
        }

    def test_flags_threadpool_against_serve_flags(self):
        c = self.flags_summary(self.run_c("flags", "flags", "--mode", "futures", "--server",
                                          "DELAY", "--delay", "0.5", "--speed", "5"))
        server = subprocess.Popen([CONCVIZ, "serve-flags", "--port", "0", "--delay", "0.5"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline()
            port = re.search(r"127\.0\.0\.1:(\d+)", line).group(1)
            script = self.listing("flags_threadpool_futures.py", [
                ("http://localhost:8001/flags", f"http://127.0.0.1:{port}/flags")])
            t0 = time.monotonic()
            py_events, out = self.run_py("flags", script)
            took = time.monotonic() - t0
        finally:
            server.terminate()
            server.wait(timeout=10)
            server.stdout.close()
        py = self.flags_summary(py_events)
        self.assertEqual(py, c)
        self.assertEqual(py["peak_in_flight"], 3)
        self.assertIn("5 downloads in", out)
        self.assertLess(took, 60)


if __name__ == "__main__":
    if not (CONCVIZ and PYTHON and LISTINGS):
        sys.exit("usage: listings_test.py CONCVIZ PYTHON LISTINGS_DIR")
    unittest.main(argv=sys.argv[:1], verbosity=2)
