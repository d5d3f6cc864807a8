"""Triangular factorizations: Cholesky, A = L·Lᴴ of a symmetric (complex: Hermitian)
positive-definite matrix, and QR, A = Q·R with orthonormal columns in Q and an upper-triangular
R."""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from chainrule.backends import constant_like
from chainrule.ops import joining
from chainrule.ops.elementwise import complex_parts, piecewise
from chainrule.ops.linalg.inverse import solve
from chainrule.ops.linalg.matrices import (
    conjugate_transpose, hermitian_part, matrix_shape, square_shape,
    symmetric_from_triangle, triangle_mask,
)
from chainrule.ops.contraction import matmul
from chainrule.primitive import multiple_outputs, primitive
from chainrule.modes import refuse_escape
from chainrule.tensor import is_tensor, tensor, value_of

QRResult = namedtuple("QRResult", ["Q", "R"])


def _lower_half_diagonal(m):
    # Φ(M): the lower triangle of M with its diagonal halved.
    n = m.shape[-1]
    mask = np.tril(np.ones((n, n), dtype=m.dtype), -1) + 0.5 * np.eye(n, dtype=m.dtype)
    return m * constant_like(mask, m)


def _cholesky_vjp(grad_out, out, x, upper):
    # Ā = herm(L'⁻ᴴ·Φ(L'ᴴ·L̄)·L'⁻¹) with L' = conj(L) (Murray 2016 for real L, where L' = L; for
    # complex, the transpose of the JVP under Re(Ā·Ȧ)), and L = Uᴴ for the upper factor. NumPy
    # has no triangular solve, so L'⁻ᴴ is applied with a general solve: O(n³), exact.
    if upper:
        grad_out, out = conjugate_transpose(grad_out), conjugate_transpose(out)
    if complex_parts.is_complex(out):
        out = complex_parts.conj(out)
    out_h = conjugate_transpose(out)
    middle = _lower_half_diagonal(matmul(out_h, grad_out))
    left = solve(out_h, middle)
    # herm(L'⁻ᴴ·Pᴴ·L'⁻¹) = herm(L'⁻ᴴ·P·L'⁻¹)
    return hermitian_part(solve(out_h, conjugate_transpose(left)))


def _cholesky_jvp(x_dot, out, x, upper):
    # L̇ = L·Φ(L⁻¹·herm(Ȧ)·L⁻ᴴ), and U̇ = L̇ᴴ
    lower = conjugate_transpose(out) if upper else out
    half = solve(lower, hermitian_part(x_dot))
    lower_dot = matmul(lower, _lower_half_diagonal(solve(lower, conjugate_transpose(half))))
    return conjugate_transpose(lower_dot) if upper else lower_dot


# NumPy's own call for each factor, so that the values are NumPy's to the bit.
_cholesky_op = primitive(
    "cholesky", lambda x, upper: np.linalg.cholesky(x, upper=upper), vjp=_cholesky_vjp,
    jvp=_cholesky_jvp, reads_inputs=False, reads_out=True, supports_complex=True,
)


def cholesky(x, /, *, upper=False):
    """The lower-triangular L with L·Lᴴ = A (or, with ``upper=True``, U = Lᴴ), as
    ``numpy.linalg.cholesky``, for real symmetric and complex Hermitian A.

    Only the lower triangle of A (the upper one with ``upper=True``) is read, as in NumPy, and
    the gradient flows into that triangle alone (an entry off the diagonal stands for itself
    and its mirror image, for complex A its conjugate mirror image), for a non-symmetric A too.

    Raises:
        ValueError: when the last two axes are not square.
        numpy.linalg.LinAlgError: when A is not positive definite.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.cholesky(cr.tensor([[4.0, 2.0], [2.0, 5.0]]))
        tensor([[2., 0.],
                [1., 2.]])
        >>> cr.linalg.cholesky(cr.tensor([[4.0, 2.0 - 2.0j], [2.0 + 2.0j, 6.0]]))
        tensor([[2.+0.j, 0.+0.j],
                [1.+1.j, 2.+0.j]])
    """
    square_shape(x, "cholesky")
    symmetric, _ = symmetric_from_triangle(x, "U" if upper else "L", "cholesky")
    return _cholesky_op(symmetric, upper=bool(upper))


