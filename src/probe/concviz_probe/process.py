"""Processes and how a program ends.

A multiprocessing child (fork or spawn) announces its main thread, lane 0
of its own pid, as "process N" (N is its multiprocessing identity, as the
C process pool numbers them) with role `process`, and says `stopped` when
its target returns (a forked child leaves through os._exit, without
atexit).  A bare os.fork() child announces itself as "process PID".
Uncaught exceptions (sys.excepthook, threading.excepthook) are published
as the traceback's lines (`log`, on the raising lane) and a `mark`
"uncaught ExcType: message"; then the previous hook runs as before (its
output is not published twice), and the exit status is Python's own."""
import _thread
import os
import sys
import threading

from . import _emit, output, threads

_mp_forking = None  # ident of a thread inside Process.start() (fork inherits it)


def _after_fork_child():
    if _mp_forking == _thread.get_ident():
        return  # multiprocessing: _bootstrap announces the child
    threads._main_stopped = False
    threads.announce(_emit.claim_lane(), f"process {os.getpid()}", "process")


def _patch_multiprocessing(process):
    P = process.BaseProcess
    o_start, o_bootstrap = P.start, P._bootstrap

    def start(self):
        global _mp_forking
        _mp_forking = _thread.get_ident()
        try:
            return o_start(self)
        finally:
            _mp_forking = None

    def _bootstrap(self, *args, **kwargs):
        global _mp_forking
        _mp_forking = None
        ident = getattr(self, "_identity", ()) or (os.getpid(),)
        threads._main_stopped = False
        threads.announce(_emit.claim_lane(), f"process {ident[-1]}", "process")
        try:
            return o_bootstrap(self, *args, **kwargs)
        finally:
            threads.main_stopped()

    P.start, P._bootstrap = start, _bootstrap


def _publish(exc_type, exc, tb):
    import traceback

    lane = _emit.lane()
    for chunk in traceback.format_exception(exc_type, exc, tb):
        for line in chunk.rstrip("\n").split("\n"):
            _emit.emit("log", lane=lane, text=_emit.short(line))
    text = str(exc)
    name = getattr(exc_type, "__name__", "Exception")
    _emit.emit("mark", lane=lane,
               text=_emit.short(f"uncaught {name}: {text}" if text else f"uncaught {name}", 200))


def _patch_hooks():
    o_excepthook = sys.excepthook

    def excepthook(exc_type, exc, tb):
        if not issubclass(exc_type, (SystemExit,)):
            _publish(exc_type, exc, tb)
        output.quiet = True
        try:
            o_excepthook(exc_type, exc, tb)
        finally:
            output.quiet = False

    sys.excepthook = excepthook
    o_thook = threading.excepthook

    def thread_excepthook(args):
        if args.exc_type is not SystemExit:
            _emit.emit("log", lane=_emit.lane(), text=f"Exception in thread {getattr(args.thread, 'name', '?')}:")
            _publish(args.exc_type, args.exc_value, args.exc_traceback)
        output.quiet = True
        try:
            o_thook(args)
        finally:
            output.quiet = False

    threading.excepthook = thread_excepthook


def install():
    _emit.when_imported("multiprocessing.process", _patch_multiprocessing)
    _patch_hooks()
    os.register_at_fork(after_in_child=_after_fork_child)
