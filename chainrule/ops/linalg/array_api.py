"""The array-API functions of numpy.linalg that act on the last axes (matmul, tensordot, outer,
vecdot, cross, trace, diagonal, matrix_transpose), each composed of chainrule's ops: no rules of
their own, so their derivatives are those of the ops they are built from."""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray
from chainrule.ops import contraction, joining, shape
from chainrule.ops.arrays import triangular
from chainrule.ops.elementwise import arithmetic, complex_parts
from chainrule.ops.linalg.matrices import matrix_shape
from chainrule.tensor import is_tensor, value_of


def matmul(x1, x2, /):
    """The matrix product, as ``numpy.linalg.matmul`` (which is ``numpy.matmul``).

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.matmul(cr.tensor([[1.0, 2.0]]), cr.tensor([[3.0], [4.0]]))
        tensor([[11.]])
    """
    return contraction.matmul(x1, x2)


def tensordot(x1, x2, /, *, axes=2):
    """Σ over the last ``axes`` axes of x1 and the first of x2 (or the named pairs), as
    ``numpy.linalg.tensordot`` (which is ``numpy.tensordot``).

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.tensordot(cr.tensor([[1.0, 2.0]]), cr.tensor([[3.0, 4.0]]), axes=([1], [1]))
        tensor([[11.]])
    """
    return contraction.tensordot(x1, x2, axes=axes)


def outer(x1, x2, /):
    """x1ᵢ·x2ⱼ of two vectors, as ``numpy.linalg.outer`` (1-d arrays only, unlike numpy.outer).

    Raises:
        ValueError: when x1 or x2 is not 1-d.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.outer(cr.tensor([1.0, 2.0]), cr.tensor([3.0, 4.0]))
        tensor([[3., 4.],
                [6., 8.]])
    """
    ndims = len(shape.shape_of(x1)), len(shape.shape_of(x2))
    if ndims != (1, 1):
        raise ValueError(f"linalg.outer needs two 1-d arrays, got {ndims[0]}-d and {ndims[1]}-d")
    return contraction.outer(x1, x2)


def vecdot(x1, x2, /, *, axis=-1):
    """Σ conj(x1)·x2 along ``axis`` (the other axes broadcast), as ``numpy.linalg.vecdot``:
    x1 is conjugated where it is complex, as in NumPy.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.vecdot(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), cr.tensor([1.0, 1.0]))
        tensor([3., 7.])
    """
    if np.iscomplexobj(value_of(x1)):
        x1 = complex_parts.conj(x1)
    x1 = shape.moveaxis(x1, axis, -1)
    x2 = shape.moveaxis(x2, axis, -1)
    if shape.shape_of(x1)[-1] != shape.shape_of(x2)[-1]:
        raise ValueError(f"vecdot: the vectors along axis {axis} differ in length: "
                         f"{shape.shape_of(x1)[-1]} and {shape.shape_of(x2)[-1]}")
    product = contraction.matmul(shape.expand_dims(x1, -2), shape.expand_dims(x2, -1))
    return shape.squeeze(product, (-2, -1))


def cross(x1, x2, /, *, axis=-1):
    """The cross product of 3-vectors along ``axis``, as ``numpy.linalg.cross``.

    Raises:
        ValueError: when the vectors along ``axis`` are not 3-dimensional.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.cross(cr.tensor([1.0, 0.0, 0.0]), cr.tensor([0.0, 1.0, 0.0]))
        tensor([0., 0., 1.])
    """
    x1_shape, x2_shape = shape.shape_of(x1), shape.shape_of(x2)
    x1_axis = shape.normalize_axis(axis, len(x1_shape), "cross")
    x2_axis = shape.normalize_axis(axis, len(x2_shape), "cross")
    if x1_shape[x1_axis] != 3 or x2_shape[x2_axis] != 3:
        raise ValueError(f"cross: both arrays must hold 3-dimensional vectors along axis {axis}, "
                         f"got {x1_shape[x1_axis]} and {x2_shape[x2_axis]}")
    a = shape.moveaxis(x1, x1_axis, -1)
    b = shape.moveaxis(x2, x2_axis, -1)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    # NumPy's grouping, term by term: the same products and differences, the same rounding.
    out = joining.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    return shape.moveaxis(out, -1, shape.normalize_axis(axis, len(shape.shape_of(out)), "cross"))


def trace(x, /, *, offset=0, dtype=None):
    """Σᵢ x[..., i, i + offset] over the last two axes, as ``numpy.linalg.trace``.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.trace(cr.tensor([[[1.0, 2.0], [3.0, 4.0]]]))
        tensor([5.])
    """
    matrix_shape(x, "linalg.trace")
    if dtype is not None:
        x = arithmetic.astype(x, dtype)
    return contraction.trace(x, offset, -2, -1)


def diagonal(x, /, *, offset=0):
    """x[..., i, i + offset] over the last two axes, as ``numpy.linalg.diagonal``.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.diagonal(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), offset=1)
        tensor([2.])
    """
    matrix_shape(x, "linalg.diagonal")
    return triangular.diagonal(x if is_tensor(x) else asarray(x), int(offset), -2, -1)


def matrix_transpose(x, /):
    """x with its last two axes swapped, as ``numpy.linalg.matrix_transpose``.

    Raises:
        ValueError: for an array of fewer than 2 dimensions.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.matrix_transpose(cr.tensor([[1.0, 2.0]]))
        tensor([[1.],
                [2.]])
    """
    matrix_shape(x, "matrix_transpose")
    return shape.swapaxes(x, -1, -2)


__all__ = [
    "cross", "diagonal", "matmul", "matrix_transpose", "outer", "tensordot", "trace", "vecdot",
]
