"""Trace and replay: ``jit`` records a function once and replays it as plain NumPy calls."""

from chainrule.replay.jit import Jitted, jit
from chainrule.replay.program import Program
from chainrule.tracing import TraceError

__all__ = ["jit", "Jitted", "Program", "TraceError"]
