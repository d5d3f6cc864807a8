"""The Kronecker product and the cross product, composed of reshapes, slices and products.

Each is bilinear; both are written with the products NumPy forms, in its order, so values equal
NumPy's to the bit and every derivative comes from the ops underneath.
"""

from __future__ import annotations

import warnings

import numpy as np

from chainrule.backends import asarray
from chainrule.ops import joining, shape
from chainrule.ops.elementwise import arithmetic
from chainrule.primitive import value_of


def kron(a, b):
    """The Kronecker product: blocks a[i, j]·b laid out in a's pattern, as ``numpy.kron``.

    The shorter shape is padded with leading 1s; the result's shape is the product of the
    two shapes, axis by axis.

    Example:
        >>> import chainrule as cr
        >>> cr.kron(cr.tensor([1.0, 10.0]), cr.tensor([1.0, 2.0, 3.0]))
        tensor([ 1.,  2.,  3., 10., 20., 30.])
    """
    a_shape, b_shape = shape.shape_of(a), shape.shape_of(b)
    if not a_shape or not b_shape:
        return arithmetic.multiply(a, b)
    ndim = max(len(a_shape), len(b_shape))
    a_shape = (1,) * (ndim - len(a_shape)) + a_shape
    b_shape = (1,) * (ndim - len(b_shape)) + b_shape
    # a as (a0, 1, a1, 1, …) times b as (1, b0, 1, b1, …): every a[i]·b[j] at (i0, j0, i1, j1, …).
    a_spread = shape.reshape(a, tuple(n for size in a_shape for n in (size, 1)))
    b_spread = shape.reshape(b, tuple(n for size in b_shape for n in (1, size)))
    blocks = a_spread * b_spread
    return shape.reshape(blocks, tuple(m * n for m, n in zip(a_shape, b_shape)))


def _component(x, k):
    return x[..., k]


def _cross_components(a, b, a_size, b_size):
    a0, a1, b0, b1 = _component(a, 0), _component(a, 1), _component(b, 0), _component(b, 1)
    if a_size == 2 and b_size == 2:
        return a0 * b1 - a1 * b0
    if a_size == 2:  # a2 = 0
        b2 = _component(b, 2)
        return [a1 * b2, -(a0 * b2), a0 * b1 - a1 * b0]
    a2 = _component(a, 2)
    if b_size == 2:  # b2 = 0
        return [-(a2 * b1), a2 * b0, a0 * b1 - a1 * b0]
    b2 = _component(b, 2)
    return [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0]


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product a × b of 3-vectors along ``axisa``/``axisb``, as ``numpy.cross``.

    The vectors lie along ``axisa`` of a and ``axisb`` of b (``axis`` sets all three), the
    other axes broadcast, and the result's vectors lie along ``axisc``. A 2-vector counts as a
    3-vector with z = 0; two 2-vectors give the z component alone (a scalar per pair). As in
    NumPy 2, 2-vectors raise a DeprecationWarning.

    Raises:
        ValueError: a 0-d input, or vectors of other than 2 or 3 components.

    Example:
        >>> import chainrule as cr
        >>> cr.cross(cr.tensor([1.0, 0.0, 0.0]), cr.tensor([0.0, 1.0, 0.0]))
        tensor([0., 0., 1.])
    """
    if axis is not None:
        axisa, axisb, axisc = (axis,) * 3
    a_shape, b_shape = shape.shape_of(a), shape.shape_of(b)
    if len(a_shape) < 1 or len(b_shape) < 1:
        raise ValueError("At least one array has zero dimension")
    a = shape.moveaxis(a, shape.normalize_axis(axisa, len(a_shape), "axisa"), -1)
    b = shape.moveaxis(b, shape.normalize_axis(axisb, len(b_shape), "axisb"), -1)
    a_size, b_size = shape.shape_of(a)[-1], shape.shape_of(b)[-1]
    if a_size not in (2, 3) or b_size not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    if a_size == 2 or b_size == 2:
        warnings.warn(
            "Arrays of 2-dimensional vectors are deprecated. Use arrays of "
            "3-dimensional vectors instead. (deprecated in NumPy 2.0)",
            DeprecationWarning, stacklevel=2,
        )
    dtype = np.promote_types(asarray(value_of(a)).dtype, asarray(value_of(b)).dtype)
    a, b = (x if asarray(value_of(x)).dtype == dtype else arithmetic.astype(x, dtype)
            for x in (a, b))
    components = _cross_components(a, b, a_size, b_size)
    if a_size == 2 and b_size == 2:
        return components
    pair_shape = np.broadcast_shapes(shape.shape_of(a)[:-1], shape.shape_of(b)[:-1])
    axisc = shape.normalize_axis(axisc, len(pair_shape) + 1, "axisc")
    components = [c if shape.shape_of(c) == pair_shape else shape.broadcast_to(c, pair_shape)
                  for c in components]
    return shape.moveaxis(joining.stack(components, axis=-1), -1, axisc)


__all__ = ["kron", "cross"]
