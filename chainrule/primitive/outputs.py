"""Ops with several outputs (eigh's values and vectors, svd's U, S, Vh): declared once, computed
once, each output recorded as a node of its own whose rules read them all."""

from __future__ import annotations

from chainrule import trace_recording
from chainrule.autodiff import forward
from chainrule.engine_state import current
from chainrule.graph import OutputNode
from chainrule.backends import BackendError, hold, is_foreign_array
from chainrule.primitive.calls import SYMBOLIC_TYPES, handed_back
from chainrule.primitive.declaration import Primitive, refuse_complex
from chainrule.primitive.families import nondifferentiable
from chainrule.tensor import Tensor, asarray_if_sequence, wrap

def multiple_outputs(name, forward, outputs, vjp, jvp, *, inputs=None, no_derivative=(), doc=None,
                     supports_complex=False):
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
    prim = MultipleOutputs(name, forward, vjps, jvps, inputs=inputs, doc=doc,
                           supports_complex=supports_complex)
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
    state = current()
    if state.trace is not None:
        return trace_recording.record_outputs(prim, args, params)
    if not any(isinstance(arg, Tensor) for arg in args):
        symbolic = next((SYMBOLIC_TYPES[type(a)] for a in args if type(a) in SYMBOLIC_TYPES), None)
        if symbolic is not None:  # a symbolic value names each output as a step of its own
            return tuple(symbolic(part, args, params) for part in prim.parts)
        if any(is_foreign_array(a) for a in args):
            held = [hold(a) if is_foreign_array(a) else a for a in args]
            return handed_back(apply_outputs(prim, *held, **params))
        return _forward(prim, [asarray_if_sequence(a) for a in args], params)
    raw = tuple(arg._data if isinstance(arg, Tensor) else asarray_if_sequence(arg)
                for arg in args)
    parents = [arg.node if isinstance(arg, Tensor) else None for arg in args]
    outs = _forward(prim, raw, params)
    live = state.grad_enabled and any(parent is not None for parent in parents)
    if live or state.forward_traces:
        refuse_complex(prim, raw, outs)
    siblings = []
    results = tuple(
        wrap(out, OutputNode(part, parents, args, outs, params, raw, k, siblings)
             if live and part.differentiable else None)
        for k, (out, part) in enumerate(zip(outs, prim.parts))
    )
    siblings.extend(result.node for result in results)
    if state.forward_traces:
        forward.push_output_tangents(results, prim, args, params)
    if state.op_hooks:
        for hook in state.op_hooks:
            for part, result in zip(prim.parts, results):
                hook(part, args, params, result)
    return results


def _forward(prim, raw, params):
    try:
        return tuple(prim.forward(*raw, **params))
    except BackendError as exc:  # an array library lacks a function: name the op that asked
        raise exc.in_op(prim.name, raw) from None


MultipleOutputs.__call__ = apply_outputs


__all__ = ["MultipleOutputs", "apply_outputs", "multiple_outputs"]
