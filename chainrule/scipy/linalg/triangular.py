"""Triangular matrices as SciPy reads them: the triangle of A a routine reads, the symmetric
matrix one triangle names (and its adjoint), and solve_triangular, X = op(T)⁻¹·B."""

from __future__ import annotations

import numpy as np
import scipy.linalg

from chainrule.ops import shape
from chainrule.ops.arrays.triangular import tril, triu
from chainrule.ops.contraction import matmul
from chainrule.ops.linalg import matrices
from chainrule.primitive import primitive
from chainrule.scipy.real_inputs import refuse_complex

_TRANSPOSED = {0: False, 1: True, 2: True, "N": False, "T": True, "C": True}


def triangle(m, lower, strict=False):
    """The lower (or upper) triangle of ``m`` over the last two axes; ``strict`` drops the
    diagonal (a unit diagonal is read as ones, never from ``m``)."""
    if lower:
        return tril(m, -1 if strict else 0)
    return triu(m, 1 if strict else 0)


def symmetric_from_triangle(m, lower):
    """The symmetric matrix that the lower (or upper) triangle of ``m`` names (as
    chainrule.linalg's eigh and cholesky read it)."""
    return matrices.symmetric_from_triangle(m, "L" if lower else "U", "scipy.linalg")[0]


def half_diagonal(m, lower=True):
    """Φ(M): the strictly lower (or upper) triangle of M and half its diagonal, as one product
    with a constant (the common step of every Cholesky rule, kept to one pass)."""
    n = m.shape[-1]
    weights = np.tri(n, k=-1, dtype=m.dtype) + 0.5 * np.eye(n, dtype=m.dtype)
    return m * (weights if lower else weights.T)


def gathered(grad, lower):
    """The gradient of the triangle read, given G, the gradient of the symmetric matrix it names
    (taken as sym(G)): Φ(G + Gᵀ), the adjoint of :func:`symmetric_from_triangle` at sym(G)."""
    return half_diagonal(grad + grad.mT, lower)


def transposed(trans):
    """Whether SciPy's ``trans`` (0/'N', 1/'T', 2/'C') solves with op(T) = Tᵀ (real T)."""
    try:
        return _TRANSPOSED[trans]
    except (KeyError, TypeError):
        raise ValueError(f"trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}") from None


def flipped(params):
    """``params`` with ``trans`` turned over: op(T)ᵀ·Z = G, the adjoint system of op(T)·X = B."""
    return {**params, "trans": 0 if transposed(params["trans"]) else 1}


def solve_columns(solve, *operands, b, **params):
    """``solve(*operands, B, **params)`` for B of shape (..., n, k), and for a vector b (n,)
    as one column, as SciPy's solvers read b."""
    if len(shape.shape_of(b)) == 1:
        return shape.squeeze(solve(*operands, shape.expand_dims(b, -1), **params), -1)
    return solve(*operands, b, **params)


def _read(m, params):
    # dT as the routine reads it (its triangle, the diagonal only when it is not unit), as op(dT).
    read = triangle(m, params["lower"], strict=params["unit_diagonal"])
    return read.mT if transposed(params["trans"]) else read


def _vjp_a(grad_out, out, a, b, **params):
    # op(T)·X = B: dX = −op(T)⁻¹·op(dT)·X, so op(T) receives −op(T)⁻ᵀ·grad_out·Xᵀ; op read back
    # and only the triangle that was read kept.
    grad_op = -matmul(_solve_triangular_op(a, grad_out, **flipped(params)), out.mT)
    grad_t = grad_op.mT if transposed(params["trans"]) else grad_op
    return triangle(grad_t, params["lower"], strict=params["unit_diagonal"])


_solve_triangular_op = primitive(
    "solve_triangular",
    lambda a, b, **params: scipy.linalg.solve_triangular(a, b, **params),
    vjp=(_vjp_a,
         lambda grad_out, out, a, b, **params: _solve_triangular_op(
             a, grad_out, **flipped(params))),
    jvp=(lambda a_dot, out, a, b, **params: -_solve_triangular_op(
             a, matmul(_read(a_dot, params), out), **params),
         lambda b_dot, out, a, b, **params: _solve_triangular_op(a, b_dot, **params)),
    inputs=("a", "b"), reads_out=True,
)


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    """X with op(T)·X = B for the triangle T of A, as ``scipy.linalg.solve_triangular``.

    Only the triangle SciPy reads (upper by default, lower with ``lower=True``, its diagonal
    left out with ``unit_diagonal=True``) receives a gradient; the other entries of A are not
    read and get zero. B is (n,) or (n, k); A may be a stack (..., n, n), as in SciPy.

    Args:
        trans: 0 or 'N' solves T·X = B; 1 or 'T' (and 2 or 'C', the same for real T) Tᵀ·X = B.
        overwrite_b: accepted for SciPy's signature; chainrule never writes into its inputs.
        check_finite: handed to SciPy.

    Raises:
        TypeError: for a complex tensor.
        numpy.linalg.LinAlgError: for a singular T, as SciPy.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import solve_triangular
        >>> solve_triangular(cr.tensor([[2.0, 1.0], [0.0, 4.0]]), cr.tensor([3.0, 4.0]))
        tensor([1., 1.])
    """
    refuse_complex("solve_triangular", a, b)
    transposed(trans)
    params = dict(trans=trans, lower=bool(lower), unit_diagonal=bool(unit_diagonal),
                  check_finite=check_finite)
    return solve_columns(_solve_triangular_op, a, b=b, **params)


__all__ = [
    "flipped", "gathered", "half_diagonal", "solve_columns", "solve_triangular",
    "symmetric_from_triangle", "transposed", "triangle",
]
