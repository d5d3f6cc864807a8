"""Indexing: ``x[index]`` (basic, advanced and boolean) and ``take``; scatter is its adjoint.

The gradient of an advanced index adds up at repeated positions (x[[0, 0]] sends both
gradients to x[0]), which is why the adjoint is a scatter-add and not an assignment.
"""

from __future__ import annotations

import numpy as np

from chainrule.primitive import linear
from chainrule.tensor import Tensor


def normalize_index(index):
    """An index with every tensor in it replaced by its array (indices are never differentiated)."""
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, tuple):
        return tuple(normalize_index(i) for i in index)
    if isinstance(index, list) and any(isinstance(i, Tensor) for i in index):
        return [normalize_index(i) for i in index]
    return index


def _is_advanced_integer(index):
    parts = index if isinstance(index, tuple) else (index,)
    for part in parts:
        if isinstance(part, list) or (
            hasattr(part, "dtype") and np.ndim(part) > 0 and part.dtype.kind in "iu"
        ):
            return True
    return False


def _getitem(x, index):
    return x[index]


def _scatter(grad, shape, index):
    out = np.zeros_like(grad, shape=shape)
    if _is_advanced_integer(index):
        np.add.at(out, index, grad)
    else:
        out[index] = grad
    return out[()] if out.ndim == 0 else out


scatter = linear(
    "scatter", _scatter,
    lambda grad_out, grad, shape, index: getitem(grad_out, index),
    "1 at index (repeated indices add)",
    doc="An array of zeros of ``shape`` with ``grad`` added at ``index`` (getitem's adjoint).",
)

_getitem_op = linear(
    "getitem", _getitem,
    lambda grad_out, x, index: scatter(grad_out, shape=x.shape, index=index),
    "1 at index, 0 elsewhere",
)


def getitem(x, index):
    """``x[index]`` with NumPy's basic, advanced and boolean indexing.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> x[[0, 0, 2]].sum().backward()
        >>> x.grad
        tensor([2., 0., 1.])
    """
    return _getitem_op(x, index=normalize_index(index))


def take(x, indices, axis=None):
    """Values at ``indices`` along ``axis`` (of the flattened array when None), as ``numpy.take``.

    Example:
        >>> import chainrule as cr
        >>> cr.take(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), [1, 0], axis=1)
        tensor([[2., 1.],
                [4., 3.]])
    """
    indices = normalize_index(indices)
    if isinstance(indices, list):
        indices = np.asarray(indices)
    if axis is None:
        return getitem(shape.ravel(x), indices)
    ndim = np.ndim(getattr(x, "_data", x))
    return getitem(x, (slice(None),) * (axis % ndim) + (indices,))


from chainrule.ops import shape  # noqa: E402

__all__ = ["getitem", "take", "scatter", "normalize_index"]
