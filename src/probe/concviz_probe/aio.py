"""The probe's asyncio part: tasks through their states and the loop's turns.

CPython's tasks are written in C (`_asyncio.Task`), and their step calls no
Python code we could wrap.  asyncio keeps its pure-Python twins,
`asyncio.tasks._PyTask` and `asyncio.futures._PyFuture`, with the same
behaviour (CPython runs its tests against both), and uses them when the
accelerator `_asyncio` cannot be imported: the probe hides it while asyncio
loads, so that futures and tasks are the Python ones and a task is still an
`asyncio.Future`.  It then makes every loop create a subclass of the Python
task: `asyncio.tasks.Task` and `asyncio.Task` are replaced, and
`BaseEventLoop.create_task` looks `tasks.Task` up at each call.  The
subclass overrides three hooks that `_PyTask` reaches through `self`
(name-mangled, hence the odd names):

- `_Task__step` runs each step of the coroutine: the task is `running`
  from its start and `suspended` after it, with what it awaits (read from
  `_fut_waiter` and from the chain of suspended coroutine frames);
- `_Future__schedule_callbacks` is called once the outcome is set and
  before anyone waiting for it is woken: the `done`/`failed`/`cancelled`
  line therefore precedes the `scheduled` line of the task it wakes;
- `cancel` says `scheduled` with code -2 when cancel() reaches a task
  that is ready or not started yet;
- `_Task__eager_start` (3.12+) runs an eager task's first step inside the
  step of the task creating it, which says `running` again afterwards
  (`asyncio.eager_task_factory` is remade for the probe's class).

A task is `scheduled` when its wake-up is handed to the loop: every future
(C or Python) does that through `loop.call_soon`, which the probe watches
(`BaseEventLoop._call_soon`) for a task's `__wakeup` or `__step`.

The loop's turns come from its selector: `select(timeout)` is the poll, so
the probe wraps that one method on each loop's selector object and says
`polling` (timeout in µs, -1 for no timeout) before a poll that may wait and
`running` after it; a poll with timeout 0 (callbacks are ready) says nothing,
since the loop goes on running.  `run_forever` says `running` at its start
and `idle` at its end.

Tasks whose coroutine is asyncio's own (asyncio.run's clean-up) are left
out, as the C runtime has none to show.

Nothing here imports asyncio: a program that never does pays nothing.
`_emit.when_imported` patches the package once the program has loaded it.
"""
import _thread
import os

from . import _emit

CANCELLED_CODE = -2  # CV_ECANCELLED, as the C runtime's task lines say it

# A task's last reported state, so that the hooks say each change once.
_CREATED, _SCHEDULED, _RUNNING, _SUSPENDED, _ENDED = range(5)

_running = {}  # thread ident -> the task whose step runs on it
_get_ident = _thread.get_ident


def current_task():
    """The id of the asyncio task whose step runs on this thread, or None:
    replaces `_emit.current_task` so that frames and waits name the task."""
    task = _running.get(_get_ident())
    return task._cv_id if task is not None else None


def install():
    _emit.current_task = current_task
    # A child forked inside a task's step is not in that task: the task
    # is its parent's.
    os.register_at_fork(after_in_child=_running.clear)
    # asyncio loads without its C accelerator, so that it takes its
    # pure-Python Future as well as its Task, as on a Python built without
    # it: a task is then still an asyncio.Future (isinstance), which a
    # Python task deriving from the C Future could not be.
    _emit.when_imported("asyncio", _patch, hide=("_asyncio",))


def _patch(asyncio):
    tasks = asyncio.tasks
    base = getattr(tasks, "_PyTask", None)
    if base is None or getattr(tasks.Task, "_cv_probe", False):
        return
    task_class = _make_task_class(base, asyncio)
    tasks.Task = task_class
    asyncio.Task = task_class
    if hasattr(tasks, "create_eager_task_factory"):  # 3.12+
        factory = tasks.create_eager_task_factory(task_class)
        tasks.eager_task_factory = factory
        if hasattr(asyncio, "eager_task_factory"):
            asyncio.eager_task_factory = factory
    _patch_loop(asyncio.base_events.BaseEventLoop, task_class)


# --- what a task awaits -------------------------------------------------

_lib_dir = None  # asyncio's directory: frames there are the library's
_is_lib = {}  # code object -> whether it is asyncio's
_FRAME_DEPTH = 64


def _frames(coro):
    """The frames of a suspended coroutine and of everything it awaits,
    outermost first (coroutines, generators, async generators)."""
    out = []
    obj = coro
    for _ in range(_FRAME_DEPTH):
        frame = getattr(obj, "cr_frame", None)
        if frame is not None:
            nxt = obj.cr_await
        else:
            frame = getattr(obj, "gi_frame", None)
            if frame is not None:
                nxt = obj.gi_yieldfrom
            else:
                frame = getattr(obj, "ag_frame", None)
                if frame is None:
                    break
                nxt = obj.ag_await
        out.append(frame)
        if nxt is None:
            break
        obj = nxt
    return out


