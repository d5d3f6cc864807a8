"""The Cholesky factorization A = L·Lᵀ of a symmetric positive-definite matrix."""

from __future__ import annotations

import numpy as np

from chainrule.ops.linalg.inverse import solve
from chainrule.ops.linalg.matrices import square_shape, symmetric_part
from chainrule.ops.contraction import matmul
from chainrule.primitive import primitive


def _lower_half_diagonal(m):
    # Φ(M): the lower triangle of M with its diagonal halved.
    n = m.shape[-1]
    mask = np.tril(np.ones((n, n), dtype=m.dtype), -1) + 0.5 * np.eye(n, dtype=m.dtype)
    return m * mask


def _cholesky_vjp(grad_out, out, x):
    # Ā = sym(L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹) (Murray 2016). NumPy has no triangular solve, so L⁻ᵀ is
    # applied with a general solve: O(n³) instead of O(n²), and exact all the same.
    middle = _lower_half_diagonal(matmul(out.mT, grad_out))
    left = solve(out.mT, middle)
    return symmetric_part(solve(out.mT, left.mT))  # sym(L⁻ᵀ·Pᵀ·L⁻¹) = sym(L⁻ᵀ·P·L⁻¹)


def _cholesky_jvp(x_dot, out, x):
    # L̇ = L·Φ(L⁻¹·sym(Ȧ)·L⁻ᵀ)
    half = solve(out, symmetric_part(x_dot))
    return matmul(out, _lower_half_diagonal(solve(out, half.mT)))


_cholesky_op = primitive(
    "cholesky", np.linalg.cholesky, vjp=_cholesky_vjp, jvp=_cholesky_jvp,
    reads_inputs=False, reads_out=True,
)


def cholesky(x):
    """The lower-triangular L with L·Lᵀ = A, as ``numpy.linalg.cholesky``.

    A is taken to be symmetric (NumPy reads only its lower triangle): the gradient is the
    symmetric matrix whose change along any symmetric dA is exact.

    Raises:
        ValueError: when the last two axes are not square.
        numpy.linalg.LinAlgError: when A is not positive definite.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.cholesky(cr.tensor([[4.0, 2.0], [2.0, 5.0]]))
        tensor([[2., 0.],
                [1., 2.]])
    """
    square_shape(x, "cholesky")
    return _cholesky_op(x)


__all__ = ["cholesky"]
