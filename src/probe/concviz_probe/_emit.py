"""The probe's one way out: events as trace lines into concviz's FIFO.

Every Python process started by `concviz run` opens the FIFO named by
CONCVIZ_EVENTS and writes each event as one JSON line with one os.write of
at most PIPE_BUF bytes, so that lines from several processes never
interleave.  concviz numbers the lines, writes the header, maps each
process's lanes to global ones (lanes here are process-local: main is 0,
each new thread takes the next) and keeps time from going backwards; the
probe gives every line its time, its process id and the lane of the
thread that published it ("origin").

Ids of futures and tasks are global: the program concviz started numbers
them from 1, any other process from (pid << 32) + 1, so that a child can
report on its parent's future without asking anyone.

The module uses only what the probe does not patch (os.write, _thread
locks, time.monotonic_ns), so that emitting never emits.
"""
import _thread
import json
import os
import time

PIPE_BUF = 4096
TEXT_MAX = 1000

_fd = -1
_t0 = 0
_pid = 0
_lock = _thread.RLock()  # re-entrant: a signal handler may print mid-emit
_next_lane = 0
_next_id = 1
_root = True
_lanes = {}  # thread ident -> process-local lane
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_write = os.write  # bound now: a part may patch os.write for file I/O waits
_monotonic_ns = time.monotonic_ns
headless = False
on_new_lane = None  # f(ident, lane), called when lane() meets a new thread


def current_task():
    """The id of the asyncio task running on this thread, or None.  aio.py
    replaces it, so that output.py can tell a task's spinner frame from a
    thread's without importing asyncio."""
    return None


def enabled():
    return _fd >= 0


def open_channel():
    """Opens the FIFO named by the environment; False when there is none
    (the probe then does nothing)."""
    global _fd, _t0
    path = os.environ.get("CONCVIZ_EVENTS")
    if not path or _helper_process():
        return False
    try:
        _t0 = int(os.environ.get("CONCVIZ_T0_NS", "0"))
        _fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    except (OSError, ValueError):
        _fd = -1
        return False
    global headless
    headless = os.environ.get("CONCVIZ_PROBE_MODE") == "headless"
    _reset_process()
    return True


def when_imported(name, patch, hide=()):
    """Calls patch(module) once the module `name` is imported (at once if
    it is already): a part patches what the program uses without paying
    for importing what it does not (multiprocessing costs ~17 ms).  The
    modules in `hide` cannot be imported while `name` loads (aio.py keeps
    asyncio from taking its C accelerator), and can again afterwards."""
    import sys

    module = sys.modules.get(name)
    if module is not None:
        patch(module)
        return
    patches, hidden = _post_import.setdefault(name, ([], set()))
    patches.append(patch)
    hidden.update(hide)
    if not any(isinstance(f, _PostImportFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _PostImportFinder())


_post_import = {}  # module name -> (patches waiting for it, modules to hide meanwhile)


class _PostImportFinder:
    """Finds nothing itself: for a module a part waits for, it asks the
    other finders and wraps the loader so that the patches run after the
    module's code."""

    def find_spec(self, name, path=None, target=None):
        if name not in _post_import:
            return None
        import sys

        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader, name)
                return spec
        return None


class _PatchingLoader:
    def __init__(self, loader, name):
        self._loader, self._name = loader, name

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        import sys

        # The module keeps its own loader, as if the probe were not here.
        module.__loader__ = self._loader
        if getattr(module, "__spec__", None) is not None:
            module.__spec__.loader = self._loader
        patches, hidden = _post_import.pop(self._name, ((), ()))
        hid = [h for h in hidden if h not in sys.modules]
        for h in hid:
            sys.modules[h] = None
        try:
            self._loader.exec_module(module)
        finally:
            for h in hid:
                if h in sys.modules and sys.modules[h] is None:
                    del sys.modules[h]  # importable again by whoever asks
        for patch in patches:
            try:
                patch(module)
            except Exception as exc:  # noqa: BLE001 - the program must run anyway
                emit("mark", lane=-1, text=short(f"probe: {self._name} not patched: {exc!r}"))

    def __getattr__(self, name):
        return getattr(self._loader, name)


