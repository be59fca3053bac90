"""Blocking calls as waits of the calling thread: time.sleep, blocking
socket calls, lock acquisitions that cannot take the lock at once, and
os.read on a pipe or a terminal with nothing to read yet.

Each is a `wait` block/unblock pair on the caller's lane with a `what`
("sleep 3s", "socket recv", "lock", "read pipe").  Locks try a
non-blocking acquire first, so the common uncontended path publishes
nothing.  Left out: reads through io's C classes (sys.stdin, open() files)
and TLS sockets' reads (ssl reads the fd in C)."""
import _socket
import os
import select
import stat
import threading
import time

from . import _emit


def _patch_sleep():
    o_sleep = time.sleep

    def sleep(secs):
        try:
            if not secs > 0:
                return o_sleep(secs)
            what = f"sleep {secs:g}s"
        except TypeError:
            return o_sleep(secs)
        return _emit.blocked(o_sleep, (secs,), what=what)

    sleep.__doc__ = o_sleep.__doc__
    time.sleep = sleep


def _patch_socket(socket):
    S = socket.socket
    base = _socket.socket

    def wrap(name, orig):
        what = "socket " + name.strip("_")

        def call(self, *args):
            if self.gettimeout() == 0.0:  # non-blocking: an event loop's
                return orig(self, *args)
            return _emit.blocked(orig, (self, *args), what=what)

        call.__name__ = name
        return call

    for name in ("recv", "recv_into", "recvfrom", "send", "sendto"):
        setattr(S, name, wrap(name, getattr(base, name)))
    S.sendall = wrap("sendall", base.sendall)
    S._accept = wrap("accept", base._accept)
    o_connect = base.connect

    def connect(self, address):
        if self.gettimeout() == 0.0:
            return o_connect(self, address)
        try:
            where = f"socket connect {address[0]}:{address[1]}"
        except (TypeError, IndexError, KeyError):
            where = "socket connect"
        return _emit.blocked(o_connect, (self, address), what=where)

    S.connect = connect
    o_gai = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return _emit.blocked(o_gai, (host, *args), kwargs, what=_emit.short(f"getaddrinfo {host}", 80))

    getaddrinfo.__doc__ = o_gai.__doc__
    socket.getaddrinfo = getaddrinfo


class _WatchedLock:
    """threading.Lock/RLock as the program sees them after the probe: the
    same lock underneath, a `wait` when acquiring has to wait.  The
    Condition hooks (_release_save, _acquire_restore, _is_owned) are the
    underlying lock's, so that Condition(RLock()) keeps its semantics."""

    __slots__ = ("_lock", "__weakref__")

    def __init__(self, lock):
        self._lock = lock

    def acquire(self, blocking=True, timeout=-1):
        if self._lock.acquire(False):
            return True
        if not blocking:
            return False
        return _emit.blocked(self._lock.acquire, (True, timeout), what="lock")

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self._lock.release()

    def release(self):
        self._lock.release()

    def __getattr__(self, name):  # locked, _at_fork_reinit, _is_owned, ...
        return getattr(self._lock, name)

    def __repr__(self):
        return repr(self._lock)

    acquire_lock = acquire
    release_lock = release


def _patch_locks():
    o_lock, o_rlock = threading.Lock, threading.RLock

    def Lock():
        return _WatchedLock(o_lock())

    def RLock(*args, **kwargs):
        return _WatchedLock(o_rlock(*args, **kwargs))

    threading.Lock, threading.RLock = Lock, RLock


def _patch_read():
    o_read, o_fstat, poll = os.read, os.fstat, select.poll

    def read(fd, n):
        try:
            mode = o_fstat(fd).st_mode
            if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
                return o_read(fd, n)
            p = poll()
            p.register(fd, select.POLLIN)
            if p.poll(0):
                return o_read(fd, n)
        except (OSError, TypeError, ValueError):
            return o_read(fd, n)
        return _emit.blocked(o_read, (fd, n), what="read pipe" if stat.S_ISFIFO(mode) else "read tty")

    read.__doc__ = o_read.__doc__
    os.read = read


def install():
    _patch_sleep()
    _emit.when_imported("socket", _patch_socket)
    _patch_locks()
    _patch_read()

