"""jit: run a function once, compile the graph the engine recorded, and replay it as NumPy."""

from chainrule.jit.jitted import Jitted, jit
from chainrule.jit.program import Program
from chainrule.jit.trace import TraceError

__all__ = ["jit", "Jitted", "Program", "TraceError"]
