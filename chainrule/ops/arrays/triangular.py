"""Triangles and diagonals: tril, triu, diagonal, diag, diagflat.

All are compositions: a triangle is a where against a constant mask, a diagonal is getitem at
index pairs, and a diagonal matrix is scatter at those pairs, so their gradients are the masks,
slices and scatters of the same ops.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import ForeignArray, asarray, constant_like
from chainrule.ops import indexing, shape
from chainrule.ops.elementwise import piecewise
from chainrule.primitive import is_tensor, value_of


def _triangle(m, k, op, keep_lower):
    m_shape = shape.shape_of(m)
    if not m_shape:
        raise ValueError(f"{op}: a 0-d tensor has no triangle; give at least 1 dimension")
    # As NumPy: the mask covers the last two axes (a 1-d m is one row repeated as a matrix).
    zero = constant_like(np.zeros(1, asarray(value_of(m)).dtype), m)
    if keep_lower:
        return piecewise.where(constant_like(np.tri(*m_shape[-2:], k=k, dtype=bool), m), m, zero)
    return piecewise.where(constant_like(np.tri(*m_shape[-2:], k=k - 1, dtype=bool), m), zero, m)


def tril(m, k=0):
    """m with the entries above the k-th diagonal set to 0 (last two axes), as ``numpy.tril``.

    The gradient is grad_out masked the same way; a 1-d m becomes a matrix, as in NumPy.

    Example:
        >>> import chainrule as cr
        >>> cr.tril(cr.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[1., 0.],
                [3., 4.]])
    """
    return _triangle(m, k, "tril", keep_lower=True)


def triu(m, k=0):
    """m with the entries below the k-th diagonal set to 0 (last two axes), as ``numpy.triu``.

    Example:
        >>> import chainrule as cr
        >>> cr.triu(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), k=1)
        tensor([[0., 2.],
                [0., 0.]])
    """
    return _triangle(m, k, "triu", keep_lower=False)


def _diagonal_positions(rows, cols, offset):
    # (row, column) of each entry m[i, i + offset] that lies inside a rows x cols matrix.
    if offset >= 0:
        count = max(0, min(rows, cols - offset))
        return np.arange(count), np.arange(count) + offset
    count = max(0, min(rows + offset, cols))
    return np.arange(count) - offset, np.arange(count)


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The entries a[..., i, i + offset] of the plane (axis1, axis2), as ``numpy.diagonal``.

    The diagonal becomes the last axis; the others keep their order. NumPy returns a
    read-only view; this is a copy, whose gradient is scattered back onto the diagonal.

    Raises:
        ValueError: for fewer than 2 dimensions, or axis1 and axis2 the same axis.

    Example:
        >>> import chainrule as cr
        >>> cr.diagonal(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), offset=1)
        tensor([2.])
    """
    a_shape = shape.shape_of(a)
    if len(a_shape) < 2:
        raise ValueError(f"diagonal needs at least 2 dimensions, got shape {a_shape}")
    axis1 = shape.normalize_axis(axis1, len(a_shape), "diagonal")
    axis2 = shape.normalize_axis(axis2, len(a_shape), "diagonal")
    if axis1 == axis2:
        raise ValueError(f"diagonal: axis1 and axis2 must differ, both are {axis1}")
    plane_last = shape.moveaxis(a, (axis1, axis2), (-2, -1))
    rows, cols = a_shape[axis1], a_shape[axis2]
    if not isinstance(value_of(a), ForeignArray):  # a pair of index arrays: no copy of the plane
        positions = _diagonal_positions(rows, cols, int(offset))
        return indexing.getitem(plane_last, (Ellipsis, *positions))
    # The plane flattened and read with one array of flat positions: libraries other than
    # NumPy (Dask, the array API) index with one integer array at most.
    flat = shape.reshape(plane_last, (*shape.shape_of(plane_last)[:-2], rows * cols))
    return indexing.getitem(flat, (Ellipsis, _flat_diagonal(rows, cols, int(offset))))


def _flat_diagonal(rows, cols, offset):
    row, col = _diagonal_positions(rows, cols, offset)
    return row * cols + col


def diag(v, k=0):
    """The k-th diagonal of a matrix, or a square matrix with v on its k-th diagonal, as
    ``numpy.diag``.

    Raises:
        ValueError: when v is neither 1-d nor 2-d.

    Example:
        >>> import chainrule as cr
        >>> cr.diag(cr.tensor([1.0, 2.0]), k=-1)
        tensor([[0., 0., 0.],
                [1., 0., 0.],
                [0., 2., 0.]])
    """
    v = v if is_tensor(v) else asarray(v)
    v_shape = shape.shape_of(v)
    if len(v_shape) == 2:
        return diagonal(v, k)
    if len(v_shape) != 1:
        raise ValueError(f"diag: v must be 1-d (to build a matrix) or 2-d (to read its "
                         f"diagonal), got shape {v_shape}")
    size = v_shape[0] + abs(int(k))
    flat = indexing.scatter(v, (size * size,), _flat_diagonal(size, size, int(k)))
    return shape.reshape(flat, (size, size))


def diagflat(v, k=0):
    """A square matrix with the flattened v on its k-th diagonal, as ``numpy.diagflat``.

    Example:
        >>> import chainrule as cr
        >>> cr.diagflat(cr.tensor([[1.0], [2.0]]))
        tensor([[1., 0.],
                [0., 2.]])
    """
    return diag(shape.ravel(v), k)


__all__ = ["tril", "triu", "diagonal", "diag", "diagflat"]
