"""Inverses and linear solves, batched over leading axes as in numpy.linalg: inv and solve, and
their tensor forms tensorinv and tensorsolve (reshapes around them)."""

from __future__ import annotations

import math

import numpy as np

from chainrule.ops.linalg.matrices import square_shape
from chainrule.ops import shape
from chainrule.ops.contraction import matmul
from chainrule.primitive import primitive


def _inv_vjp(grad_out, out, x):
    # d(A⁻¹) = −A⁻¹·dA·A⁻¹, whose adjoint is −A⁻ᵀ·grad_out·A⁻ᵀ.
    return -matmul(matmul(out.mT, grad_out), out.mT)


_inv_op = primitive(
    "inv", np.linalg.inv,
    vjp=_inv_vjp,
    jvp=lambda x_dot, out, x: -matmul(matmul(out, x_dot), out),
    reads_inputs=False, reads_out=True, supports_complex=True,
)


def inv(x):
    """A⁻¹ for each square matrix in the last two axes, as ``numpy.linalg.inv``.

    The gradient is −A⁻ᵀ·grad·A⁻ᵀ.

    Raises:
        ValueError: when the last two axes are not square.
        numpy.linalg.LinAlgError: for a singular matrix.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.inv(cr.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5 , 0.  ],
                [0.  , 0.25]])
    """
    square_shape(x, "inv")
    return _inv_op(x)


def _solve_vjp_a(grad_out, out, a, b):
    # X = A⁻¹B: dX = A⁻¹(dB − dA·X), so Ā = −A⁻ᵀ·grad_out·Xᵀ and B̄ = A⁻ᵀ·grad_out.
    return -matmul(_solve_op(a.mT, grad_out), out.mT)


_solve_op = primitive(
    "solve", np.linalg.solve,
    vjp=(_solve_vjp_a, lambda grad_out, out, a, b: _solve_op(a.mT, grad_out)),
    jvp=(lambda a_dot, out, a, b: -_solve_op(a, matmul(a_dot, out)),
         lambda b_dot, out, a, b: _solve_op(a, b_dot)),
    reads_out=True, supports_complex=True,
)


def solve(a, b):
    """X with A·X = B, as ``numpy.linalg.solve``: b is (n,) or (..., n, k); batches broadcast.

    Raises:
        ValueError: when the shapes do not fit together (naming both).
        numpy.linalg.LinAlgError: for a singular matrix.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.solve(cr.tensor([[2.0, 0.0], [0.0, 4.0]]), cr.tensor([1.0, 1.0]))
        tensor([0.5 , 0.25])
    """
    a_shape, b_shape = square_shape(a, "solve"), shape.shape_of(b)
    rows = b_shape[0] if len(b_shape) == 1 else b_shape[-2] if b_shape else None
    if rows != a_shape[-1]:
        raise ValueError(f"solve: a of shape {a_shape} and b of shape {b_shape} do not fit: b "
                         f"must be ({a_shape[-1]},) or (..., {a_shape[-1]}, k)")
    if len(b_shape) == 1:
        return shape.squeeze(_solve_op(a, shape.expand_dims(b, -1)), -1)
    try:
        np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        raise ValueError(f"solve: a of shape {a_shape} and b of shape {b_shape}: the batch axes "
                         "do not broadcast together") from None
    return _solve_op(a, b)


def tensorinv(a, ind=2):
    """The tensor inverse: a of shape (*I, *J) with prod(I) = prod(J), reshaped to a matrix,
    inverted and reshaped to (*J, *I), as ``numpy.linalg.tensorinv``; I = a.shape[:ind].

    Raises:
        ValueError: when ind is not positive.
        numpy.linalg.LinAlgError: when the matrix is not square or is singular.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.tensorinv(cr.tensor([[2.0, 0.0], [0.0, 4.0]]), ind=1)
        tensor([[0.5 , 0.  ],
                [0.  , 0.25]])
    """
    a_shape = shape.shape_of(a)
    if ind <= 0:
        raise ValueError(f"tensorinv: ind must be positive, got {ind}")
    rows = math.prod(a_shape[ind:])
    columns = math.prod(a_shape[:ind])
    if rows != columns:
        raise np.linalg.LinAlgError(f"tensorinv: a of shape {a_shape} with ind={ind} is not "
                                    f"square once reshaped ({columns} x {rows})")
    inverse = inv(shape.reshape(a, (rows, columns)))
    return shape.reshape(inverse, a_shape[ind:] + a_shape[:ind])


def tensorsolve(a, b, axes=None):
    """X with tensordot(a, X, X.ndim) = b, as ``numpy.linalg.tensorsolve``: the axes of a not
    matched by b (after moving ``axes`` of a to the end) are X's shape.

    Raises:
        numpy.linalg.LinAlgError: when the sizes do not make a square system, or it is singular.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.tensorsolve(cr.tensor([[2.0, 0.0], [0.0, 4.0]]), cr.tensor([1.0, 1.0]))
        tensor([0.5 , 0.25])
    """
    a_shape, b_shape = shape.shape_of(a), shape.shape_of(b)
    if axes is not None:
        order = list(range(len(a_shape)))
        for k in axes:
            order.remove(k)
            order.append(k)
        a = shape.transpose(a, order)
        a_shape = shape.shape_of(a)
    x_shape = a_shape[len(b_shape):]
    size = math.prod(x_shape)
    if math.prod(a_shape) != size**2:
        raise np.linalg.LinAlgError(
            f"tensorsolve: a of shape {a_shape} and b of shape {b_shape} do not make a square "
            f"system: prod(a.shape[b.ndim:]) = {size} must equal prod(a.shape[:b.ndim])")
    solution = solve(shape.reshape(a, (size, size)), shape.ravel(b))
    return shape.reshape(solution, x_shape)


__all__ = ["inv", "solve", "tensorinv", "tensorsolve"]