# --- qr -----------------------------------------------------------------------------------------


def _solve_triangular(r, b):
    # R⁻¹ exists where the first min(m, n) columns of A have full rank; elsewhere Q (and so the
    # derivative) is not determined by A: an error that says so, not NumPy's "Singular matrix".
    try:
        return solve(r, b)
    except np.linalg.LinAlgError:
        raise np.linalg.LinAlgError(
            "qr: no derivative where the first min(m, n) columns of A are linearly dependent "
            "(R has a zero on its diagonal): Q is not determined by A there"
        ) from None


def _strictly_lower(m):
    return piecewise.where(constant_like(triangle_mask(m.shape[-1], diagonal=False), m), m, 0)


def _diagonal_imaginary(m):
    # i·Im diag(M) as a diagonal matrix: the part of a complex M that R's convention removes.
    return 1j * complex_parts.imag(m) * np.eye(m.shape[-1])


def _qr_tangent_tall(a_dot, q, r):
    # m ≥ n: with B = Qᴴ·Ȧ·R⁻¹, Qᴴ·Q̇ = Ω is skew-Hermitian and Ṙ·R⁻¹ = B − Ω upper triangular
    # with a real diagonal (LAPACK's R has one), so Ω = tril(B, −1) − tril(B, −1)ᴴ + i·Im diag(B)
    # (for real A, Ω's diagonal is 0); then Ṙ = (B − Ω)·R and Q̇ = Ȧ·R⁻¹ − Q·(B − Ω).
    # NumPy has no triangular solve: R⁻¹ is applied with a general one (exact, O(n³)).
    a_dot_r_inv = _solve_triangular(r.mT, a_dot.mT).mT
    b = matmul(conjugate_transpose(q), a_dot_r_inv)
    lower = _strictly_lower(b)
    upper = b - lower + conjugate_transpose(lower)
    if complex_parts.is_complex(upper):
        upper = upper - _diagonal_imaginary(b)
    return a_dot_r_inv - matmul(q, upper), matmul(upper, r)


def _qr_adjoint_tall(grad_q, grad_r, q, r):
    # m ≥ n: Ā = (Q̄ + Q·copyltu(M))·R⁻ᵀ with M = R·R̄ᵀ − Q̄ᵀ·Q and copyltu(M) the symmetric
    # matrix of M's lower triangle (Walter & Lehmann 2018; Liao et al. 2019). For complex A,
    # the transpose of the JVP above under Re(Ā·Ȧ): Ā = (Q̄ + conj(Q·K))·R⁻ᵀ with the same M
    # and K = tril(M, −1) + tril(M, −1)ᴴ + Re diag(M), Hermitian.
    m = matmul(r, grad_r.mT) - matmul(grad_q.mT, q)
    if not complex_parts.is_complex(m):
        copied = piecewise.where(constant_like(triangle_mask(m.shape[-1]), m), m, m.mT)
        return _solve_triangular(r, (grad_q + matmul(q, copied)).mT).mT
    copied = piecewise.where(constant_like(triangle_mask(m.shape[-1]), m), m,
                             conjugate_transpose(m))
    copied = copied - _diagonal_imaginary(m)
    return _solve_triangular(r, (grad_q + complex_parts.conj(matmul(q, copied))).mT).mT


def _qr_vjp(grad_outs, outs, x, mode):
    # A wide A = [X | Y] (m < n) factors as X = Q·R₁, Y = Q·R₂ with R₂ = Qᴴ·Y: Y receives
    # conj(Q)·R̄₂ and Q the extra conj(Y·R̄₂ᵀ) (Q·R̄₂ and Y·R̄₂ᵀ for real A), and X takes the
    # square rule.
    q, r = outs
    grad_q = grad_outs[0] if grad_outs[0] is not None else 0 * q
    grad_r = grad_outs[1] if grad_outs[1] is not None else 0 * r
    rows, cols = x.shape[-2:]
    if rows >= cols:
        return _qr_adjoint_tall(grad_q, grad_r, q, r)
    right, grad_right = x[..., rows:], grad_r[..., rows:]
    grad_q = grad_q + _conj(matmul(right, grad_right.mT))
    grad_left = _qr_adjoint_tall(grad_q, grad_r[..., :rows], q, r[..., :rows])
    return joining.concatenate([grad_left, matmul(_conj(q), grad_right)], axis=-1)


