"""Loaded by Python at start-up from the PYTHONPATH that `concviz run`
sets: installs concviz's probe, then runs the sitecustomize this one hides
(Debian ships one), so that the program starts as it would without us."""
import importlib.util
import os
import sys


def _chain():
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        try:
            if os.path.abspath(entry or ".") == here:
                continue
        except (TypeError, ValueError):
            continue
        path = os.path.join(entry or ".", "sitecustomize.py")
        if os.path.isfile(path):
            spec = importlib.util.spec_from_file_location("_concviz_next_sitecustomize", path)
            if spec is not None and spec.loader is not None:
                try:
                    spec.loader.exec_module(importlib.util.module_from_spec(spec))
                except Exception:  # noqa: BLE001 - as Python's own site.py does
                    pass
            return


if os.environ.get("CONCVIZ_EVENTS"):
    try:
        import concviz_probe

        concviz_probe.install()
    except Exception as _exc:  # noqa: BLE001 - never stop the program
        print(f"concviz: the probe failed to load: {_exc!r}", file=sys.stderr)
_chain()
