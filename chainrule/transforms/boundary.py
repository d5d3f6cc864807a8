"""Where values enter and leave a transform: fresh input nodes, checks, and plain results.

Each call gives its inputs fresh nodes of their own, so nested transforms never confuse their
perturbations: an inner ``grad`` sweeps back only to its own inputs, and an inner ``jvp`` seeds
only its own trace. Called with plain values a transform returns plain NumPy values; called on
tensors that an outer level follows (a transform, or jit), it returns tensors, recorded.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import ForeignArray, is_foreign_array
from chainrule.engine_state import current, enter, leave
from chainrule.graph import Node
from chainrule.ops.identity import transform_input
from chainrule.tensor import Tensor, tensor, wrap


def as_input(value, what="input"):
    """A tensor holding ``value`` whose node is new: a transform differentiates w.r.t. it."""
    x = floating(value, what)
    node = Node(transform_input, [x.node], (x,), x._data, {})
    out = wrap(x._data, node)
    out.tangents = dict(x.tangents) if x.tangents else None
    return out


def floating(value, what):
    """``value`` as a tensor, or a TypeError naming its dtype when it is not floating-point."""
    x = value if isinstance(value, Tensor) else tensor(value)
    if x.dtype.kind not in "fc":
        raise TypeError(
            f"cannot differentiate with respect to {what}, of dtype {x.dtype}: derivatives "
            "need floating-point values; pass floats (2.0, not 2) or convert it with "
            "np.asarray(x, dtype=float)"
        )
    return x


def is_live(x):
    """Whether ``x`` is followed by some derivative (a derivative node or forward tangents)."""
    return isinstance(x, Tensor) and (
        (x.node is not None and x.node.carries_derivative) or bool(x.tangents))


def is_recorded(x):
    """Whether ``x`` has a node of any kind: a derivative's, or a value jit follows."""
    return isinstance(x, Tensor) and x.node is not None


def lower(x, followed=False):
    """What a transform returns: the plain array, or the tensor when an outer level follows it.

    At the outermost level every graph the transform built is finished, so the value is
    returned plain even when a node is attached (the record of the transform's own sweep).
    Under jit a result may carry no derivative yet be traced: it stays a tensor, so that the
    caller's arithmetic on it is recorded too.
    """
    if followed and (is_live(x) or is_recorded(x)):
        return x
    return x._data if isinstance(x, Tensor) else x


def handed_back(tree):
    """A transform's plain results as the caller gets them: another library's arrays (held
    as ForeignArray inside the engine) in that library's own type; the rest as it is."""
    kind = type(tree)
    if kind is ForeignArray or isinstance(tree, ForeignArray):
        return tree.array
    if kind is tuple or kind is list:
        return kind(handed_back(v) for v in tree)
    if kind is dict:
        return {k: handed_back(v) for k, v in tree.items()}
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return kind(*(handed_back(v) for v in tree))
    return tree


def is_transforming():
    """Whether some transform is running its function right now (an outer level exists), in
    this thread or task."""
    return current().depth > 0


def is_nested(values):
    """Whether an outer transform follows this call (so results must keep their derivatives)."""
    state = current()
    return state.depth > 0 or bool(state.forward_traces) or any(is_live(v) for v in values)


def is_followed(values, nested):
    """Whether an outer level follows this call: a transform (``nested``), or jit, whose trace
    records ``values``. Then the call's own sweeps are recorded, and its results stay tensors;
    only ``nested`` needs them to carry derivatives. While jit traces, the call is followed even
    when its own inputs are constants: f may close over traced values (a grad in a constant
    whose function reads the jitted function's argument), and its results must stay traced
    rather than become this one call's numbers."""
    return nested or current().trace is not None or any(is_recorded(v) for v in values)


def call(f, args):
    """``f(*args)`` one transform deeper, recording even inside ``no_grad`` (as torch.func)."""
    token = enter(grad_enabled=True, depth=current().depth + 1)
    try:
        return f(*args)
    finally:
        leave(token)


def output_tensor(value, path):
    """One output value of ``f`` as a tensor, or a TypeError when it is not numeric."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, ForeignArray) or is_foreign_array(value):
        return tensor(value)
    array = np.asarray(value)
    if array.dtype.kind not in "biufc":
        raise TypeError(
            f"{path} is a {type(value).__name__} of dtype {array.dtype}, not a number or "
            "array; a function to differentiate must return tensors, arrays or floats (or "
            "tuples, lists or dicts of them)"
        )
    return tensor(array)


def owned(values, others=()):
    """``values`` (plain results) as arrays of their own: writable, none a view of another
    result or of ``others`` (the arguments and seeds the caller gave). Rules may return their
    cotangent itself or a view of it (a reshape, a transpose); a caller must never find that
    writing into one result changes another, or the arrays it passed in."""
    kept = []
    for value in values:
        if isinstance(value, np.ndarray) and (
            not value.flags.writeable
            or any(np.may_share_memory(value, other) for other in (*kept, *others))
        ):
            value = value.copy()
        kept.append(value)
    return kept


def zeros_for(x):
    """The zero derivative for ``x`` (what is returned for an input the output ignores)."""
    data = np.zeros_like(x._data)
    return data[()] if data.ndim == 0 else data


__all__ = [
    "as_input",
    "floating",
    "is_live",
    "is_recorded",
    "lower",
    "is_nested",
    "is_followed",
    "is_transforming",
    "call",
    "output_tensor",
    "owned",
    "zeros_for",
]
