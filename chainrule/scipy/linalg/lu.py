"""The LU factorization as SciPy packs it: lu_factor, P·A = L·U (P the row swaps) with L's unit
diagonal left out and U in one matrix, and lu_solve, X = A⁻¹·B (or A⁻ᵀ·B) through it.

The pivots are a constant of the factorization (they change only where A's choice of pivot
rows jumps): the packed LU is differentiable in A, lu_solve in the packed LU and B, so that
lu_solve(lu_factor(A), B) differentiates in A and B.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray
import scipy.linalg

from chainrule.ops import indexing, shape
from chainrule.ops.contraction import matmul
from chainrule.primitive import (
    is_tensor, multiple_outputs, nondifferentiable, primitive, value_of,
)
from chainrule.scipy.linalg.triangular import (
    flipped, solve_columns, solve_triangular, transposed, triangle,
)
from chainrule.scipy.real_inputs import refuse_complex


def _pivot_order(piv, inverse):
    """The order of A's rows after LAPACK's swaps, P·A = A[order] = L·U (its inverse order
    when ``inverse``): ints (..., n)."""
    piv = asarray(piv)
    if piv.size == 0:
        return np.zeros(piv.shape, dtype=np.intp)
    orders = []
    for swaps in piv.reshape(-1, piv.shape[-1]).tolist():
        order = list(range(len(swaps)))
        for k, other in enumerate(swaps):  # LAPACK swapped row k with row piv[k], in turn
            order[k], order[other] = order[other], order[k]
        orders.append(order)
    order = np.array(orders, dtype=np.intp).reshape(piv.shape)
    return np.argsort(order, axis=-1) if inverse else order


# A primitive (of no derivative), so that jit records it and reads each call's pivots anew.
_pivot_order_op = nondifferentiable(
    "lu_pivot_order", _pivot_order,
    doc="The row order that lu_factor's pivots make (no derivative).")


def _rows(m, piv, inverse=False):
    """P·M (Pᵀ·M when ``inverse``): the rows of each matrix of M in pivot order, by indexing
    (O(n²), where a permutation matrix would cost a product)."""
    # A tensor's pivots through the primitive (jit finds each call's); a formula term's, which
    # carry their numbers, directly.
    order = (_pivot_order_op(piv, inverse=inverse) if is_tensor(piv)
             else _pivot_order(value_of(piv), inverse))
    batch = shape.shape_of(order)[:-1]
    grids = [grid[..., None] for grid in np.ix_(*[np.arange(size) for size in batch])]
    return indexing.getitem(m, (Ellipsis, *grids, order, slice(None)))


def _unit_lower(lu):
    return triangle(lu, True, strict=True) + np.eye(lu.shape[-1], dtype=lu.dtype)


def _lu_factor_vjp(grad_outs, outs, a, **params):
    # P·dA = dL·U + L·dU, so with M = L⁻¹·P·dA·U⁻¹: dL = L·tril(M, −1), dU = triu(M)·U. The
    # adjoint: A receives Pᵀ·L⁻ᵀ·(tril(Lᵀ·L̄, −1) + triu(Ū·Uᵀ))·U⁻ᵀ, L̄ and Ū read from the LU.
    grad_lu, (lu, piv) = grad_outs[0], outs
    if grad_lu is None:
        return None
    inner = triangle(matmul(_unit_lower(lu).mT, grad_lu), True, strict=True) + triangle(
        matmul(grad_lu, triangle(lu, False).mT), False)
    left = solve_triangular(lu, inner, trans=1, lower=True, unit_diagonal=True)
    return _rows(solve_triangular(lu, left.mT, lower=False).mT, piv, inverse=True)


def _lu_factor_jvp(a_dot, outs, a, **params):
    lu, piv = outs
    permuted = _rows(a_dot, piv)
    left = solve_triangular(lu, permuted, lower=True, unit_diagonal=True)
    m = solve_triangular(lu, left.mT, trans=1, lower=False).mT
    lu_dot = matmul(_unit_lower(lu), triangle(m, True, strict=True)) + matmul(
        triangle(m, False), triangle(lu, False))
    return lu_dot, None


_lu_factor_op = multiple_outputs(
    "lu_factor",
    lambda a, check_finite: tuple(scipy.linalg.lu_factor(a, check_finite=check_finite)),
    ("lu", "piv"), vjp=_lu_factor_vjp, jvp=_lu_factor_jvp, inputs=("a",),
    no_derivative=("piv",),
)


def lu_factor(a, overwrite_a=False, check_finite=True):
    """(lu, piv): P·A = L·U packed as ``scipy.linalg.lu_factor`` packs it, for :func:`lu_solve`.

    lu holds U in its upper triangle and L (whose unit diagonal is left out) below it; piv
    the row swaps, an integer array without derivative. lu is differentiable in A with the
    pivots held, for square A (a stack (..., n, n) too); a row swap that a change of A would
    make is a jump, where there is no derivative.

    Raises:
        TypeError: for a complex tensor.
        ValueError: for a tensor that is not a square matrix.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import lu_factor
        >>> lu, piv = lu_factor(cr.tensor([[1.0, 2.0], [4.0, 2.0]]))
        >>> lu, piv
        (tensor([[4.  , 2.  ],
                [0.25, 1.5 ]]), tensor([1, 1], dtype=int32))
    """
    refuse_complex("lu_factor", a)
    a_shape = shape.shape_of(a)
    if len(a_shape) < 2 or a_shape[-1] != a_shape[-2]:
        raise ValueError(f"lu_factor: chainrule differentiates square matrices (..., n, n), "
                         f"got shape {a_shape}")
    return _lu_factor_op(a, check_finite=check_finite)


def _matrix_of(lu, lu_dot, piv):
    # dA = Pᵀ·(dL·U + L·dU) for a change of the packed LU.
    product = matmul(triangle(lu_dot, True, strict=True), triangle(lu, False)) + matmul(
        _unit_lower(lu), triangle(lu_dot, False))
    return _rows(product, piv, inverse=True)


def _lu_solve_vjp_lu(grad_out, out, lu, piv, b, **params):
    # op(A)·X = B: op(A) receives −Z·Xᵀ with op(A)ᵀ·Z = grad_out, so A receives −left·rightᵀ
    # (Z, X, or X, Z when transposed). A = Pᵀ·L·U passes it on as L̄ = P·Ā·Uᵀ (strictly lower)
    # and Ū = Lᵀ·P·Ā (upper), packed in one matrix; each product keeps the k columns of B
    # inside, O(n²k).
    adjoint = _lu_solve_op(lu, piv, grad_out, **flipped(params))
    left, right = (out, adjoint) if transposed(params["trans"]) else (adjoint, out)
    left = -_rows(left, piv)
    grad_lower = matmul(left, matmul(triangle(lu, False), right).mT)
    grad_upper = matmul(matmul(_unit_lower(lu).mT, left), right.mT)
    return triangle(grad_lower, True, strict=True) + triangle(grad_upper, False)


def _lu_solve_jvp_lu(lu_dot, out, lu, piv, b, **params):
    a_dot = _matrix_of(lu, lu_dot, piv)
    op_dot = a_dot.mT if transposed(params["trans"]) else a_dot
    return -_lu_solve_op(lu, piv, matmul(op_dot, out), **params)


_lu_solve_op = primitive(
    "lu_solve",
    lambda lu, piv, b, trans, check_finite: scipy.linalg.lu_solve(
        (lu, piv), b, trans=trans, check_finite=check_finite),
    vjp=(_lu_solve_vjp_lu, None,
         lambda grad_out, out, lu, piv, b, **params: _lu_solve_op(
             lu, piv, grad_out, **flipped(params))),
    jvp=(_lu_solve_jvp_lu, None,
         lambda b_dot, out, lu, piv, b, **params: _lu_solve_op(lu, piv, b_dot, **params)),
    inputs=("lu", "piv", "b"), reads_out=True,
)


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """X with A·X = B (``trans=0``) or Aᵀ·X = B (1 or 2, the same for real A) from A's
    factorization (lu, piv) of :func:`lu_factor`, as ``scipy.linalg.lu_solve``.

    Differentiable in B and in lu (with the pivots held): composed with lu_factor, the
    gradient reaches A. B is (n,) or (n, k).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import lu_factor, lu_solve
        >>> lu_solve(lu_factor(cr.tensor([[1.0, 2.0], [4.0, 2.0]])), cr.tensor([3.0, 6.0]))
        tensor([1., 1.])
    """
    lu, piv = lu_and_piv
    refuse_complex("lu_solve", lu, b)
    if trans not in (0, 1, 2):
        raise ValueError(f"lu_solve: trans must be 0, 1 or 2, got {trans!r}")
    params = dict(trans=trans, check_finite=check_finite)
    return solve_columns(_lu_solve_op, lu, piv, b=b, **params)


__all__ = ["lu_factor", "lu_solve"]
