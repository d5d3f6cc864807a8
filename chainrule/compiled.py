"""The compiled core (chainrule/_core.c), where it was built and is not switched off.

The core runs the engine's per-op hot path — calling a primitive, recording a node, the loop
of a plain backward sweep — for the common case, and calls the Python functions it replaces
for everything else, so the engine has one definition in Python. Set ``CHAINRULE_PURE_PYTHON=1``
before importing chainrule to run on Python alone (as an install without a C compiler does).

Example:
    >>> import chainrule as cr
    >>> cr.compiled.engine() in ("compiled", "python")
    True
"""

from __future__ import annotations

import importlib
import os


def _load():
    if os.environ.get("CHAINRULE_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:  # by name: the extension is a file of this package, not its __init__
        return importlib.import_module("chainrule._core")
    except ImportError:  # not built: an install without a C compiler
        return None


core = _load()


def engine():
    """Which engine runs: ``"compiled"`` (the C core) or ``"python"`` (pure Python)."""
    return "python" if core is None else "compiled"


__all__ = ["core", "engine"]
