"""Sorting values: sort and partition, differentiable in the values.

Each is a gather: the order (a permutation, recorded by a non-differentiable op so that jit
replays it) picks the entries, and getitem's adjoint sends each place's gradient back to the
entry that landed there. Ties are given to their entries in their original order (stable).
"""

from __future__ import annotations

import numpy as np

from chainrule.ops import indexing, shape
from chainrule.primitive import is_tensor, nondifferentiable


def _is_sort_kind(kind):
    # As NumPy, which reads the first letter: "q"uicksort, "m"ergesort, "h"eapsort, "s"table.
    return kind is None or (isinstance(kind, str) and kind[:1].lower() in ("q", "m", "h", "s"))


def _sort_order(x, axis):
    return np.argsort(x, axis=axis, kind="stable")


def _partition_order(x, kth, axis):
    # NumPy's arrangement (np.partition's values), with tied entries placed in their original
    # order: the k-th smallest place of the result takes the k-th entry of a stable argsort.
    arranged = np.partition(x, kth, axis=axis)
    order = np.empty(x.shape, dtype=np.intp)
    places = np.argsort(arranged, axis=axis, kind="stable")
    np.put_along_axis(order, places, np.argsort(x, axis=axis, kind="stable"), axis=axis)
    return order


# The orders are their own ops, not NumPy calls in the composition, so a trace records them
# and jit recomputes them from new values.
_sort_order_op = nondifferentiable(
    "sort_order", _sort_order, doc="The stable argsort along an axis (no derivative)."
)
_partition_order_op = nondifferentiable(
    "partition_order", _partition_order,
    doc="Where np.partition's values come from, ties in their original order (no derivative).",
)


def _along_axis(x, order, axis):
    # x[..., order, ...] entry by entry: order indexes ``axis``, the other axes index themselves.
    x_shape = shape.shape_of(x)
    index = list(np.ix_(*(np.arange(n) for n in x_shape)))
    index[axis] = order
    return indexing.getitem(x, tuple(index))


def _check_arguments(op, kind_known, kind, order):
    if not kind_known:
        raise ValueError(f"{op}: unknown kind {kind!r}; NumPy's kinds are 'quicksort', "
                         "'mergesort', 'heapsort' and 'stable' for sort, 'introselect' for "
                         "partition")
    if order is not None:
        raise ValueError(f"{op}: order= sorts structured arrays by field, which chainrule "
                         "does not differentiate; leave it None")


def _flat_or_axis(a, axis, op):
    a = a if is_tensor(a) else np.asanyarray(a)
    if axis is None:
        return shape.ravel(a), 0
    return a, shape.normalize_axis(axis, len(shape.shape_of(a)), op)


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """The values sorted along ``axis`` (of the flattened array when None), as ``numpy.sort``.

    NaNs sort to the end, as in NumPy. The gradient of each place goes to the entry that
    landed there; equal entries land in their original order (a stable sort), whatever
    ``kind`` asks for, since every kind gives the same values.

    Raises:
        ValueError: for an unknown ``kind``, both ``kind`` and ``stable``, or an ``order``.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([3.0, 1.0, 2.0], requires_grad=True)
        >>> y = cr.sort(x)
        >>> y
        tensor([1., 2., 3.], op=getitem)
        >>> (y * cr.tensor([1.0, 10.0, 100.0])).sum().backward()
        >>> x.grad
        tensor([100.,   1.,  10.])
    """
    _check_arguments("sort", _is_sort_kind(kind), kind, order)
    if kind is not None and stable is not None:
        raise ValueError("sort: give kind or stable, not both")
    a, axis = _flat_or_axis(a, axis, "sort")
    return _along_axis(a, _sort_order_op(a, axis=axis), axis)


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """The values rearranged so that each place in ``kth`` holds the value a sorted array would,
    smaller values before it and larger after, as ``numpy.partition`` (same values, same places).

    ``kth`` is one place or a sequence of places. The gradient of each place goes to the entry
    that landed there; equal entries land in their original order. The order costs a sort
    (O(n log n)), not NumPy's O(n) selection.

    Raises:
        ValueError: for a ``kth`` out of range, a ``kind`` other than "introselect", or an
            ``order``.

    Example:
        >>> import chainrule as cr
        >>> cr.partition(cr.tensor([3.0, 4.0, 1.0, 2.0]), 1)[1]
        tensor(2.)
    """
    _check_arguments("partition", kind == "introselect", kind, order)
    a, axis = _flat_or_axis(a, axis, "partition")
    kth = tuple(int(k) for k in np.ravel(kth)) if np.ndim(kth) else int(kth)
    return _along_axis(a, _partition_order_op(a, kth=kth, axis=axis), axis)


__all__ = ["sort", "partition"]
