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

import importlib.machinery
import importlib.util
import os
import sys


def _load():
    if os.environ.get("CHAINRULE_PURE_PYTHON", "") not in ("", "0"):
        return None
    # Only the core built beside these files: an import by name could find another checkout's
    # (an editable install's finder answers for chainrule's submodules wherever this copy is).
    spec = importlib.machinery.PathFinder.find_spec(
        "chainrule._core", [os.path.dirname(os.path.abspath(__file__))])
    if spec is None:  # not built: an install without a C compiler
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["chainrule._core"] = module
    return module


core = _load()


def engine():
    """Which engine runs: ``"compiled"`` (the C core) or ``"python"`` (pure Python)."""
    return "python" if core is None else "compiled"


__all__ = ["core", "engine"]
