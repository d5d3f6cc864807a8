"""In-place updates on tensors (``x += y``, ``x[i] = v``): exact, or refused — never silently wrong.

Outside a recorded graph the array is written in place, as in NumPy, and the write is stamped
(see ``graph.mutation``) so that a backward pass that would read the old value raises instead.
Inside one, the update is recorded as a functional op on a snapshot of the old value, and the
tensor takes the new value and node: the gradient flows through the update exactly.
"""

from __future__ import annotations

import operator

import numpy as np

from chainrule.autodiff import forward
from chainrule.graph import grad_mode, mutation
from chainrule.primitive import Primitive
from chainrule.tensor import Tensor, wrap
from chainrule.tracing import tracing

_IN_PLACE = {
    "add": operator.iadd,
    "subtract": operator.isub,
    "multiply": operator.imul,
    "divide": operator.itruediv,
    "power": operator.ipow,
}


def update(x, op, other):
    """``x op= other``: returns the tensor that the name should now refer to."""
    if _records(x, other):
        _refuse_leaf(x)
        return op(snapshot(x), other)
    other_data = other._data if isinstance(other, Tensor) else other
    data = x._data
    if isinstance(data, np.ndarray):
        _IN_PLACE[op.name](data, other_data)
    else:  # a NumPy scalar is immutable: replace it, keeping the dtype as NumPy would
        result = np.asarray(op.forward(data, other_data))
        x._data = np.asarray(data).dtype.type(_cast_same_kind(result, data.dtype))
    mark_written(x)
    return x


def setitem(x, index, value):
    """``x[index] = value``."""
    index = indexing.normalize_index(index)
    if _records(x, value):
        _refuse_leaf(x)
        out = _setitem(snapshot(x), value, index=index)
        x._data, x.node, x.tangents, x._base = out._data, out.node, out.tangents, None
        mark_written(x)
        return
    value_data = value._data if isinstance(value, Tensor) else value
    if isinstance(x._data, np.ndarray):
        x._data[index] = value_data
    else:
        array = np.array(x._data)
        array[index] = value_data
        x._data = array[()]
    mark_written(x)


def snapshot(x):
    """The current value and node of ``x`` in a tensor of its own, for a node to save."""
    out = wrap(x._data, x.node)
    out.tangents = x.tangents
    return out


def mark_written(x):
    """Stamp the write on the array's owner and on the node whose saved output it was."""
    base = x._base if x._base is not None else x
    base._version = mutation.bump()
    producer = base.node
    if producer is not None and producer.prim is not None:
        producer.clobbered = True


def _records(x, other):
    if tracing.tape is not None and (
        tracing.tape.slot_of(x._data) is not None
        or (isinstance(other, Tensor) and tracing.tape.slot_of(other._data) is not None)
    ):
        return True  # a write into a traced array would not be replayed: record it instead
    if forward.active_traces and (x.tangents or getattr(other, "tangents", None)):
        return True
    if not grad_mode.enabled:
        return False
    return x.node is not None or (isinstance(other, Tensor) and other.node is not None)


def _refuse_leaf(x):
    if x.node is not None and x.node.prim is None:
        raise RuntimeError(
            "a leaf tensor that requires grad cannot be changed in place while operations are "
            "recorded: its gradient would refer to a value that no longer exists. Update it "
            "inside `with chainrule.no_grad():` (as optimizers do), or work on a copy "
            "(y = x + 0)"
        )


def _cast_same_kind(result, dtype):
    if not np.can_cast(result.dtype, dtype, casting="same_kind"):
        raise TypeError(
            f"in-place update cannot store a {result.dtype} result in a {dtype} tensor; "
            f"convert the tensor first (x = x.astype({result.dtype.name!r}))"
        )
    return result.astype(dtype)


def _write(x, value, index):
    # A 0-d value is a NumPy scalar, which cannot be written into: make it a 0-d array first.
    out = x.copy() if getattr(x, "ndim", 0) else np.array(x)
    out[index] = value
    return out[()] if out.ndim == 0 else out


def _zero_at(grad_out, index):
    return _setitem(grad_out, 0, index=index)


_setitem = Primitive(
    "setitem", _write,
    (lambda grad_out, out, x, value, index: _zero_at(grad_out, index),
     lambda grad_out, out, x, value, index: indexing.getitem(grad_out, index)),
    (lambda x_dot, out, x, value, index: _zero_at(x_dot, index),
     lambda value_dot, out, x, value, index: _setitem(arithmetic.zeros_like(x), value_dot,
                                                      index=index)),
    inputs=("x", "value"),
    reads_inputs=False,
    doc="x with x[index] replaced by value (the functional form of x[index] = value). "
    "With repeated advanced indices the last write wins, and the gradient is that of a scatter.",
)

from chainrule.ops import indexing  # noqa: E402
from chainrule.ops.elementwise import arithmetic