def _conj(x):
    # conj on complex values only: real rules keep their ops.
    return complex_parts.conj(x) if complex_parts.is_complex(x) else x


def _qr_jvp(x_dot, outs, x, mode):
    q, r = outs
    rows, cols = x.shape[-2:]
    if rows >= cols:
        return _qr_tangent_tall(x_dot, q, r)
    q_dot, left_dot = _qr_tangent_tall(x_dot[..., :rows], q, r[..., :rows])
    right_dot = (matmul(conjugate_transpose(q_dot), x[..., rows:])
                 + matmul(conjugate_transpose(q), x_dot[..., rows:]))
    return q_dot, joining.concatenate([left_dot, right_dot], axis=-1)


_qr_op = multiple_outputs(
    "qr", lambda x, mode: tuple(np.linalg.qr(x, mode=mode)), ("Q", "R"),
    vjp=_qr_vjp, jvp=_qr_jvp, supports_complex=True,
)


def qr(a, mode="reduced"):
    """The QR factorization A = Q·R of each matrix, as ``numpy.linalg.qr``.

    Q (m, k) has orthonormal columns and R (k, n) is upper triangular, k = min(m, n). The
    signs are LAPACK's (Householder reflections): nothing makes R's diagonal positive, so
    NumPy's Q and R may differ from another library's by the sign of a column of Q and the
    matching row of R. LAPACK reflects column j onto −sign(a_jj)·‖·‖ but skips a column
    already zero below the diagonal (an upper-triangular A, the identity): there R_jj keeps
    a_jj's sign and the factors jump as soon as those zeros move. The derivative is that of
    the factorization with R's diagonal signs held at those found at A, smooth where the
    first min(m, n) columns have full rank; functions that do not depend on the signs (Q·Qᵀ,
    Rᵀ·R, squares of entries) have it as their derivative everywhere there. For complex A
    LAPACK makes R's diagonal real (the phase of each column of Q is set by it), skipping only
    a column already zero below a real diagonal entry; the derivative holds that diagonal
    real (Qᴴ·Q̇ skew-Hermitian with Im diag(Qᴴ·Q̇) = Im diag(Qᴴ·Ȧ·R⁻¹)), so Q and R
    themselves have it, and phase-free functions (Q·R, |Qᵢⱼ|², |Rⱼⱼ|) agree with any other
    phase convention.

    Args:
        mode: 'reduced' (Q, R), 'complete' (Q square, m × m) or 'r' (R alone). A tall A's
            complete Q has m − n columns that are not unique and have no derivative: it is
            given as a value, and refused where a derivative is needed. 'raw' is refused.

    Raises:
        ValueError: for an unknown or unsupported mode, or a complete Q that would need a
            derivative.

    Example:
        >>> import chainrule as cr
        >>> q, r = cr.linalg.qr(cr.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> r
        tensor([[-5. , -2.2],
                [ 0. ,  0.4]])
    """
    rows, cols = matrix_shape(a, "qr")[-2:]
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r', got {mode!r} ('raw' "
                         "gives LAPACK's Householder vectors, which chainrule does not "
                         "differentiate)")
    if mode == "complete" and rows > cols:
        return _complete_qr_of_tall(a)
    q, r = _qr_op(a, mode="reduced" if mode == "r" else mode)
    return r if mode == "r" else QRResult(q, r)


def _complete_qr_of_tall(a):
    if is_tensor(a) and (a.requires_grad or a.tangents):
        raise ValueError("qr(mode='complete') of a tall matrix: the last m - n columns of Q are "
                         "not unique and have no derivative; use mode='reduced'")
    if is_tensor(a):
        refuse_escape(a.node, "qr(mode='complete') of a tall matrix, a value only,")
        return QRResult(*(tensor(v) for v in np.linalg.qr(value_of(a), mode="complete")))
    return QRResult(*np.linalg.qr(a, mode="complete"))


__all__ = ["QRResult", "cholesky", "qr"]
