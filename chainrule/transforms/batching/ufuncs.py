"""Batching rules for ufuncs: elementwise ones (kept factored where they can be), matmul, and
``ufunc.at``. They set ``Batch.__array_ufunc__``: Batch sits below the factored batches that
these rules make, so its NumPy dispatch is given to it here, where the rules are.
"""

from __future__ import annotations

import numpy as np

from chainrule.tensor import Tensor
from chainrule.transforms.batching import factored
from chainrule.transforms.batching.batch import (
    Batch, Unbatchable, aligned, batch_size, batched_index, matrix_stacks, shape_of,
)


def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """``Batch.__array_ufunc__``: a ufunc applied to every row at once."""
    for x in inputs:
        if isinstance(x, Tensor):
            return NotImplemented  # the tensor records the op, then calls us on its data
    if kwargs:
        raise Unbatchable(f"numpy.{ufunc.__name__} with {sorted(kwargs)} on a batch")
    if method == "at":
        return _ufunc_at(ufunc, *inputs)
    if method != "__call__" or ufunc.nout != 1:
        raise Unbatchable(f"numpy.{ufunc.__name__}.{method} on a batch")
    if ufunc is np.matmul:
        return matmul(*inputs)
    if ufunc.signature is not None:
        raise Unbatchable(f"numpy.{ufunc.__name__} (a generalized ufunc) on a batch")
    return elementwise(ufunc, inputs)


def elementwise(ufunc, inputs):
    kept = factored.elementwise(ufunc, inputs)
    if kept is not None:
        return kept
    size = batch_size(inputs)
    ndim = max(np.ndim(x) if not isinstance(x, Batch) else x.ndim for x in inputs)
    return Batch(ufunc(*[aligned(x, ndim, size) for x in inputs]))


def matmul(x, y):
    """x @ y for each row, with NumPy's promotion of 1-d operands; one BLAS call where it can."""
    x_shape, y_shape = shape_of(x), shape_of(y)
    if not x_shape or not y_shape:
        raise Unbatchable("matmul of a 0-d value")
    if x_shape[-1] != (y_shape[-2] if len(y_shape) > 1 else y_shape[0]):
        raise ValueError(f"matmul: shapes {x_shape} and {y_shape} are not aligned")
    kept = factored.matmul(x, y, x_shape, y_shape)
    if kept is not None:
        return kept
    if not isinstance(y, Batch) and len(y_shape) == 2:
        # Every row times the same matrix: the rows are one tall matrix, one BLAS call.
        rows = x.data.reshape(-1, y_shape[0]) @ y
        return Batch(rows.reshape(x.data.shape[:-1] + y_shape[1:]))
    if not isinstance(x, Batch) and len(x_shape) == 2 and len(y_shape) == 1:
        return Batch(y.data @ np.transpose(x))
    # General case: 1-d operands promoted to matrices, stacked axes lined up, promotions dropped.
    x_vector, y_vector = len(x_shape) == 1, len(y_shape) == 1
    out = np.matmul(
        *matrix_stacks(
            np.expand_dims(x, -2) if x_vector else x, np.expand_dims(y, -1) if y_vector else y
        )
    )
    if y_vector:
        out = out[..., 0]
    if x_vector:
        out = out[..., 0] if y_vector else out[..., 0, :]
    return Batch(out)


def _ufunc_at(ufunc, target, index, values=None):
    if not isinstance(target, Batch):
        raise Unbatchable(f"numpy.{ufunc.__name__}.at into a plain array with a batch")
    full = batched_index(index)
    data = np.array(target.data)  # copy on write, as in Batch.__setitem__
    extra = () if values is None else (aligned(values, data[full].ndim - 1, target.count),)
    ufunc.at(data, full, *extra)
    target.data = data


Batch.__array_ufunc__ = array_ufunc

__all__ = ["elementwise", "matmul"]