def _lib(code):
    r = _is_lib.get(code)
    if r is None:
        r = _is_lib[code] = code.co_filename.startswith(_lib_dir)
    return r


def _entry_name(frame):
    """How the user's call into asyncio reads: "sleep 0.1s", "Event",
    "Queue.get", "wait_for", "to_thread fetch"..."""
    code = frame.f_code
    name = code.co_name
    if name == "sleep" and code.co_filename.endswith("tasks.py"):
        delay = frame.f_locals.get("delay")
        if isinstance(delay, (int, float)):
            return f"sleep {max(delay, 0):g}s"
        return "sleep"
    if name == "__sleep0":
        return "sleep 0s"
    if name == "to_thread":
        func = frame.f_locals.get("func")
        fname = getattr(func, "__name__", None)
        return f"to_thread {fname}" if fname else "to_thread"
    if name == "_wait_for_one":
        return "as_completed"
    owner = frame.f_locals.get("self") if "self" in code.co_varnames[:1] else None
    if owner is not None:
        cls = type(owner)
        module = getattr(cls, "__module__", "")
        if module in ("asyncio.locks", "asyncio.mixins"):
            return cls.__name__
        if module == "asyncio.queues":
            return f"{cls.__name__}.{name}"
        if module == "asyncio.taskgroups":
            return cls.__name__
    return name.strip("_") or name


_CLEAN_UP = ("shutdown_asyncgens", "shutdown_default_executor")


def _own(coro):
    """Whether a coroutine is asyncio.run's clean-up (shutdown_asyncgens,
    shutdown_default_executor): the probe leaves those tasks out, as the C
    runtime has no such tasks to show.  A task the program makes of one of
    asyncio's coroutines (create_task(event.wait())) is shown."""
    code = getattr(coro, "cr_code", None)
    return code is not None and code.co_name in _CLEAN_UP and _lib(code)


def _describe(task, waiter):
    """(awaits, on) for a task that just suspended on `waiter` (its
    `_fut_waiter`, None after a bare yield)."""
    on = getattr(waiter, "_cv_id", None) or None
    frames = _frames(task._coro)
    user = None  # the deepest frame of the program's own code
    entry = None  # the first asyncio frame the program called
    for f in frames:
        if _lib(f.f_code):
            if entry is None and f.f_code.co_name != "__await__":
                entry = f
        elif entry is None:
            user = f
    if on is not None:
        what = waiter._cv_label
    elif entry is not None:
        what = _entry_name(entry)
    elif waiter is None:
        what = "yield"
    elif type(waiter).__name__ == "_GatheringFuture":
        what = "gather"
    else:
        what = "future"
    if user is not None and frames and user is not frames[0]:
        what = f"{what} in {user.f_code.co_name}()"
    return what, on


# --- the task class -----------------------------------------------------


