"""concurrent.futures through every state, as the C pool publishes them.

A future gets its id and label in Future.__init__ while submit() runs (a
thread-local carries them from the patched submit), so `pending` is out
before the work item reaches the queue.  The state changes are patched on
Future itself, under the future's own condition, and published before the
change is made, so that a waiter never says `unblock` before the future
says `finished`.  A ProcessPoolExecutor's callable is wrapped in _ProcCall,
which carries the parent's id into the child: the child says `running`,
the parent says how it ended (without a lane: the parent does not know the
child's).  Waits: result()/exception() on a future not done, the waiters
of as_completed() and wait()."""
import _thread
import functools
import queue
import reprlib
import sys
import threading

from . import _emit

_base = thread = process = None  # the concurrent.futures modules, once imported

_tls = _thread._local()
_repr = reprlib.Repr()
_repr.maxstring = 24
_repr.maxother = 24
_repr.maxlong = 24
_DONE = ("CANCELLED", "CANCELLED_AND_NOTIFIED", "FINISHED")  # _base's states
_INT64 = (-(1 << 63), (1 << 63) - 1)


def _name(fn):
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__


def label(fn, args, kwargs=None):
    inner = fn.func if isinstance(fn, functools.partial) else None
    if process is not None and inner is process._process_chunk and args:
        # ProcessPoolExecutor.map: one call per chunk of argument tuples.
        user, chunk = fn.args[0] if fn.args else fn.keywords.get("fn"), args[0]
        first = label(user, chunk[0] if chunk else ())
        return first if len(chunk) <= 1 else f"{first} +{len(chunk) - 1}"
    parts = [_repr.repr(a) for a in args]
    parts += [f"{k}={_repr.repr(v)}" for k, v in (kwargs or {}).items()]
    return _emit.short(f"{_name(fn)}({', '.join(parts)})", 80)


def outcome_fields(result):
    fields = {"result": _emit.short(repr(result), 200)}
    if type(result) is int and _INT64[0] <= result <= _INT64[1]:
        fields["value"] = result
    return fields


def error_text(exc):
    text = str(exc)
    return _emit.short(f"{type(exc).__name__}: {text}" if text else type(exc).__name__, 200)


class _ProcCall:
    """The callable a process pool runs in the child: says `running` on the
    child's lane with the parent's id, then calls the real one."""

    __slots__ = ("fn", "id", "label")

    def __init__(self, fn, fid, flabel):
        self.fn, self.id, self.label = fn, fid, flabel

    def __getstate__(self):
        return (self.fn, self.id, self.label)

    def __setstate__(self, state):
        self.fn, self.id, self.label = state

    def __call__(self, *args, **kwargs):
        lane = _emit.lane()
        _emit.emit("future", id=self.id, label=self.label, state="running", lane=lane)
        _emit.emit("thread", lane=lane, state="busy")
        try:
            return self.fn(*args, **kwargs)
        finally:
            _emit.emit("thread", lane=lane, state="idle")


class _WorkQueue(queue.SimpleQueue):
    """A thread pool's queue: a worker that finds it empty goes `idle`
    until an item comes (the None that stops it does not make it busy)."""

    def get(self, block=True, timeout=None):
        try:
            return super().get(False)
        except queue.Empty:
            if not block:
                raise
        lane = _emit.lane()
        _emit.emit("thread", lane=lane, state="idle")
        item = super().get(block, timeout)
        if item is not None:
            _emit.emit("thread", lane=lane, state="busy")
        return item


def _in_map():
    f = sys._getframe(2)
    for _ in range(4):
        if f is None:
            return False
        if f.f_code.co_name == "result_iterator":
            return True
        f = f.f_back
    return False


def _patch_submit(cls, proc):
    orig = cls.submit

    def submit(self, fn, /, *args, **kwargs):
        fid, flabel = _emit.new_id(), label(fn, args, kwargs)
        if proc:
            fn = _ProcCall(fn, fid, flabel)
        chunk = proc and isinstance(fn.fn, functools.partial) and \
            fn.fn.func is process._process_chunk and len(args) == 1 and len(args[0]) == 1
        _tls.pending = (fid, flabel, proc, chunk)
        try:
            return orig(self, fn, *args, **kwargs)
        finally:
            _tls.pending = None

    submit.__wrapped__ = orig
    cls.submit = submit


