"""Stacking and splitting along named axes: atleast_1d/2d/3d, vstack, hstack, dstack,
column_stack, append, array_split, vsplit, hsplit, dsplit.

Every one is a reshape followed by concatenate, or a list of slices (split), so the gradients
are those of the primitives underneath.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray
from chainrule.ops import joining, shape
from chainrule.ops.elementwise import arithmetic
from chainrule.primitive import is_tensor, value_of
from chainrule.tensor import asarray_if_sequence


def _as_array(x):
    # A part written as a list of tensors is the (stacked) array NumPy would make of it.
    x = asarray_if_sequence(x)
    return x if is_tensor(x) else np.asanyarray(x)


def _one_or_tuple(arrays):
    # As NumPy 2: one argument gives one array back, several a tuple.
    return arrays[0] if len(arrays) == 1 else tuple(arrays)


def _at_least(x, ndim, place):
    x = _as_array(x)
    x_shape = shape.shape_of(x)
    return x if len(x_shape) >= ndim else shape.reshape(x, place(x_shape))


def atleast_1d(*arys):
    """Each input with at least 1 dimension (a 0-d one becomes shape (1,)), as
    ``numpy.atleast_1d``: one input gives one tensor, several a tuple.

    Example:
        >>> import chainrule as cr
        >>> cr.atleast_1d(cr.tensor(2.0))
        tensor([2.])
    """
    return _one_or_tuple([_at_least(x, 1, lambda s: (1,)) for x in arys])


def atleast_2d(*arys):
    """Each input with at least 2 dimensions ((N,) becomes (1, N)), as ``numpy.atleast_2d``.

    Example:
        >>> import chainrule as cr
        >>> cr.atleast_2d(cr.tensor([1.0, 2.0])).shape
        (1, 2)
    """
    return _one_or_tuple([_at_least(x, 2, lambda s: (1,) * (2 - len(s)) + s) for x in arys])


def _three_axes(x_shape):
    if len(x_shape) == 2:
        return x_shape + (1,)
    return (1,) + (x_shape or (1,)) + (1,)


def atleast_3d(*arys):
    """Each input with at least 3 dimensions ((N,) becomes (1, N, 1), (M, N) becomes (M, N, 1)),
    as ``numpy.atleast_3d``.

    Example:
        >>> import chainrule as cr
        >>> cr.atleast_3d(cr.tensor([[1.0, 2.0]])).shape
        (1, 2, 1)
    """
    return _one_or_tuple([_at_least(x, 3, _three_axes) for x in arys])


def _sequence(tup, op):
    # One array is the sequence of its rows, as NumPy reads it (np.vstack(a) stacks a[0], a[1]).
    if is_tensor(tup) or isinstance(tup, np.ndarray):
        if np.ndim(value_of(tup)) == 0:
            raise TypeError(f"{op}: a 0-d array is not a sequence of arrays to stack")
        return list(tup)
    if not isinstance(tup, (list, tuple)):
        raise TypeError(f"{op}: the arrays to stack must be passed as a sequence (a list or "
                        f"tuple), got {type(tup).__name__}")
    return list(tup)


def _joined(arrays, axis, dtype, casting, op):
    """concatenate after casting every array to ``dtype`` under ``casting``, as NumPy does."""
    dtypes = [asarray(value_of(x)).dtype for x in arrays]
    target = np.result_type(*dtypes) if dtype is None else np.dtype(dtype)
    for found in dtypes:
        if not np.can_cast(found, target, casting=casting):
            raise TypeError(f"{op}: cannot cast {found} to {target} under casting={casting!r}")
    if dtype is not None:
        arrays = [x if d == target else arithmetic.astype(x, target)
                  for x, d in zip(arrays, dtypes)]
    return joining.concatenate(arrays, axis=axis)


def vstack(tup, *, dtype=None, casting="same_kind"):
    """The tensors joined row-wise (along axis 0, 1-d ones as rows), as ``numpy.vstack``.

    ``row_stack`` is the same function (NumPy's older name for it).

    Example:
        >>> import chainrule as cr
        >>> cr.vstack([cr.tensor([1.0, 2.0]), cr.tensor([3.0, 4.0])])
        tensor([[1., 2.],
                [3., 4.]])
    """
    arrays = [atleast_2d(x) for x in _sequence(tup, "vstack")]
    return _joined(arrays, 0, dtype, casting, "vstack")


row_stack = vstack


def hstack(tup, *, dtype=None, casting="same_kind"):
    """The tensors joined column-wise (along axis 1; 1-d ones end to end), as ``numpy.hstack``.

    Example:
        >>> import chainrule as cr
        >>> cr.hstack([cr.tensor([1.0]), cr.tensor([2.0, 3.0])])
        tensor([1., 2., 3.])
    """
    arrays = [atleast_1d(x) for x in _sequence(tup, "hstack")]
    axis = 0 if arrays and len(shape.shape_of(arrays[0])) == 1 else 1
    return _joined(arrays, axis, dtype, casting, "hstack")


def dstack(tup):
    """The tensors joined depth-wise (along axis 2, after atleast_3d), as ``numpy.dstack``.

    Example:
        >>> import chainrule as cr
        >>> cr.dstack([cr.tensor([1.0, 2.0]), cr.tensor([3.0, 4.0])]).shape
        (1, 2, 2)
    """
    arrays = [atleast_3d(x) for x in _sequence(tup, "dstack")]
    return joining.concatenate(arrays, axis=2)


def _as_column(x):
    x = _as_array(x)
    x_shape = shape.shape_of(x)
    return x if len(x_shape) >= 2 else shape.reshape(x, (-1, 1))


def column_stack(tup):
    """1-d tensors as columns (2-d ones as they are) joined along axis 1, as
    ``numpy.column_stack``.

    Example:
        >>> import chainrule as cr
        >>> cr.column_stack([cr.tensor([1.0, 2.0]), cr.tensor([3.0, 4.0])])
        tensor([[1., 3.],
                [2., 4.]])
    """
    arrays = [_as_column(x) for x in _sequence(tup, "column_stack")]
    return joining.concatenate(arrays, axis=1)


def append(arr, values, axis=None):
    """values joined after arr along ``axis``; with axis None both are flattened first, as
    ``numpy.append``.

    Example:
        >>> import chainrule as cr
        >>> cr.append(cr.tensor([[1.0, 2.0]]), [3.0])
        tensor([1., 2., 3.])
    """
    arr, values = _as_array(arr), _as_array(values)
    if axis is None:
        return joining.concatenate([shape.ravel(arr), shape.ravel(values)], axis=0)
    return joining.concatenate([arr, values], axis=axis)


def array_split(ary, indices_or_sections, axis=0):
    """A list of pieces of ary along ``axis``, as ``numpy.array_split``: N pieces need not be
    equal (the first ``size % N`` pieces are one longer).

    Raises:
        ValueError: when N is not positive.

    Example:
        >>> import chainrule as cr
        >>> cr.array_split(cr.tensor([1.0, 2.0, 3.0]), 2)
        [tensor([1., 2.]), tensor([3.])]
    """
    ary = _as_array(ary)
    if np.ndim(indices_or_sections) > 0:
        return joining.split(ary, indices_or_sections, axis)
    sections = int(indices_or_sections)
    if sections <= 0:
        raise ValueError(f"array_split: the number of sections must be positive, got {sections}")
    a_shape = shape.shape_of(ary)
    size = a_shape[shape.normalize_axis(axis, len(a_shape), "array_split")]
    each, extras = divmod(size, sections)
    sizes = [each + 1] * extras + [each] * (sections - extras)
    return joining.split(ary, list(np.cumsum(sizes)[:-1]), axis)


def _split_from(ary, indices_or_sections, axis, least_ndim, op):
    ary = _as_array(ary)
    ndim = len(shape.shape_of(ary))
    if ndim < least_ndim:
        raise ValueError(f"{op} only works on arrays of {least_ndim} or more dimensions, "
                         f"got {ndim}")
    return joining.split(ary, indices_or_sections, axis)


def vsplit(ary, indices_or_sections):
    """split along axis 0 (of a tensor of 2 or more dimensions), as ``numpy.vsplit``.

    Example:
        >>> import chainrule as cr
        >>> [p.shape for p in cr.vsplit(cr.tensor([[1.0], [2.0]]), 2)]
        [(1, 1), (1, 1)]
    """
    return _split_from(ary, indices_or_sections, 0, 2, "vsplit")


def hsplit(ary, indices_or_sections):
    """split along axis 1 (axis 0 of a 1-d tensor), as ``numpy.hsplit``.

    Example:
        >>> import chainrule as cr
        >>> cr.hsplit(cr.tensor([1.0, 2.0]), 2)
        [tensor([1.]), tensor([2.])]
    """
    axis = 1 if len(shape.shape_of(ary)) > 1 else 0
    return _split_from(ary, indices_or_sections, axis, 1, "hsplit")


def dsplit(ary, indices_or_sections):
    """split along axis 2 (of a tensor of 3 or more dimensions), as ``numpy.dsplit``.

    Example:
        >>> import chainrule as cr
        >>> [p.shape for p in cr.dsplit(cr.tensor([[[1.0, 2.0]]]), [1])]
        [(1, 1, 1), (1, 1, 1)]
    """
    return _split_from(ary, indices_or_sections, 2, 3, "dsplit")


__all__ = [
    "atleast_1d", "atleast_2d", "atleast_3d", "vstack", "row_stack", "hstack", "dstack",
    "column_stack", "append", "array_split", "vsplit", "hsplit", "dsplit",
]
