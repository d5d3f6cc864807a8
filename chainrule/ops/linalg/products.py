"""Products of several matrices: matrix_power and multi_dot, composed of matmul (and inv), in
NumPy's order of products, so that the values are NumPy's and the derivatives matmul's."""

from __future__ import annotations

import operator

import numpy as np

from chainrule.backends import asarray, constant_like
from chainrule.ops import shape
from chainrule.ops.contraction import dot, matmul
from chainrule.ops.elementwise import piecewise
from chainrule.ops.linalg.inverse import inv
from chainrule.ops.linalg.matrices import square_shape
from chainrule.tensor import is_tensor


def matrix_power(a, n):
    """Aⁿ for each square matrix, as ``numpy.linalg.matrix_power``: n may be negative (powers of
    A⁻¹) or zero (the identity, whose derivative is zero).

    Computed as NumPy does (repeated squaring, the same products in the same order), so the
    values are NumPy's and the gradient is the sum over the products of matmul's.

    Raises:
        TypeError: when n is not an integer.
        ValueError: when the last two axes are not square.
        numpy.linalg.LinAlgError: for a negative n and a singular matrix.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.matrix_power(cr.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    a = a if is_tensor(a) else asarray(a)
    x_shape = square_shape(a, "matrix_power")
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"matrix_power: the exponent must be an integer, got {n!r}") from None
    if n == 0:
        # The identity in a's shape and dtype; a where that always takes it keeps the result on
        # the graph, with the zero derivative.
        identity = constant_like(np.broadcast_to(np.eye(x_shape[-1], dtype=a.dtype), x_shape), a)
        return piecewise.where(constant_like(np.ones(x_shape, dtype=bool), a), identity, a)
    if n < 0:
        a, n = inv(a), -n
    if n <= 3:
        out = a
        for _ in range(n - 1):
            out = matmul(out, a)
        return out
    square, out = a, None
    while n:
        n, bit = divmod(n, 2)
        if bit:
            out = square if out is None else matmul(out, square)
        if n:
            square = matmul(square, square)
    return out


def multi_dot(arrays, *, out=None):
    """A·B·C·… in the cheapest order, as ``numpy.linalg.multi_dot``: the same order as NumPy
    (fewest scalar multiplications), so the same value; the first array may be a vector (a
    row) and the last one too (a column).

    Raises:
        ValueError: for fewer than two arrays, an inner array that is not 2-d, or shapes that
            do not fit.
        TypeError: for ``out=`` (a tensor's result is a new tensor).

    Example:
        >>> import chainrule as cr
        >>> a, b = cr.tensor([[1.0, 2.0]]), cr.tensor([[3.0], [4.0]])
        >>> cr.linalg.multi_dot([a, b, cr.tensor([[0.5, 1.0]])])
        tensor([[ 5.5, 11. ]])
    """
    if out is not None:
        raise TypeError("multi_dot: out= is not supported; the result is a new array")
    arrays = list(arrays)
    if len(arrays) < 2:
        raise ValueError("multi_dot: expecting at least two arrays")
    if len(arrays) == 2:
        return dot(arrays[0], arrays[1])
    first_is_vector = len(shape.shape_of(arrays[0])) == 1
    last_is_vector = len(shape.shape_of(arrays[-1])) == 1
    if first_is_vector:
        arrays[0] = shape.expand_dims(arrays[0], 0)
    if last_is_vector:
        arrays[-1] = shape.expand_dims(arrays[-1], 1)
    shapes = [shape.shape_of(array) for array in arrays]
    for k, array_shape in enumerate(shapes):
        if len(array_shape) != 2:
            raise ValueError(f"multi_dot: array {k} has shape {array_shape}; all but the first "
                             "and last must be 2-d (those two may be 1-d)")
    result = _chain(arrays, _split_points(shapes), 0, len(arrays) - 1)
    if first_is_vector and last_is_vector:
        return result[0, 0]
    if first_is_vector or last_is_vector:
        return shape.ravel(result)
    return result


def _split_points(shapes):
    # The matrix-chain order (Cormen et al., 15.2): cost[i][j] is the fewest multiplications for
    # arrays i..j, split[i][j] where that product splits. The first of equal costs is kept, as
    # in NumPy, so that ties give NumPy's order (and its rounding).
    sizes = [s[0] for s in shapes] + [shapes[-1][1]]
    count = len(shapes)
    cost = [[0] * count for _ in range(count)]
    split = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                q = cost[i][k] + cost[k + 1][j] + sizes[i] * sizes[k + 1] * sizes[j + 1]
                if cost[i][j] is None or q < cost[i][j]:
                    cost[i][j], split[i][j] = q, k
    return split


def _chain(arrays, split, i, j):
    if i == j:
        return arrays[i]
    k = split[i][j]
    return dot(_chain(arrays, split, i, k), _chain(arrays, split, k + 1, j))


__all__ = ["matrix_power", "multi_dot"]
