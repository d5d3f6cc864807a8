"""Indexing: ``x[index]`` (basic, advanced, boolean), and take and flip built on it.

Its adjoint is ``scatter``: the gradient of an advanced index adds up at repeated positions
(x[[0, 0]] sends both gradients to x[0]), so it is a scatter-add, not an assignment.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import ForeignArray, asarray
from chainrule.backends.scatter import scatter_add
from chainrule.ops import shape as shape_ops
from chainrule.ops.elementwise import arithmetic, comparison, piecewise
from chainrule.primitive import Primitive, is_tensor, linear, value_of, view_of


def normalize_index(index):
    """The index with every tensor replaced by its array and every sequence by an array.

    Indices are never differentiated. Lists (and tuples inside the index tuple) become integer
    or boolean arrays, exactly as NumPy reads them, so one test finds the advanced parts. An
    integer or boolean tensor that has a node (computed from values jit traces) stays a
    tensor: the engine hands the op its array, and the record keeps where it came from.
    """
    if isinstance(index, tuple):
        return tuple(_index_part(part) for part in index)
    return _index_part(index)


def _index_part(part):
    if is_tensor(part):
        # A traced integer index (labels computed from the inputs) stays a tensor: jit follows it.
        return part if part.node is not None and part.dtype.kind in "biu" else value_of(part)
    if isinstance(part, (list, tuple)):
        array = asarray(part)
        # NumPy reads an empty list as an empty integer index, but asarray makes it float.
        return array.astype(np.intp) if array.size == 0 else array
    return part


def _accumulates(index):
    # Only integer arrays can name a position twice; a boolean mask names each at most once.
    parts = index if isinstance(index, tuple) else (index,)
    return any(
        isinstance(part, (np.ndarray, ForeignArray)) and part.ndim > 0
        and part.dtype.kind in "iu"
        for part in parts
    )


def _getitem(x, index):
    out = x[index]
    # 0-d results are kept as NumPy scalars, as everywhere in the engine.
    return out[()] if type(out) is np.ndarray and out.ndim == 0 else out


def _scatter(values, shape, index):
    if isinstance(values, ForeignArray) and _accumulates(index):
        return scatter_add(values, shape, index)  # its library has no np.add.at
    out = np.zeros_like(values, shape=shape)
    if _accumulates(index):
        np.add.at(out, index, values)
    else:
        out[index] = values
    return out[()] if out.ndim == 0 else out


_scatter_op = linear(
    "scatter", _scatter,
    lambda grad_out, values, shape, index: _getitem_op(grad_out, index=index),
)

_getitem_op = linear(
    "getitem", _getitem,
    lambda grad_out, x, index: _scatter_op(grad_out, shape=x.shape, index=index),
)


def getitem(x, index):
    """``x[index]`` with NumPy's basic, advanced and boolean indexing.

    Basic indices (ints, slices with any step, Ellipsis, None) give a view, as in NumPy. The
    gradient of an advanced index adds up at repeated positions.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> x[[0, 0, 2]].sum().backward()
        >>> x.grad
        tensor([2., 0., 1.])
    """
    return view_of(_getitem_op(x, index=normalize_index(index)), x)


def scatter(values, shape, index):
    """Zeros of ``shape`` with ``values`` added at ``index``: the adjoint of ``x[index]``.

    Values that land on the same position add up (a scatter-add, not an assignment).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.ops.indexing import scatter
        >>> scatter(cr.tensor([1.0, 2.0, 3.0]), (3,), [0, 0, 2])
        tensor([3., 0., 3.])
    """
    return _scatter_op(values, shape=shape_ops.shape_tuple(shape, "scatter"),
                       index=normalize_index(index))


def take(x, indices, axis=None):
    """Values at ``indices`` along ``axis`` (of the flattened array when None), as ``numpy.take``.

    Raises:
        TypeError: when the indices are not integers.
        IndexError: when an index is out of range.

    Example:
        >>> import chainrule as cr
        >>> cr.take(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), [1, 0], axis=1)
        tensor([[2., 1.],
                [4., 3.]])
    """
    indices = _index_part(indices)
    indices = indices if is_tensor(indices) else asarray(indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"take: indices must be integers, got dtype {indices.dtype}")
    if axis is None:
        return getitem(shape_ops.ravel(x), indices)
    ndim = len(shape_ops.shape_of(x))
    return getitem(x, (slice(None),) * shape_ops.normalize_axis(axis, ndim, "take") + (indices,))


def flip(x, axis=None):
    """The order of entries reversed along ``axis`` (every axis when None), as ``numpy.flip``.

    Example:
        >>> import chainrule as cr
        >>> cr.flip(cr.tensor([1.0, 2.0, 3.0]))
        tensor([3., 2., 1.])
    """
    ndim = len(shape_ops.shape_of(x))
    axes = range(ndim) if axis is None else shape_ops.normalize_axis_tuple(axis, ndim, "flip")
    index = [slice(None)] * ndim
    for a in axes:
        index[a] = slice(None, None, -1)
    return getitem(x, tuple(index))


# --- x[index] = value, as a function ------------------------------------------------------------


def _write(x, value, index):
    # A 0-d value is a NumPy scalar, which cannot be written into: make it a 0-d array first.
    out = x.copy() if getattr(x, "ndim", 0) else np.array(x)
    out[index] = value
    return out[()] if out.ndim == 0 else out


def _zero_at(grad_out, index):
    return setitem(grad_out, 0, index=index)


def _landed(grad_out, out, x, value, index):
    # value's gradient: the entries of grad_out it was written to. Where an integer index
    # names a position twice the last write wins (as the forward, and the JVP, do), so only
    # that one carries the gradient; the earlier ones were overwritten. Which one landed is
    # found with chainrule's own ops, so jit follows a traced index.
    picked = getitem(grad_out, index)
    parts = index if isinstance(index, tuple) else (index,)
    if not any(np.ndim(value_of(p)) > 0 and asarray(value_of(p)).dtype.kind in "iu"
               for p in parts):
        return picked
    picked_shape = shape_ops.shape_of(picked)
    positions = np.arange(int(np.prod(picked_shape))).reshape(picked_shape)
    written = setitem(np.full(shape_ops.shape_of(out), -1), positions, index=index)
    won = comparison.equal(getitem(written, index), positions)
    return piecewise.where(won, picked, arithmetic.zeros_like(picked))


setitem = Primitive(
    "setitem", _write,
    (lambda grad_out, out, x, value, index: _zero_at(grad_out, index),
     _landed),
    (lambda x_dot, out, x, value, index: _zero_at(x_dot, index),
     lambda value_dot, out, x, value, index: setitem(arithmetic.zeros_like(x), value_dot,
                                                     index=index)),
    inputs=("x", "value"),
    reads_inputs=False, supports_complex=True,
    doc="x with x[index] replaced by value (the functional form of x[index] = value). "
    "With repeated advanced indices the last write wins, and only that write's value gets the "
    "gradient of its position.",
)


__all__ = ["getitem", "take", "scatter", "setitem", "flip"]
