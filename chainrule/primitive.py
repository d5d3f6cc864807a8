"""Primitives: one declaration holds an op's forward, its VJP and JVP per input, its inputs'
names and its symbolic forward.

``apply`` is the one door every op goes through: on plain arrays it is NumPy and nothing else;
on tensors it also records a node for reverse mode and pushes tangents for forward mode; on
symbolic values (formula terms) it hands the op to their own ``apply``.
The family helpers (elementwise, linear, bilinear, ...) let a declaration state only its math.
"""

from __future__ import annotations

import sys

import numpy as np

from chainrule.graph import Node, grad_mode
from chainrule.tensor import Tensor, wrap
from chainrule.tracing import tracing

REGISTRY: dict[str, "Primitive"] = {}

# Argument types that need no conversion: apply hands them to the forward as they are.
_NUMPY_VALUES = frozenset({np.ndarray, *(np.dtype(c).type for c in "?bhilqBHILQefdgFDG")})

# Functions called as hook(prim, args, params, result) after every recorded op (detect_anomaly
# uses this). Empty, it costs one truth test per op.
OP_HOOKS: list = []

# Types of symbolic values, each with the function that applies an op to them: apply(prim, args,
# params). chainrule.explanation.formulas.terms registers its formula terms, on which the rules
# run to write their own formulas. Only arguments of no common type are looked up here.
SYMBOLIC_TYPES: dict = {}


class Primitive:
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
    change of anything else is not reported as an error.
    """

    # No __slots__: each primitive carries its own __doc__, __name__ and __wrapped__, so that
    # help(), doctest and inspect treat it like the function it stands for.

    def __init__(self, name, forward, vjps, jvps, *, inputs=None, symbolic=None,
                 reads_inputs=True, reads_out=False, doc=None, register=True):
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
    # The module that declared the primitive (past the family helpers in this module), so that
    # help() and doctest collection find its documentation where it was written.
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    return frame.f_globals.get("__name__", __name__) if frame is not None else __name__


def apply(prim, *args, **params):
    """Run ``prim``: NumPy alone on plain arrays; on tensors also record and push tangents."""
    numbers_only, sequence = True, False
    for arg in args:
        kind = type(arg)
        if kind in _NUMPY_VALUES:  # the common case: one set lookup
            numbers_only = False
        elif kind is float or kind is int:
            continue
        elif isinstance(arg, Tensor):
            return record(prim, args, params)
        elif kind in SYMBOLIC_TYPES:
            return SYMBOLIC_TYPES[kind](prim, args, params)
        else:
            numbers_only = False
            sequence = sequence or kind is list or kind is tuple
    if tracing.tape is not None:
        return _traced_apply(prim, args, params)
    if sequence:
        # Forwards use Python operators where they are fastest (NumPy scalars); a list given
        # to a public op must still mean an array, as in NumPy, never list concatenation.
        return prim.forward(*[asarray_if_sequence(a) for a in args], **params)
    if numbers_only and args:
        # Python operators raise at 1/0 and go complex at (-2)**0.5 on Python numbers:
        # compute as NumPy would on them (inf, nan, a warning).
        args = [np.asarray(a) for a in args]
    return prim.forward(*args, **params)


def record(prim, args, params):
    """Apply ``prim`` to arguments of which some are tensors: the engine's per-op hot path."""
    raw = []
    parents = []
    live = False
    for arg in args:
        if isinstance(arg, Tensor):
            raw.append(arg._data)
            node = arg.node
            parents.append(node)
            if node is not None:
                live = True
        else:
            if type(arg) is list or type(arg) is tuple:
                return record(prim, [asarray_if_sequence(a) for a in args], params)
            raw.append(arg)
            parents.append(None)
    out = prim.forward(*raw, **params)
    if tracing.tape is not None:
        tracing.tape.op(prim, args, raw, params, out)
    if prim.vjps is None:
        return wrap(out)
    node = Node(prim, parents, args, out, params, tuple(raw)) if live and grad_mode.enabled \
        else None
    result = wrap(out, node)
    if forward.active_traces:
        forward.push_tangents(result, prim, args, params)
    if OP_HOOKS:
        for hook in OP_HOOKS:
            hook(prim, args, params, result)
    return result


def _traced_apply(prim, args, params):
    # While jit traces, a rule or helper may work on the raw arrays of traced values: the
    # step is recorded like any other, so that replay computes it again.
    args = [asarray_if_sequence(a) for a in args]
    out = prim.forward(*args, **params)
    tracing.tape.op(prim, args, args, params, out)
    return out


def asarray_if_sequence(x):
    return np.asarray(x) if type(x) is list or type(x) is tuple else x


# --- family helpers: an op states only what is specific to it --------------------------------


