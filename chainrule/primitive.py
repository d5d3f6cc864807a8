"""Primitives: one declaration holds an op's forward, its VJP and JVP per input, its inputs'
names and its symbolic forward.

``apply`` is the one door of every op: NumPy alone on plain arrays; on tensors it also records a
node and pushes tangents (and, while jit traces, every op on a traced value:
:mod:`chainrule.trace_recording`); symbolic values (formula terms) apply the op themselves.
"""

from __future__ import annotations

import sys

import numpy as np

from chainrule import trace_recording
from chainrule.autodiff import forward
from chainrule.graph import OP_HOOKS, Node, OutputNode, grad_mode, recording
from chainrule.tensor import Tensor, asarray_if_sequence, is_tensor, value_of, view_of, wrap

REGISTRY: dict[str, "Primitive"] = {}

# Argument types that need no conversion: apply hands them to the forward as they are.
_NUMPY_VALUES = frozenset({np.ndarray, *(np.dtype(c).type for c in "?bhilqBHILQefdgFDG")})

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
    change of anything else is not reported as an error. ``random`` says that the forward
    draws random numbers: each run draws anew, so jit records it even on constants and its
    replays draw again.
    """

    # No __slots__: each primitive carries its own __doc__, __name__ and __wrapped__, so that
    # help(), doctest and inspect treat it like the function it stands for.

    def __init__(self, name, forward, vjps, jvps, *, inputs=None, symbolic=None,
                 reads_inputs=True, reads_out=False, random=False, doc=None, register=True):
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
    if recording.trace is not None and trace_recording.follows(prim, params):
        return trace_recording.record(prim, args, params)
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
    if recording.trace is not None:
        return trace_recording.record(prim, args, params)
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


def multiple_outputs(name, forward, outputs, vjp, jvp, *, inputs=None, no_derivative=(), doc=None):
    """Declare an op with several outputs, computed once (eigh: values and vectors; svd: U, S, Vh).

    ``forward(*inputs, **params)`` returns one array per name in ``outputs``. The rules see every
    output at once: ``vjp(grad_outs, outs, *inputs, **params)`` per input, where ``grad_outs``
    holds None for an output no gradient reached, and ``jvp(x_dot, outs, *inputs, **params)``
    per input returns one tangent per output. Each output is recorded as a node of its own (the
    engine's graph has one value per node), named ``name.output``; the outputs named in
    ``no_derivative`` (slogdet's sign) carry none.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.primitive import multiple_outputs
        >>> def sincos_vjp(grad_outs, outs, x):
        ...     grad_sin, grad_cos = (0 if g is None else g for g in grad_outs)
        ...     return grad_sin * outs[1] - grad_cos * outs[0]
        >>> sincos = multiple_outputs(
        ...     "sincos_example", lambda x: (np.sin(x), np.cos(x)), ("sin", "cos"),
        ...     vjp=sincos_vjp, jvp=lambda x_dot, outs, x: (x_dot * outs[1], -x_dot * outs[0]))
        >>> print(f"{float(cr.grad(lambda x: sincos(x)[1])(0.5)):.6f}")   # d cos x/dx = -sin x
        -0.479426
    """
    vjps = vjp if isinstance(vjp, (tuple, list)) else (vjp,)
    jvps = jvp if isinstance(jvp, (tuple, list)) else (jvp,)
    prim = MultipleOutputs(name, forward, vjps, jvps, inputs=inputs, doc=doc)
    prim.outputs = tuple(outputs)
    prim.parts = tuple(
        _output_part(prim, k, output not in no_derivative)
        for k, output in enumerate(prim.outputs)
    )
    return prim


def _output_part(prim, k, differentiable):
    # Output k's own primitive: its forward picks output k (what a replay computes), its rules
    # are the joint ones with only grad_out k given, and tangent k taken.
    count = len(prim.outputs)
    name = f"{prim.name}.{prim.outputs[k]}"

    def forward(*inputs, **params):
        return prim.forward(*inputs, **params)[k]

    def only_k(grad_out):
        return tuple(grad_out if j == k else None for j in range(count))

    if not differentiable:
        part = nondifferentiable(name, forward, inputs=prim.inputs, register=False)
    else:
        part = _differentiable_part(prim, k, name, forward, only_k)
    # Readers that need every output (jit's compiler runs the op once; a formula hands the rule
    # all the outputs) find the whole op here.
    part.joint, part.index = prim, k
    return part


def _differentiable_part(prim, k, name, forward, only_k):
    # The joint rules are looked up at each call: the declaration stays their one home.
    return Primitive(
        name, forward,
        [lambda grad_out, outs, *inputs, i=i, **params:
         prim.vjps[i](only_k(grad_out), outs, *inputs, **params) for i in range(len(prim.vjps))],
        [lambda x_dot, outs, *inputs, i=i, **params:
         prim.jvps[i](x_dot, outs, *inputs, **params)[k] for i in range(len(prim.jvps))],
        inputs=prim.inputs, reads_inputs=prim.reads_inputs, reads_out=True, register=False,
    )


class MultipleOutputs(Primitive):
    """A primitive with several outputs (see :func:`multiple_outputs`)."""

    outputs = ()
    parts = ()


def apply_outputs(prim, *args, **params):
    """Run an op with several outputs once: a tuple of arrays, or of tensors with their nodes."""
    if recording.trace is not None:
        return trace_recording.record_outputs(prim, args, params)
    if not any(isinstance(arg, Tensor) for arg in args):
        symbolic = next((SYMBOLIC_TYPES[type(a)] for a in args if type(a) in SYMBOLIC_TYPES), None)
        if symbolic is not None:  # a symbolic value names each output as a step of its own
            return tuple(symbolic(part, args, params) for part in prim.parts)
        return tuple(prim.forward(*[asarray_if_sequence(a) for a in args], **params))
    raw = tuple(arg._data if isinstance(arg, Tensor) else asarray_if_sequence(arg)
                for arg in args)
    parents = [arg.node if isinstance(arg, Tensor) else None for arg in args]
    outs = tuple(prim.forward(*raw, **params))
    live = grad_mode.enabled and any(parent is not None for parent in parents)
    siblings = []
    results = tuple(
        wrap(out, OutputNode(part, parents, args, outs, params, raw, k, siblings)
             if live and part.differentiable else None)
        for k, (out, part) in enumerate(zip(outs, prim.parts))
    )
    siblings.extend(result.node for result in results)
    if forward.active_traces:
        forward.push_output_tangents(results, prim, args, params)
    if OP_HOOKS:
        for hook in OP_HOOKS:
            for part, result in zip(prim.parts, results):
                hook(part, args, params, result)
    return results


MultipleOutputs.__call__ = apply_outputs


def nondifferentiable(name, forward, *, inputs=None, symbolic=None, random=False, doc=None,
                      register=True):
    """An op whose result carries no derivative (comparisons, argmax, rounding, random draws)."""
    return Primitive(name, forward, None, None, inputs=inputs, symbolic=symbolic, random=random,
                     doc=doc, register=register)


class Unbatchable(TypeError):
    """Raised by a rule that cannot carry a batch of rows (the seeds of a whole Jacobian go
    through one sweep as a batch): the transform then sweeps the rows one at a time."""


# prim(*args, **params) is apply(prim, *args, **params) itself: one Python call less per op.
Primitive.__call__ = apply

__all__ = [
    "Primitive", "primitive", "elementwise", "elementwise_binary", "linear", "bilinear",
    "nondifferentiable", "multiple_outputs", "apply", "value_of", "is_tensor", "view_of",
    "Unbatchable",
]