def _helper_process():
    """multiprocessing's own helpers (the resource tracker, the fork
    server) are Python processes the program did not write: not shown."""
    import sys

    argv = getattr(sys, "orig_argv", ())
    return any("multiprocessing.resource_tracker" in a or "multiprocessing.forkserver" in a
               for a in argv)


def _reset_process():
    """Numbering for this process: called when the channel opens and in a
    forked child, which inherits the parent's counters but is a new
    process to concviz."""
    global _pid, _next_lane, _next_id, _lanes
    _pid = os.getpid()
    _next_lane = 0
    _lanes = {}
    try:
        root = os.getppid() == int(os.environ.get("CONCVIZ_PARENT_PID", "-1"))
    except ValueError:
        root = False
    _next_id = 1 if root else (_pid << 32) + 1
    global _root
    _root = root


def is_root():
    """True in the program concviz started, False in its children."""
    return _root


def after_fork_in_child():
    global _lock
    _lock = _thread.RLock()  # the parent's may have been held by another thread
    _reset_process()


def new_id():
    global _next_id
    with _lock:
        n = _next_id
        _next_id += 1
        return n


def lane(ident=None):
    """The process-local lane of a thread (the current one by default); a
    thread not seen before takes the next lane, and `on_new_lane` (set by
    threads.py) announces it: that is how a thread the probe did not see
    start (a dummy thread, one started before the probe) gets its
    `thread started` line before its first event."""
    if ident is None:
        ident = _thread.get_ident()
    n = _lanes.get(ident)
    if n is None:
        n, new = _claim(ident)
        if new and on_new_lane is not None:
            on_new_lane(ident, n)
    return n


def claim_lane(ident=None):
    """The lane of a thread, without announcing it: for the caller that
    announces the thread itself (threads.py, process.py)."""
    if ident is None:
        ident = _thread.get_ident()
    n = _lanes.get(ident)
    return n if n is not None else _claim(ident)[0]


def _claim(ident):
    global _next_lane
    with _lock:
        n = _lanes.get(ident)
        if n is not None:
            return n, False
        n = _lanes[ident] = _next_lane
        _next_lane += 1
        return n, True


def forget_lane(ident):
    """A thread ended: a new thread may reuse its ident, and must not reuse
    its lane."""
    _lanes.pop(ident, None)


def short(text, limit=TEXT_MAX):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def emit(kind, **fields):
    """Writes one event.  `origin` defaults to the current thread's lane;
    None values are left out.  Never raises: a probe that breaks must not
    break the program it watches."""
    if _fd < 0:
        return
    try:
        origin = fields.pop("origin", None)
        if origin is None:
            origin = lane()
        with _lock:
            t = (_monotonic_ns() - _t0) / 1e9
            obj = {"t": round(t if t > 0 else 0.0, 6), "kind": kind}
            for k, v in fields.items():
                if v is not None:
                    obj[k] = v
            obj["origin"] = origin
            obj["pid"] = _pid
            data = (_dumps(obj) + "\n").encode("utf-8", "replace")
            if len(data) > PIPE_BUF:
                data = _shrink(obj)
            _write(_fd, data)
    except Exception:  # noqa: BLE001 - see the docstring
        pass


def blocked(call, args=(), kwargs=None, **fields):
    """Returns call(*args, **kwargs), shown as a wait of the calling
    thread: a `wait` block before and an unblock after (however the call
    ends), both with `fields` (what, and on and label for a future)."""
    ln = lane()
    emit("wait", lane=ln, state="block", **fields)
    try:
        return call(*args, **(kwargs or {}))
    finally:
        emit("wait", lane=ln, state="unblock", **fields)


def _shrink(obj):
    """Cuts the line's texts until it fits in one atomic write."""
    limit = 200
    while True:
        for k, v in obj.items():
            if isinstance(v, str) and len(v) > limit:
                obj[k] = v[: limit - 1] + "…"
        data = (_dumps(obj) + "\n").encode("utf-8", "replace")
        if len(data) <= PIPE_BUF or limit <= 20:
            return data[: PIPE_BUF - 1] + b"\n" if len(data) > PIPE_BUF else data
        limit //= 2
