"""concviz's probe: instruments a Python program that `concviz run` starts,
so that its threads, futures, tasks and waits reach concviz as events.

It is installed by sitecustomize.py and uses only the standard library.
Each part patches one area and is installed here, in an order that lets
a later part rely on an earlier one (threads give lanes to everything).
"""
import os

from . import _emit

_PARTS = ("threads", "futures", "blocking", "output", "process", "aio")


def install():
    if not _emit.open_channel():
        return
    os.register_at_fork(after_in_child=_emit.after_fork_in_child)
    import importlib

    for name in _PARTS:
        try:
            part = importlib.import_module("." + name, __name__)
        except ImportError:
            continue  # a part not written yet, or not for this version
        try:
            part.install()
        except Exception as exc:  # noqa: BLE001 - the program must run anyway
            _emit.emit("mark", lane=-1, text=_emit.short(f"probe: {name} not installed: {exc!r}"))
