"""The program's sys.stdout and sys.stderr as console lines.

Each stream is wrapped: what a thread writes is gathered per thread until
a newline, and each complete line becomes a `log` event on that thread's
lane.  A pending line of stdout rewritten with '\\r' and no newline is a
spinner: each such write is a `frame` (the glyph is the first non-space
character after the last '\\r'; a line blanked with spaces and '\\r' is a
frame with an empty glyph).  On stderr a '\\r' rewrite is a progress bar
(tqdm's): only the text standing when the line ends is published, as a
line, since frames would make concviz draw a spinner pane for it.  In
`ui` mode nothing reaches the real stream (concviz owns the terminal);
in `headless` mode every write and flush goes through to the real stream
unchanged, and the events are published as well.
`quiet` lets process.py print a traceback it already published."""
import _thread
import atexit
import sys

from . import _emit

quiet = False
_frames = {}  # side -> frames published on it


def _side():
    if _emit.current_task() is not None:
        return "task"
    return "process" if _process_side() else "thread"


def _process_side():
    # The main thread of a child process (a multiprocessing worker's spinner).
    return not _emit.is_root() and _thread.get_ident() == _main_ident


_main_ident = _thread.get_ident()


class _Lines:
    """Gathers one stream's text per thread and publishes what completes."""

    def __init__(self, frames):
        self.pending = {}
        self.frames = frames  # '\r' rewrites are spinner frames (stdout)

    def feed(self, text):
        if quiet or not text:
            return
        ident = _thread.get_ident()
        buf = self.pending.pop(ident, "") + text
        if "\n" in buf:
            *lines, buf = buf.split("\n")
            lane = _emit.lane()
            for line in lines:
                if "\r" in line:
                    line = line.rsplit("\r", 1)[1] or line.rstrip("\r").rsplit("\r", 1)[-1]
                _emit.emit("log", lane=lane, text=_emit.short(line))
        if "\r" in buf and self.frames:
            segs = buf.split("\r")
            last = segs[-1]
            if last.strip():
                glyph = last.strip()[0]
            elif len(segs) >= 2 and (segs[-2].strip() == "" or last == ""):
                glyph = ""
            else:
                glyph = None
            if glyph is not None:
                side = _side()
                n = _frames[side] = _frames.get(side, 0) + 1
                _emit.emit("frame", side=side, glyph=glyph, lane=_emit.lane(), n=n)
            buf = last
        elif "\r" in buf:
            # A progress bar: keep only the text standing now.
            segs = [seg for seg in buf.split("\r") if seg]
            buf = segs[-1] if segs else ""
        if buf:
            self.pending[ident] = buf

    def flush_all(self):
        for ident, buf in list(self.pending.items()):
            if buf.strip():
                lane = _emit.claim_lane(ident) if ident == _thread.get_ident() else None
                _emit.emit("log", lane=lane if lane is not None else _emit.lane(),
                           text=_emit.short(buf))
        self.pending.clear()


class _Binary:
    """The `buffer` of a wrapped stream in ui mode: bytes become lines too."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, data):
        self._stream._lines.feed(bytes(data).decode(self._stream.encoding or "utf-8", "replace"))
        return len(data)

    def flush(self):
        pass

    def __getattr__(self, name):
        return getattr(self._stream._real.buffer, name)


class Stream:
    """Stands for sys.stdout or sys.stderr; anything not overridden is the
    real stream's (encoding, fileno, isatty...)."""

    def __init__(self, real, passthrough):
        self._real = real
        self._pass = passthrough
        self._lines = _Lines(frames=real is sys.__stdout__ or real is sys.stdout)
        if not passthrough:
            self.buffer = _Binary(self)

    def write(self, text):
        self._lines.feed(text)
        if self._pass:
            return self._real.write(text)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        if self._pass:
            self._real.flush()

    def __getattr__(self, name):
        return getattr(self._real, name)


def after_fork():
    global _main_ident
    _main_ident = _thread.get_ident()
    for s in (sys.stdout, sys.stderr):
        if isinstance(s, Stream):
            s._lines.pending.clear()
    _frames.clear()


def install():
    passthrough = _emit.headless
    wrapped = []
    for name in ("stdout", "stderr"):
        real = getattr(sys, name)
        if real is None or isinstance(real, Stream):
            continue
        s = Stream(real, passthrough)
        setattr(sys, name, s)
        wrapped.append(s)
    atexit.register(lambda: [s._lines.flush_all() for s in wrapped])
    import os

    os.register_at_fork(after_in_child=after_fork)
