"""The Cholesky factorization as SciPy gives it: cholesky (L·Lᵀ or Uᵀ·U), cho_factor (the factor
in one triangle of a packed matrix) and cho_solve, X = A⁻¹·B through that factor.

cholesky and cho_factor read one triangle of A and share their rules: the derivative of the
factor of the symmetric matrix that triangle names, flowing back into that triangle alone.
"""

from __future__ import annotations

import scipy.linalg

from chainrule.ops.contraction import matmul
from chainrule.primitive import primitive
from chainrule.scipy.linalg.triangular import (
    gathered, half_diagonal, solve_columns, solve_triangular, symmetric_from_triangle, triangle,
)
from chainrule.scipy.real_inputs import refuse_complex


def _lower_factor(out, lower):
    # The factor as a lower-triangular L, whatever the other triangle of the output holds.
    return triangle(out, True) if lower else triangle(out, False).mT


def _factor_vjp(grad_out, out, a, lower, **params):
    # With L̄ in L's orientation: S̄ = sym(L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹) (Murray 2016), gathered into the
    # triangle read. Φ reads L̄'s lower triangle only, so a packed output's other triangle
    # (cho_factor's leftover entries of A) receives nothing.
    factor = _lower_factor(out, lower)
    grad_factor = grad_out if lower else grad_out.mT
    middle = half_diagonal(matmul(factor.mT, grad_factor))
    left = solve_triangular(factor, middle, trans=1, lower=True)
    grad_s = solve_triangular(factor, left.mT, trans=1, lower=True)
    return gathered(grad_s, lower)


def _factor_jvp(a_dot, out, a, lower, **params):
    # L̇ = L·Φ(L⁻¹·Ṡ·L⁻ᵀ) for the symmetric Ṡ that the triangle read names.
    factor = _lower_factor(out, lower)
    half = solve_triangular(factor, symmetric_from_triangle(a_dot, lower), lower=True)
    factor_dot = matmul(factor, half_diagonal(
        solve_triangular(factor, half.mT, lower=True).mT))
    return factor_dot if lower else factor_dot.mT


_cholesky_op = primitive(
    "scipy_cholesky",
    lambda a, lower, check_finite: scipy.linalg.cholesky(a, lower=lower,
                                                         check_finite=check_finite),
    vjp=_factor_vjp, jvp=_factor_jvp, inputs=("a",), reads_inputs=False, reads_out=True,
)

_cho_factor_op = primitive(
    "cho_factor",
    lambda a, lower, check_finite: scipy.linalg.cho_factor(a, lower=lower,
                                                           check_finite=check_finite)[0],
    vjp=_factor_vjp, jvp=_factor_jvp, inputs=("a",), reads_inputs=False, reads_out=True,
)


def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """The Cholesky factor of a symmetric positive-definite A, as ``scipy.linalg.cholesky``:
    upper U with A = Uᵀ·U by default, lower L with A = L·Lᵀ when ``lower=True``.

    SciPy reads only the triangle of A the factor goes in: the gradient flows into that
    triangle alone (an off-diagonal entry there stands for both a_ij and a_ji), for symmetric
    and non-symmetric A alike. A may be a stack (..., n, n).

    Args:
        overwrite_a: accepted for SciPy's signature; chainrule never writes into its inputs.
        check_finite: handed to SciPy.

    Raises:
        TypeError: for a complex tensor.
        numpy.linalg.LinAlgError: when A is not positive definite, as SciPy.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import cholesky
        >>> cholesky(cr.tensor([[4.0, 2.0], [2.0, 5.0]]))
        tensor([[2., 1.],
                [0., 2.]])
    """
    refuse_complex("cholesky", a)
    return _cholesky_op(a, lower=bool(lower), check_finite=check_finite)


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """(c, lower): the Cholesky factor packed in one triangle of c, as
    ``scipy.linalg.cho_factor``, for :func:`cho_solve`.

    The other triangle of c holds what SciPy leaves there (the entries of A; SciPy calls them
    arbitrary): those entries carry no derivative. The factor's triangle differentiates as
    :func:`cholesky`'s, into the triangle of A that is read.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import cho_factor
        >>> c, lower = cho_factor(cr.tensor([[4.0, 2.0], [2.0, 5.0]]), lower=True)
        >>> c
        tensor([[2., 2.],
                [1., 2.]])
    """
    refuse_complex("cho_factor", a)
    return _cho_factor_op(a, lower=bool(lower), check_finite=check_finite), bool(lower)


def _gram_dot(c, c_dot, lower):
    # dA of A = L·Lᵀ (or Uᵀ·U) for a change of the factor's triangle alone.
    factor, factor_dot = _lower_factor(c, lower), _lower_factor(c_dot, lower)
    product = matmul(factor_dot, factor.mT)
    return product + product.mT


def _cho_solve_vjp_c(grad_out, out, c, b, lower, **params):
    # X = A⁻¹·B: Ā = −A⁻¹·grad_out·Xᵀ (A symmetric), and A = L·Lᵀ gives L̄ = (Ā + Āᵀ)·L.
    grad_a = -matmul(_cho_solve_op(c, grad_out, lower=lower, **params), out.mT)
    grad_factor = matmul(grad_a + grad_a.mT, _lower_factor(c, lower))
    return triangle(grad_factor if lower else grad_factor.mT, lower)


_cho_solve_op = primitive(
    "cho_solve",
    lambda c, b, lower, check_finite: scipy.linalg.cho_solve((c, lower), b,
                                                             check_finite=check_finite),
    vjp=(_cho_solve_vjp_c,
         lambda grad_out, out, c, b, **params: _cho_solve_op(c, grad_out, **params)),
    jvp=(lambda c_dot, out, c, b, lower, **params: -_cho_solve_op(
             c, matmul(_gram_dot(c, c_dot, lower), out), lower=lower, **params),
         lambda b_dot, out, c, b, **params: _cho_solve_op(c, b_dot, **params)),
    inputs=("c", "b"), reads_out=True,
)


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """X with A·X = B from A's factor (c, lower) of :func:`cho_factor`, as
    ``scipy.linalg.cho_solve``.

    Differentiable in B and in the factor's triangle of c (the other triangle is not read and
    gets zero): composed with cho_factor, the gradient reaches A. B is (n,) or (n, k).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import cho_factor, cho_solve
        >>> cho_solve(cho_factor(cr.tensor([[4.0, 2.0], [2.0, 5.0]])), cr.tensor([6.0, 7.0]))
        tensor([1., 1.])
    """
    c, lower = c_and_lower
    refuse_complex("cho_solve", c, b)
    params = dict(lower=bool(lower), check_finite=check_finite)
    return solve_columns(_cho_solve_op, c, b=b, **params)


__all__ = ["cho_factor", "cho_solve", "cholesky"]