def primitive(name, forward, vjp, jvp, *, inputs=None, symbolic=None, reads_inputs=True,
              reads_out=False, doc=None):
    """Declare a primitive from its forward and one VJP and one JVP per input.

    This is the general form, and the public way to add an op of your own; built-in ops use it
    too. ``vjp``/``jvp`` are a rule or a tuple of rules, one per positional input.

    Args:
        name: a unique name (it appears in explanations and error messages).
        forward: ``forward(*inputs, **params)`` on NumPy arrays.
        vjp: ``vjp(grad_out, out, *inputs, **params)`` per input: its gradient contribution.
        jvp: ``jvp(x_dot, out, *inputs, **params)`` per input: its contribution to ``out_dot``.
        inputs: the inputs' names (default ``x``; ``x``, ``y``; ``x1``, ``x2``, …).
        symbolic: the forward in symbols, for formulas (see :class:`Primitive`). Explanations
            write each local derivative by running ``vjp`` on symbolic values; ``symbolic``
            lets SymPy read the op itself, so that its formulas can be simplified.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cube = cr.primitive(
        ...     "cube_example", lambda x: x**3,
        ...     vjp=lambda grad_out, out, x: grad_out * 3 * x**2,
        ...     jvp=lambda x_dot, out, x: x_dot * 3 * x**2,
        ...     symbolic="x**3")
        >>> float(cr.grad(lambda x: cube(x))(2.0))
        12.0
    """
    vjps = vjp if isinstance(vjp, (tuple, list)) else (vjp,)
    jvps = jvp if isinstance(jvp, (tuple, list)) else (jvp,)
    return Primitive(name, forward, vjps, jvps, inputs=inputs, symbolic=symbolic,
                     reads_inputs=reads_inputs, reads_out=reads_out, doc=doc)


def elementwise(name, forward, derivative, *, symbolic=None, reads_inputs=True, reads_out=False,
                doc=None):
    """A unary elementwise op given its derivative ``derivative(x, out) = dy/dx``."""
    return Primitive(
        name,
        forward,
        (lambda grad_out, out, x: grad_out * derivative(x, out),),
        (lambda x_dot, out, x: x_dot * derivative(x, out),),
        symbolic=symbolic,
        reads_inputs=reads_inputs,
        reads_out=reads_out,
        doc=doc,
    )


def elementwise_binary(name, forward, d_dx, d_dy, *, inputs=None, symbolic=None,
                       reads_inputs=True, reads_out=False, doc=None):
    """A binary elementwise op given both partials ``d_dx(x, y, out)`` and ``d_dy(x, y, out)``."""
    return Primitive(
        name,
        forward,
        # An empty result has an empty derivative: the partial is not evaluated on inputs
        # that broadcasting emptied (1/y at y = 0 for an x of shape (1, 0) would warn); the
        # engine fits what comes back to the input's shape (a sum of nothing: zeros).
        (
            lambda grad_out, out, x, y: grad_out if out.size == 0 else grad_out * d_dx(x, y, out),
            lambda grad_out, out, x, y: grad_out if out.size == 0 else grad_out * d_dy(x, y, out),
        ),
        (
            lambda x_dot, out, x, y: x_dot if out.size == 0 else x_dot * d_dx(x, y, out),
            lambda y_dot, out, x, y: y_dot if out.size == 0 else y_dot * d_dy(x, y, out),
        ),
        inputs=inputs,
        symbolic=symbolic,
        reads_inputs=reads_inputs,
        reads_out=reads_out,
        doc=doc,
    )


def linear(name, forward, adjoint, *, symbolic=None, doc=None):
    """A map linear in its one input: the JVP is the op itself, the VJP is ``adjoint``.

    ``adjoint(grad_out, x, **params)`` receives the input only for its shape and dtype.
    """
    prim = Primitive(
        name,
        forward,
        (lambda grad_out, out, x, **params: adjoint(grad_out, x, **params),),
        None,
        symbolic=symbolic,
        reads_inputs=False,
        doc=doc,
    )
    prim.jvps = (lambda x_dot, out, x, **params: apply(prim, x_dot, **params),)
    return prim


def bilinear(name, forward, adjoint_x, adjoint_y, *, inputs=None, symbolic=None, doc=None):
    """A map linear in each input separately: the JVP is the product rule.

    out_dot = f(x_dot, y) + f(x, y_dot); ``adjoint_x(grad_out, x, y, **params)`` is the VJP for x.
    """
    prim = Primitive(
        name,
        forward,
        (
            lambda grad_out, out, x, y, **params: adjoint_x(grad_out, x, y, **params),
            lambda grad_out, out, x, y, **params: adjoint_y(grad_out, x, y, **params),
        ),
        None,
        inputs=inputs,
        symbolic=symbolic,
        doc=doc,
    )
    prim.jvps = (
        lambda x_dot, out, x, y, **params: apply(prim, x_dot, y, **params),
        lambda y_dot, out, x, y, **params: apply(prim, x, y_dot, **params),
    )
    return prim


def nondifferentiable(name, forward, *, inputs=None, symbolic=None, doc=None):
    """An op whose result carries no derivative (comparisons, argmax, rounding)."""
    return Primitive(name, forward, None, None, inputs=inputs, symbolic=symbolic, doc=doc)


# prim(*args, **params) is apply(prim, *args, **params) itself: one Python call less per op.
Primitive.__call__ = apply

from chainrule.autodiff import forward  # noqa: E402  (forward mode needs apply; see module doc)