def _make_task_class(base, asyncio):
    global _lib_dir
    _lib_dir = os.path.dirname(asyncio.__file__) + os.sep
    iscoroutine = asyncio.coroutines.iscoroutine
    base_step = base._Task__step
    base_eager_start = getattr(base, "_Task__eager_start", None)
    step_code = base_step.__code__
    PENDING = "PENDING"
    FINISHED = "FINISHED"

    def emit(task, state, **fields):
        lane = _emit.lane()
        _emit.emit("task", id=task._cv_id, label=task._cv_label, state=state,
                   lane=lane, origin=lane, **fields)

    class Task(base):
        _cv_probe = True
        _cv_id = 0
        _cv_label = ""
        _cv_state = _CREATED
        _cv_ran = False  # whether a step has run the coroutine
        _cv_wake = None  # a wake-up seen during the task's own step
        _cv_woken = 0  # scheduled lines said, to tell whether cancel() woke it

        def __init__(self, coro, *args, **kwargs):
            # Said before the base's __init__: from 3.12 it may run a first
            # step at once (eager tasks).
            if iscoroutine(coro) and not _own(coro):
                try:
                    name = kwargs.get("name")
                    label = str(name) if name is not None else (
                        getattr(coro, "__name__", None) or type(coro).__name__)
                    self._cv_label = _emit.short(label, 200)
                    self._cv_id = _emit.new_id()
                    emit(self, "created", by=current_task())
                except Exception:  # noqa: BLE001
                    pass
            super().__init__(coro, *args, **kwargs)

        def _Task__step(self, exc=None):
            return self._cv_run(base_step, exc)

        if base_eager_start is not None:
            def _Task__eager_start(self):
                # 3.12+: an eager task's first step runs inside its creator's.
                return self._cv_run(base_eager_start)

        def _cv_run(self, step, *args):
            tid = _get_ident()
            prev = _running.get(tid)
            if self._cv_id and self._state == PENDING:
                # A task cancelled before it ever ran ends without running:
                # CancelledError is thrown into a coroutine not started.
                if self._cv_ran or not self._must_cancel:
                    self._cv_ran = True
                    self._cv_state = _RUNNING
                    self._cv_wake = None
                    emit(self, "running")
                _running[tid] = self
            try:
                return step(self, *args)
            finally:
                if self._cv_id and self._state == PENDING:
                    self._cv_suspended()
                if prev is None:
                    _running.pop(tid, None)
                else:
                    _running[tid] = prev
                    if prev._state == PENDING:
                        # An eager task's step ran inside prev's, which goes on.
                        prev._cv_state = _RUNNING
                        emit(prev, "running")

        def _cv_suspended(self):
            try:
                what, on = _describe(self, self._fut_waiter)
            except Exception:  # noqa: BLE001
                what, on = "future", None
            self._cv_state = _SUSPENDED
            emit(self, "suspended", awaits=_emit.short(what, 200), on=on)
            wake = self._cv_wake
            if wake is not None:
                self._cv_wake = None
                self._cv_scheduled(wake or None)

        def _cv_scheduled(self, code=None):
            self._cv_state = _SCHEDULED
            self._cv_woken += 1
            emit(self, "scheduled", code=code)

        def _cv_woken_by(self, fut):
            """The loop was handed this task's wake-up (fut: what it
            awaited, when it is a future)."""
            code = None
            if fut is not None and getattr(fut, "_asyncio_future_blocking", None) is not None:
                try:
                    if fut.cancelled():
                        code = CANCELLED_CODE
                except Exception:  # noqa: BLE001
                    pass
            st = self._cv_state
            if st == _RUNNING:
                self._cv_wake = code or 0  # said once the step has suspended
            elif st == _SUSPENDED:
                self._cv_scheduled(code)

        def cancel(self, *args, **kwargs):
            woken = self._cv_woken
            r = super().cancel(*args, **kwargs)
            if r and self._cv_id and self._cv_woken == woken:
                if self._cv_state in (_CREATED, _SCHEDULED):
                    self._cv_scheduled(CANCELLED_CODE)
            return r

        def _Future__schedule_callbacks(self):
            if self._cv_id and self._cv_state != _ENDED:
                self._cv_state = _ENDED
                try:
                    self._cv_outcome()
                except Exception:  # noqa: BLE001
                    pass
            super()._Future__schedule_callbacks()

        def _cv_outcome(self):
            if self._state == FINISHED and self._exception is not None:
                exc = self._exception
                # The C task adds no frame of its own to the traceback.
                tb = self._exception_tb
                if tb is not None and tb.tb_frame.f_code is step_code:
                    self._exception_tb = tb.tb_next
                    exc.__traceback__ = tb.tb_next
                text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                emit(self, "failed", error=_emit.short(text, 200))
            elif self._state == FINISHED:
                result = self._result
                value = result if type(result) is int else None
                if result is None:
                    value = 0
                try:
                    text = repr(result)
                except Exception:  # noqa: BLE001
                    text = object.__repr__(result)
                emit(self, "done", result=_emit.short(text, 200), value=value)
            else:
                emit(self, "cancelled")

    Task.__module__ = base.__module__
    Task.__qualname__ = "Task"
    return Task


# --- the loop -----------------------------------------------------------


def _patch_loop(loop_class, task_class):
    real_call_soon = loop_class._call_soon
    real_run_forever = loop_class.run_forever
    wakeup = task_class._Task__wakeup
    step = task_class._Task__step

    def _call_soon(self, callback, args, context):
        func = getattr(callback, "__func__", None)
        if func is wakeup or func is step:
            try:
                callback.__self__._cv_woken_by(args[0] if args else None)
            except Exception:  # noqa: BLE001
                pass
        return real_call_soon(self, callback, args, context)

    def run_forever(self):
        if self.is_running() or self.is_closed():
            return real_run_forever(self)  # it raises, as it should
        _watch_selector(self)
        _emit.emit("loop", lane=_emit.lane(), state="running")
        try:
            return real_run_forever(self)
        finally:
            _emit.emit("loop", lane=_emit.lane(), state="idle")

    loop_class._call_soon = _call_soon
    loop_class.run_forever = run_forever


def _watch_selector(loop):
    sel = getattr(loop, "_selector", None)
    if sel is None or "select" in getattr(sel, "__dict__", {}):
        return
    real_select = sel.select

    def select(timeout=None):
        if timeout is not None and timeout <= 0:
            return real_select(timeout)
        us = -1 if timeout is None else int(timeout * 1e6)
        _emit.emit("loop", lane=_emit.lane(), state="polling", timeout_us=us)
        try:
            return real_select(timeout)
        finally:
            _emit.emit("loop", lane=_emit.lane(), state="running")

    try:
        sel.select = select
    except AttributeError:
        pass  # a selector with slots: no loop turns, tasks still shown
