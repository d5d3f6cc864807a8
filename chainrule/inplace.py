"""In-place updates on tensors (``x += y``, ``x[i] = v``): exact, or refused — never silently wrong.

Outside a recorded graph the array is written in place, as in NumPy, and the write is stamped
(see ``graph.mutation``) so that a backward pass that would read the old value raises instead.
Inside one, the update is recorded as a functional op on a snapshot of the old value, and the
tensor takes the new value and node: the gradient flows through the update exactly.
"""

from __future__ import annotations

import operator

import numpy as np

from chainrule.backends import ForeignArray
from chainrule.engine_state import current
from chainrule.graph import mutation
from chainrule.modes import is_traced
from chainrule.ops import indexing
from chainrule.tensor import Tensor, stale_watch, wrap

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
        out = op(snapshot(x), other)
        # The name now refers to out; the old object keeps the old array. Whatever still
        # refers to it (an alias, or the tensor this one views) must not be read as current.
        _written_as(x, out)
        return out
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
        if isinstance(value, Tensor) and x._written_as is value:
            x._written_as = None  # A[i] op= v: the view's write comes back into its tensor
        out = indexing.setitem(snapshot(x), value, index=index)
        base = x._base
        x._data, x.node, x.tangents, x._base = out._data, out.node, out.tangents, None
        x._rebinds += 1  # views taken before now hold the old array
        stale_watch.possible = True
        if base is not None:
            base._written_as = x  # written through a view: the tensor viewed is now stale
        mark_written(x)
        return
    value_data = value._data if isinstance(value, Tensor) else value
    if isinstance(x._data, (np.ndarray, ForeignArray)):  # a ForeignArray holder rebinds
        x._data[index] = value_data
    else:
        array = np.array(x._data)
        array[index] = value_data
        x._data = array[()]
    mark_written(x)


def _written_as(x, out):
    stale_watch.possible = True
    if x._base is not None:
        x._base._written_as = out  # A[i] op= v: cleared by the setitem on A that follows
    else:
        x._rebinds += 1
        x._written_as = out


def snapshot(x):
    """The current value and node of ``x`` in a tensor of its own, for a node to save."""
    out = wrap(x._data, x.node)
    out.tangents = x.tangents
    return out


def mark_written(x, epoch=None):
    """Stamp the write on the array's owner and on the node whose saved output it was.

    ``epoch``: a stamp already taken for writes made together (an optimizer's step writes
    every parameter before anything else runs), instead of a new one.
    """
    base = x._base if x._base is not None else x
    base._version = mutation.bump() if epoch is None else epoch
    producer = base.node
    if producer is not None and producer.prim is not None:
        producer.clobbered = True


def _records(x, other):
    state = current()
    if state.trace is not None and (
        is_traced(x.node) or (isinstance(other, Tensor) and is_traced(other.node))
    ):
        return True  # a write of or into a traced value would not be replayed: record it instead
    if state.forward_traces and (x.tangents or getattr(other, "tangents", None)):
        return True
    if not state.grad_enabled:
        return False
    return x.node is not None or (isinstance(other, Tensor) and other.node is not None)


def _refuse_leaf(x):
    if x.requires_grad and x.node.prim is None:
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