def _patch_future():
    F = _base.Future
    o_init, o_running, o_set_result, o_set_exception, o_cancel = (
        F.__init__, F.set_running_or_notify_cancel, F.set_result, F.set_exception, F.cancel)
    o_result, o_exception = F.result, F.exception

    def __init__(self):
        o_init(self)
        pending = getattr(_tls, "pending", None)
        if pending is not None:
            _tls.pending = None
            self._cv_id, self._cv_label, self._cv_proc, self._cv_chunk = pending
            _emit.emit("future", id=pending[0], label=pending[1], state="pending")

    def _lane(self):
        return None if getattr(self, "_cv_proc", True) else getattr(self, "_cv_lane", None)

    def set_running_or_notify_cancel(self):
        ok = o_running(self)
        fid = getattr(self, "_cv_id", None)
        if ok and fid is not None and not self._cv_proc:
            self._cv_lane = _emit.lane()
            _emit.emit("future", id=fid, label=self._cv_label, state="running", lane=self._cv_lane)
        return ok

    def _end(self, orig, arg, state, fields):
        """Publishes how the future ends, then ends it: under its condition
        (re-entrant), so that no waiter wakes before the event is out.
        `fields` gives the outcome's fields, only when they are published."""
        if getattr(self, "_cv_id", None) is None:
            return orig(self, arg)
        with self._condition:
            if self._state not in _DONE:
                _emit.emit("future", id=self._cv_id, label=self._cv_label, state=state,
                           lane=_lane(self), **fields())
            return orig(self, arg)

    def set_result(self, value):
        def fields():
            if self._cv_chunk and isinstance(value, list) and len(value) == 1:
                return outcome_fields(value[0])  # a map chunk of one call: its result
            return outcome_fields(value)

        return _end(self, o_set_result, value, "finished", fields)

    def set_exception(self, exc):
        return _end(self, o_set_exception, exc, "failed", lambda: {"error": error_text(exc)})

    def cancel_(self):
        fid = getattr(self, "_cv_id", None)
        if fid is None:
            return o_cancel(self)
        with self._condition:
            if self._state == "PENDING":
                _emit.emit("future", id=fid, label=self._cv_label, state="cancelled")
            return o_cancel(self)

    def _waiting(orig):
        def wait_on(self, timeout=None):
            if self._state in _DONE:
                return orig(self, timeout)
            fid = getattr(self, "_cv_id", None)
            what = "map" if _in_map() else "result"
            flabel = getattr(self, "_cv_label", None)
            return _emit.blocked(orig, (self, timeout), on=fid, label=flabel, what=what)
        return wait_on

    F.__init__ = __init__
    F.set_running_or_notify_cancel = set_running_or_notify_cancel
    F.set_result = set_result
    F.set_exception = set_exception
    F.cancel = cancel_
    F.result = _waiting(o_result)
    F.exception = _waiting(o_exception)


class _NamedEvent(threading.Event):
    """The event a concurrent.futures waiter sleeps on: a wait that has to
    sleep is a `wait` of the calling thread on many futures."""

    def __init__(self, what):
        super().__init__()
        self.what = what

    def wait(self, timeout=None):
        if self.is_set():
            return True
        return _emit.blocked(super().wait, (timeout,), what=self.what)


def _patch_waiters():
    init = _base._Waiter.__init__

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if isinstance(self, _base._AsCompletedWaiter):
            what = "as_completed"
        elif isinstance(self, _base._FirstCompletedWaiter):
            what = "wait(FIRST_COMPLETED)"
        elif getattr(self, "stop_on_exception", False):
            what = "wait(FIRST_EXCEPTION)"
        else:
            what = "wait(ALL_COMPLETED)"
        self.event = _NamedEvent(what)

    _base._Waiter.__init__ = __init__


def _on_base(module):
    global _base
    _base = module
    _patch_future()
    _patch_waiters()


def _on_thread(module):
    global thread
    thread = module
    _patch_submit(thread.ThreadPoolExecutor, False)
    tinit = thread.ThreadPoolExecutor.__init__

    def __init__(self, *args, **kwargs):
        tinit(self, *args, **kwargs)
        self._work_queue = _WorkQueue()

    thread.ThreadPoolExecutor.__init__ = __init__


def _on_process(module):
    global process
    process = module
    _patch_submit(process.ProcessPoolExecutor, True)


def install():
    _emit.when_imported("concurrent.futures._base", _on_base)
    _emit.when_imported("concurrent.futures.thread", _on_thread)
    _emit.when_imported("concurrent.futures.process", _on_process)
