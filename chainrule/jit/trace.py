"""One trace: the function run once on inputs that are graph leaves, with the engine recording
every op on values that descend from them (``modes.tracing``), and what it refuses.
"""

from __future__ import annotations

import numpy as np

from chainrule.graph import ValueNode, next_seq
from chainrule.modes import running_trace, set_grad_enabled, tracing
from chainrule.ops.elementwise import arithmetic
from chainrule.tensor import wrap


class TraceError(RuntimeError):
    """A function did something that a trace cannot replay (see docs/jit.md)."""


class Trace:
    """The trace running now: installed with ``modes.tracing`` while it runs, in its own thread
    or asyncio task only.

    ``first_seq`` tells this trace's nodes from older ones (made before it, outside it);
    ``guards`` holds the Python state it depends on, as (read, value) pairs.
    """

    def __init__(self, name):
        self.name = name  # the traced function's, for messages
        self.first_seq = None
        self.guards = []
        self.installed = tracing(self)

    def __enter__(self):
        if running_trace() is not None:
            raise RuntimeError("a jit trace is already running")
        self.first_seq = next_seq()
        return self.installed.__enter__()

    def __exit__(self, *exc):
        return self.installed.__exit__(*exc)

    def input(self, value):
        """A tensor for one input value: a graph leaf of its own, which this trace follows."""
        data = value if isinstance(value, np.ndarray) else np.asarray(value)[()]
        return wrap(data, ValueNode(None, (), (), data, {}))

    def copy(self, x, dtype):
        """A new tensor made from traced ``x`` (``cr.tensor(x)``): a copy the trace records, as
        a value without derivative (a new tensor starts a graph of its own)."""
        with set_grad_enabled(False):
            return arithmetic.copy(x) if dtype is None else arithmetic.astype(x, dtype)

    def refuse(self, reason):
        """Raise for something a replay cannot reproduce (``reason`` says what, and the fix)."""
        raise TraceError(f"jit({self.name}): {reason}")

    def escape(self, what):
        """Raise for a traced value about to become a Python value or a new array."""
        self.refuse(
            f"{what} of a traced value: the trace would bake in this one value and replay it "
            "on every call. Keep the computation in chainrule ops (use cr.where for a choice "
            "that depends on values), or call the function without jit"
        )

    def refuse_outside_tensor(self):
        """Raise for a tensor that requires grad but is no argument of the function."""
        self.refuse(
            "the function uses a tensor that requires grad but is not one of its arguments (a "
            "global, or a module's parameter it closes over). A trace replays its arguments "
            "only: pass that tensor as an argument"
        )


__all__ = ["TraceError", "Trace"]
