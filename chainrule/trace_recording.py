"""Recording while jit traces a function: every op on a value that descends from the trace's
inputs becomes a node, so that the graph alone holds what the trace replays.

Where a derivative flows the node is an ordinary :class:`Node`; where none does (a comparison,
an integer input, a step under ``no_grad``) it is a :class:`ValueNode`, which the sweeps never
enter. Only the bookkeeping differs from :func:`chainrule.primitive.record`: rules do not know.
"""

from __future__ import annotations

import numpy as np

from chainrule.autodiff import forward
from chainrule.engine_state import current
from chainrule.graph import Made, Node, OutputNode, ValueNode, ValueOutputNode
from chainrule.tensor import Tensor, asarray_if_sequence, holds_tensor, wrap


def follows(prim, params):
    """Whether an op on plain arguments is still part of the trace: a random draw (replays
    draw again), or params that hold a traced tensor (an index of labels)."""
    return prim.random or _holds_tensor(params.values())


def record(prim, args, params):
    """``prim(*args, **params)`` while a trace runs: a tensor with a node whenever some
    argument (or param) is recorded, or the op draws random numbers."""
    args = [asarray_if_sequence(a) for a in args]
    raw_params = _unwrapped(params) if _holds_tensor(params.values()) else params
    raw, parents, derivative = _read(args)
    out = prim.forward(*raw, **raw_params)
    if prim.random or raw_params is not params or any(p is not None for p in parents):
        return _recorded(prim, args, raw, parents, out, _kept(params), derivative)
    if not any(isinstance(a, Tensor) for a in args):
        return out
    result = wrap(out)  # constants, though forward-mode tangents may still ride on them
    if prim.vjps is not None and current().forward_traces:
        forward.push_tangents(result, prim, args, params)
    return result


def record_outputs(prim, args, params):
    """As :func:`record`, for an op with several outputs: it runs once, and each output gets a
    node of its own that knows its siblings (the replay computes them in one step too)."""
    args = [asarray_if_sequence(a) for a in args]
    raw, parents, derivative = _read(args)
    outs = tuple(prim.forward(*raw, **params))
    if all(p is None for p in parents):
        if not any(isinstance(a, Tensor) for a in args):
            return outs
        results = tuple(wrap(out) for out in outs)
    else:
        siblings = []
        results = tuple(
            wrap(out, _output_kind(part, derivative)(part, parents, tuple(args), outs, params,
                                                     tuple(raw), k, siblings))
            for k, (out, part) in enumerate(zip(outs, prim.parts))
        )
        siblings.extend(result.node for result in results)
    if current().forward_traces:
        forward.push_output_tangents(results, prim, args, params)
    return results


def _output_kind(part, derivative):
    if derivative and part.vjps is not None and current().grad_enabled:
        return OutputNode
    return ValueOutputNode


def _read(args):
    """The arguments' arrays, their nodes, and whether a derivative flows in through one."""
    raw, parents, derivative = [], [], False
    for arg in args:
        if isinstance(arg, Tensor):
            node = arg.node
            raw.append(arg._data)
            parents.append(node)
            derivative = derivative or (node is not None and node.carries_derivative)
        else:
            raw.append(arg)
            parents.append(None)
    return raw, parents, derivative


def _recorded(prim, args, raw, parents, out, params, derivative):
    state = current()
    differentiable = prim.vjps is not None
    kind = Node if derivative and differentiable and state.grad_enabled else ValueNode
    if kind is ValueNode and type(out) is np.ndarray:
        # No sweep enters a ValueNode; jit's compiler reads only the constants it was called
        # on and the type and layout of what it made. Holding its values would keep every
        # value of a traced backward pass alive until the trace ends (W7: +30 % memory).
        node = ValueNode(prim, parents, _constants(args, parents), Made(out), params,
                         _constants(raw, parents))
    else:
        node = kind(prim, parents, tuple(args), out, params, tuple(raw))
    result = wrap(out, node)
    if differentiable and state.forward_traces:
        forward.push_tangents(result, prim, args, params)
    if state.op_hooks and kind is Node:
        for hook in state.op_hooks:
            hook(prim, args, params, result)
    return result


def _constants(values, parents):
    return tuple(None if parent is not None else value for value, parent in zip(values, parents))


def _holds_tensor(values):
    return any(isinstance(value, Tensor) or holds_tensor(value) for value in values)


def _unwrapped(value):
    """Params as the forward takes them: every tensor replaced by its array."""
    if isinstance(value, dict):
        return {key: _unwrapped(v) for key, v in value.items()}
    if isinstance(value, Tensor):
        return value._data
    if type(value) is tuple or type(value) is list:
        return type(value)(_unwrapped(v) for v in value)
    return value


def _kept(value):
    """Params as the node keeps them: each tensor as it is now (its value and node), so that
    rebinding it later (an in-place update) does not change what was recorded."""
    if isinstance(value, dict):
        return {key: _kept(v) for key, v in value.items()} if _holds_tensor(value.values()) \
            else value
    if isinstance(value, Tensor):
        return wrap(value._data, value.node)
    if type(value) is tuple or type(value) is list:
        return type(value)(_kept(v) for v in value)
    return value


def sources(node):
    """The nodes whose values ``node``'s forward reads: its parents, and the nodes of the
    tensors its params hold (an index computed from traced values)."""
    found = [p for p in node.parents if p is not None]
    if node.params and _holds_tensor(node.params.values()):
        todo = list(node.params.values())
        while todo:
            value = todo.pop()
            if isinstance(value, Tensor) and value.node is not None:
                found.append(value.node)
            elif type(value) is tuple or type(value) is list:
                todo.extend(value)
    return found
