"""Threads as lanes: the main thread is lane 0, announced at install; every
threading.Thread announces itself from its own bootstrap (so that its lane
is taken in the order threads really start) and says `stopped` as it ends,
before join() can return.  A thread the probe did not see start (a dummy
thread made by _thread.start_new_thread, one started before the probe) is
announced by _emit.lane() the first time it publishes."""
import _thread
import atexit
import re
import sys
import threading

from . import _emit

_main_stopped = False


def _role(thread):
    target = getattr(thread, "_target", None)
    if getattr(target, "__module__", None) == "concurrent.futures.thread" and \
            getattr(target, "__name__", None) == "_worker":
        return "worker"
    return None


_POOL_NAME = re.compile(r"ThreadPoolExecutor-(\d+)_(\d+)\Z")
_DEFAULT_NAME = re.compile(r"Thread-(\d+)(?: \((.+)\))?\Z")


def _lane_name(thread, role):
    """A pool worker's default name ("ThreadPoolExecutor-0_4") says little
    in a lane's few columns: it reads "worker 5" as in the C scenarios
    ("p1 worker 5" for a second pool), and a plain thread's default name
    ("Thread-69 (work)") as its function's ("work 69").  A name the program
    chose stays."""
    m = _POOL_NAME.match(thread.name) if role == "worker" else None
    if m is None:
        d = _DEFAULT_NAME.match(thread.name)
        if d is not None:
            return f"{d.group(2) or 'thread'} {d.group(1)}"
        return thread.name
    pool, k = int(m.group(1)), int(m.group(2)) + 1
    return f"worker {k}" if pool == 0 else f"p{pool} worker {k}"


def _announce_unseen(ident, lane):
    t = threading._active.get(ident)
    announce(lane, t.name if t is not None else f"thread {ident}")


def announce(lane, name, role=None):
    _emit.emit("thread", lane=lane, state="started", name=_emit.short(name, 80), role=role,
               origin=lane)
    _emit.emit("thread", lane=lane, state="busy", origin=lane)


def main_stopped():
    """The main thread's last line (atexit, registered first so it runs
    last; process.py calls it too where atexit does not run)."""
    global _main_stopped
    if not _main_stopped:
        _main_stopped = True
        _emit.emit("thread", lane=_emit.claim_lane(), state="stopped")


def install():
    orig = threading.Thread._bootstrap_inner

    def _bootstrap_inner(self):
        ident = _thread.get_ident()
        lane = _emit.claim_lane(ident)
        role = _role(self)
        announce(lane, _lane_name(self, role), role)
        try:
            orig(self)
        finally:
            _emit.emit("thread", lane=lane, state="stopped", origin=lane)
            _emit.forget_lane(ident)

    threading.Thread._bootstrap_inner = _bootstrap_inner
    _emit.on_new_lane = _announce_unseen
    spawned = "--multiprocessing-fork" in getattr(sys, "orig_argv", ())
    if not spawned:  # a spawned child is announced by process.py as "process N"
        if _emit.is_root():
            announce(_emit.claim_lane(), "main", "main")
        else:
            import os
            announce(_emit.claim_lane(), f"process {os.getpid()}", "process")
    atexit.register(main_stopped)
