"""What a primitive is: its declaration (forward, a VJP and a JVP per input, its inputs' names
and symbolic forward), and the registry of every declared primitive."""

from __future__ import annotations

import sys

from chainrule.compiled import core

# The primitive package: frames inside it are the declaration API, not the declaring module.
_PACKAGE = __name__.rpartition(".")[0]

REGISTRY: dict[str, "Primitive"] = {}

# Calling a primitive applies it (chainrule.primitive.calls.apply): the compiled core's
# Callable does that in C; without the core, calls.py sets ``__call__`` to the Python apply.
_CallableBase = object if core is None else core.Callable


class Primitive(_CallableBase):
    """An op the engine differentiates: ``out = forward(*inputs, **params)``.

    ``vjps[i](grad_out, out, *inputs, **params)`` returns input ``i``'s contribution to the
    gradient and ``jvps[i](x_dot, out, *inputs, **params)`` its contribution to ``out_dot``.
    Contributions may have the broadcast shape or another dtype: the engine sums them at
    fan-out, reduces broadcast axes and casts to the input's shape and dtype. ``None`` in
    ``vjps``/``jvps`` marks an input that is not differentiable (an index, a boolean mask).
    Rules are written in chainrule's own ops, so they are differentiable themselves.

    ``inputs`` names the positional inputs (``("x", "y")``), as formulas write them.
    ``symbolic`` is the forward in symbols, for formulas: text in the inputs' and parameters'
    names that SymPy reads (``"sin(x)"``), or ``symbolic(sympy, *inputs, **params)``; None
    where the op has no scalar closed form. Formulas of local derivatives are never written by
    hand: explanations run the rules themselves on symbolic values.
    ``reads_inputs`` / ``reads_out`` say which saved values the rules read, so that an in-place
    change of anything else is not reported as an error. ``random`` says that the forward
    draws random numbers: each run draws anew, so jit records it even on constants and its
    replays draw again.
    """

    # No __slots__: each primitive carries its own __doc__, __name__ and __wrapped__, so that
    # help(), doctest and inspect treat it like the function it stands for.

    def __init__(self, name, forward, vjps, jvps, *, inputs=None, symbolic=None,
                 reads_inputs=True, reads_out=False, random=False, doc=None, register=True,
                 supports_complex=False):
        if vjps is not None and jvps is not None and len(vjps) != len(jvps):
            raise ValueError(f"primitive '{name}': one VJP and one JVP per input are needed")
        self.name = name
        self.forward = forward
        self.vjps = None if vjps is None else tuple(vjps)
        self.jvps = None if jvps is None else tuple(jvps)
        self.inputs = tuple(inputs) if inputs is not None else default_inputs(vjps or jvps)
        self.symbolic = symbolic
        self.reads_inputs = reads_inputs
        self.reads_out = reads_out
        self.random = random
        self.supports_complex = supports_complex
        self.__name__ = self.__qualname__ = name
        self.__module__ = _declaring_module()
        self.__wrapped__ = forward
        self.__doc__ = doc
        if register:
            if name in REGISTRY:
                raise ValueError(f"a primitive named '{name}' is already declared")
            REGISTRY[name] = self

    @property
    def differentiable(self):
        return self.vjps is not None

    def __repr__(self):
        return f"<primitive {self.name}>"


def default_inputs(rules):
    """x for one input, x and y for two, x1, x2, … for more (a declaration may name them)."""
    count = len(rules) if rules is not None else 1
    return ("x",) if count == 1 else ("x", "y") if count == 2 else tuple(
        f"x{k}" for k in range(1, count + 1)
    )


def _declaring_module():
    # The module that declared the primitive (past the family helpers in this package), so that
    # help() and doctest collection find its documentation where it was written.
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_PACKAGE):
        frame = frame.f_back
    # Code run without a module (exec, a notebook cell's namespace) is the user's: __main__.
    return frame.f_globals.get("__name__", "__main__") if frame is not None else "__main__"


def refuse_complex(prim, inputs, out):
    """A TypeError when ``prim`` has no complex rules and a complex value enters or leaves it
    (``out`` one output, or a tuple of them)."""
    if prim.supports_complex:
        return
    if not (_complex_in(out) if type(out) is tuple else _complex_in((out,))) and not _complex_in(
            inputs):
        return
    raise TypeError(
        f"'{prim.name}' has no complex derivative in chainrule, and a complex value that "
        "needs a derivative reached it; differentiate a real function of its real and "
        "imaginary parts (cr.real, cr.imag, cr.abs), or see docs/complex.md"
    )


def _complex_in(values):
    # Called for every op without complex rules that records: a plain loop, no generator.
    for value in values:
        dtype = getattr(value, "dtype", None)
        if dtype is None:
            if type(value) is complex:
                return True
        elif dtype.kind == "c":
            return True
    return False


class Unbatchable(TypeError):
    """Raised by a rule that cannot carry a batch of rows (the seeds of a whole Jacobian go
    through one sweep as a batch): the transform then sweeps the rows one at a time."""


__all__ = ["REGISTRY", "Primitive", "Unbatchable", "default_inputs", "refuse_complex"]
