"""Spectral decompositions: eigh for symmetric matrices and the reduced svd, with eigvalsh and
svdvals for the values alone.

eigh and svd are each one primitive with several outputs, computed once; each rule forms the
vectors' term only when the vectors received a gradient, so the values' gradient (V·diag(w̄)·Vᵀ)
stays defined at repeated values, where only the vectors' derivative breaks down.
"""

from __future__ import annotations

import warnings
from collections import namedtuple

import numpy as np

from chainrule.ops.linalg.matrices import (
    matrix_shape, square_shape, symmetric_from_triangle, symmetric_part,
)
from chainrule.ops import reductions, shape
from chainrule.ops.elementwise import comparison, piecewise
from chainrule.ops.contraction import matmul
from chainrule.modes import refuse_escape
from chainrule.primitive import multiple_outputs, primitive, value_of
from chainrule.tensor import is_tensor, tensor

EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])


def _row(values):
    return shape.expand_dims(values, -2)


def _column(values):
    return shape.expand_dims(values, -1)


def _inverse_gaps(values, op):
    # F_ij = 1/(λ_j − λ_i) off the diagonal, 0 on it. A repeated λ leaves the vectors' derivative
    # undefined: those entries are NaN (never 1/0, so NumPy stays quiet) and a warning says why.
    # The ties are found by a comparison, an op like any other; the warning only reads it.
    gaps = _row(values) - _column(values)
    identity = np.eye(values.shape[-1], dtype=values.dtype)
    tied = comparison.equal(gaps + identity, 0)
    if np.any(value_of(tied)):
        warnings.warn(f"{op}: repeated values, where the derivative of the vectors is undefined; "
                      "the gradient is NaN", RuntimeWarning, stacklevel=2)
    return piecewise.where(tied, np.nan, 1 / (piecewise.where(tied, 1, gaps) + identity) - identity)


# --- eigh ---------------------------------------------------------------------------------------


def _eigh_vjp(grad_outs, outs, x, UPLO):  # noqa: N803 -- NumPy's argument name
    # Ā = sym(V·(diag(w̄) + F ∘ Vᵀ·V̄)·Vᵀ); the values' term alone stays defined at repeated
    # eigenvalues, so F is formed only when the vectors received a gradient.
    (grad_values, grad_vectors), (values, vectors) = grad_outs, outs
    inner = 0
    if grad_values is not None:
        inner = _diagonal(grad_values)
    if grad_vectors is not None:
        inner = inner + _inverse_gaps(values, "eigh") * matmul(vectors.mT, grad_vectors)
    return symmetric_part(matmul(matmul(vectors, inner), vectors.mT))


def _eigh_jvp(x_dot, outs, x, UPLO):  # noqa: N803
    # ẇ = diag(Vᵀ·Ȧ·V), V̇ = V·(F ∘ Vᵀ·sym(Ȧ)·V).
    values, vectors = outs
    projected = matmul(matmul(vectors.mT, symmetric_part(x_dot)), vectors)
    values_dot = reductions.sum(vectors * matmul(x_dot, vectors), axis=-2)
    return values_dot, matmul(vectors, _inverse_gaps(values, "eigh") * projected)


# The op sees the symmetric matrix that UPLO's triangle names (see eigh) and hands UPLO on to
# LAPACK, which reads that same triangle: the values are NumPy's to the bit.
_eigh_op = multiple_outputs(
    "eigh", lambda x, UPLO: tuple(np.linalg.eigh(x, UPLO=UPLO)), ("eigenvalues", "eigenvectors"),
    vjp=_eigh_vjp, jvp=_eigh_jvp,
)


def _diagonal(values):
    return _row(values) * np.eye(values.shape[-1], dtype=values.dtype)


def _eigenvalues_vjp(grad_out, out, x, UPLO):  # noqa: N803
    _, vectors = _eigh_op(x, UPLO=UPLO)
    return matmul(vectors * _row(grad_out), vectors.mT)


def _eigenvalues_jvp(x_dot, out, x, UPLO):  # noqa: N803
    _, vectors = _eigh_op(x, UPLO=UPLO)
    return reductions.sum(vectors * matmul(x_dot, vectors), axis=-2)


# The values alone are a primitive of their own: NumPy's eigvalsh skips the vectors.
_eigenvalues_op = primitive(
    "eigvalsh", lambda x, UPLO: np.linalg.eigvalsh(x, UPLO=UPLO),
    vjp=_eigenvalues_vjp, jvp=_eigenvalues_jvp,
)


def eigvalsh(x, UPLO="L"):  # noqa: N803 -- NumPy's argument name
    """The eigenvalues (ascending) of symmetric matrices, as ``numpy.linalg.eigvalsh``.

    Only the triangle UPLO ('L', the default, or 'U') of A is read, as in NumPy: the value is
    that of the symmetric matrix S it names, and the gradient is that of this function of A.
    It flows into that triangle alone: V·diag(grad)·Vᵀ = G there, with G_ij + G_ji off the
    diagonal (a non-symmetric A included). It is defined at repeated eigenvalues too.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.eigvalsh(cr.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    square_shape(x, "eigvalsh")
    symmetric, UPLO = symmetric_from_triangle(x, UPLO, "eigvalsh")  # noqa: N806
    return _eigenvalues_op(symmetric, UPLO=UPLO)


def eigh(x, UPLO="L"):  # noqa: N803 -- NumPy's argument name
    """(eigenvalues, eigenvectors) of symmetric matrices, as ``numpy.linalg.eigh``.

    Only the triangle UPLO ('L', the default, or 'U') of A is read, as in NumPy, and the
    gradient flows into that triangle alone (an entry off the diagonal stands for itself and
    its mirror image), for a non-symmetric A too. The eigenvectors' derivative needs
    distinct eigenvalues; at a repeated one it is NaN, with a RuntimeWarning. Each eigenvector's
    sign is arbitrary, so differentiate what does not depend on it (v·vᵀ, V·diag·Vᵀ, |v|).

    Example:
        >>> import chainrule as cr
        >>> values, vectors = cr.linalg.eigh(cr.tensor([[2.0, 0.0], [0.0, 1.0]]))
        >>> values
        tensor([1., 2.])
    """
    square_shape(x, "eigh")
    symmetric, UPLO = symmetric_from_triangle(x, UPLO, "eigh")  # noqa: N806
    return EighResult(*_eigh_op(symmetric, UPLO=UPLO))


# --- svd ----------------------------------------------------------------------------------------


def _svd(x):
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    return u, s, vh


def _svd_vjp(grad_outs, outs, x):
    # Ā = U·[diag(S̄) + (J + Jᵀ)·S + S·(K + Kᵀ)]·Vᵀ + (I − UUᵀ)·Ū·S⁻¹·Vᵀ + U·S⁻¹·V̄ᵀ·(I − VVᵀ),
    # with J = F ∘ Uᵀ·Ū, K = F ∘ Vᵀ·V̄ and F_ij = 1/(s_j² − s_i²); the projections vanish when
    # U (or V) is square, and are skipped there so that a zero singular value does no harm. F
    # is formed only when U or V received a gradient: S's term is defined at repeated values.
    rows, cols = x.shape[-2:]
    u_bar, s_bar, vh_bar = grad_outs
    u, s, vh = outs
    v = vh.mT
    inner = 0 if s_bar is None else _row(s_bar) * np.eye(s.shape[-1], dtype=s.dtype)
    if u_bar is None and vh_bar is None:
        return matmul(matmul(u, inner), vh)
    u_bar = u_bar if u_bar is not None else 0 * u
    v_bar = vh_bar.mT if vh_bar is not None else 0 * v
    gaps = _inverse_gaps(s * s, "svd")
    j, k = gaps * matmul(u.mT, u_bar), gaps * matmul(v.mT, v_bar)
    grad_x = matmul(matmul(u, inner + (j + j.mT) * _row(s) + _column(s) * (k + k.mT)), vh)
    if rows > s.shape[-1]:
        grad_x = grad_x + matmul((u_bar - matmul(u, matmul(u.mT, u_bar))) / _row(s), vh)
    if cols > s.shape[-1]:
        grad_x = grad_x + matmul(u / _row(s), (v_bar - matmul(v, matmul(vh, v_bar))).mT)
    return grad_x


def _svd_jvp(x_dot, outs, x):
    # With P = Uᵀ·Ȧ·V: Ṡ = diag(P), U̇ = U·(F ∘ (P·S + S·Pᵀ)) + (I − UUᵀ)·Ȧ·V·S⁻¹, V̇ likewise.
    rows, cols = x.shape[-2:]
    u, s, vh = outs
    v = vh.mT
    gaps = _inverse_gaps(s * s, "svd")
    p = matmul(matmul(u.mT, x_dot), v)
    s_dot = reductions.sum(u * matmul(x_dot, v), axis=-2)
    u_dot = matmul(u, gaps * (p * _row(s) + _column(s) * p.mT))
    v_dot = matmul(v, gaps * (_column(s) * p + p.mT * _row(s)))
    if rows > s.shape[-1]:
        u_dot = u_dot + (matmul(x_dot, v) - matmul(u, p)) / _row(s)
    if cols > s.shape[-1]:
        v_dot = v_dot + (matmul(x_dot.mT, u) - matmul(v, p.mT)) / _row(s)
    return u_dot, s_dot, v_dot.mT


_svd_op = multiple_outputs(
    "svd", _svd, ("U", "S", "Vh"), vjp=_svd_vjp, jvp=_svd_jvp,
)


def _singular_values_vjp(grad_out, out, x):
    u, _, vh = _svd_op(x)
    return matmul(u * _row(grad_out), vh)


def _singular_values_jvp(x_dot, out, x):
    u, _, vh = _svd_op(x)
    return reductions.sum(u * matmul(x_dot, vh.mT), axis=-2)


# The values alone are a primitive of their own: NumPy skips U and V for them.
_singular_values_op = primitive(
    "svdvals", lambda x: np.linalg.svd(x, compute_uv=False),
    vjp=_singular_values_vjp, jvp=_singular_values_jvp,
)


def svdvals(x):
    """The singular values (descending), as ``numpy.linalg.svdvals``; gradient U·diag(grad)·Vᵀ.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.svdvals(cr.tensor([[3.0, 0.0], [0.0, -4.0]]))
        tensor([4., 3.])
    """
    matrix_shape(x, "svdvals")
    return _singular_values_op(x)


def svd(x, full_matrices=True, compute_uv=True, hermitian=False):
    """(U, S, Vh) with A = U·diag(S)·Vh, as ``numpy.linalg.svd`` (same arguments and defaults).

    The derivative of U and Vh needs distinct singular values (NaN with a RuntimeWarning
    otherwise) and, for a non-square A, nonzero ones. The signs of singular vector pairs are
    arbitrary: differentiate what does not depend on them (U·diag·Vh, u·uᵀ, S).

    Args:
        full_matrices: NumPy's default True gives square U and Vh. For a non-square A their
            extra columns are not unique, so they have no derivative: a tensor that needs one
            raises a ValueError asking for ``full_matrices=False`` (the reduced SVD, which
            differentiates); the values alone are NumPy's.
        compute_uv: False gives S alone, as ``svdvals``.
        hermitian: NumPy's faster path for a symmetric A: values alone (the derivative is that
            of ``hermitian=False``, which a tensor that needs one is asked to use).

    Example:
        >>> import chainrule as cr
        >>> u, s, vh = cr.linalg.svd(cr.tensor([[3.0, 0.0], [0.0, -4.0]]))
        >>> s
        tensor([4., 3.])
    """
    rows, cols = matrix_shape(x, "svd")[-2:]
    if not compute_uv and not hermitian:
        return _singular_values_op(x)
    full = full_matrices and rows != cols
    if full or hermitian:
        if is_tensor(x) and (x.requires_grad or x.tangents):
            raise ValueError(
                "svd(full_matrices=True) of a non-square matrix: the extra singular vectors are "
                "not unique and have no derivative; use full_matrices=False (the reduced SVD)"
                if full else "svd(hermitian=True) is NumPy's shortcut for values alone; use "
                "hermitian=False, which gives the same singular values and their derivative")
        if is_tensor(x):
            refuse_escape(x.node, "svd(full_matrices=True) of a non-square matrix (values only)"
                          if full else "svd(hermitian=True) (values only)")
        result = np.linalg.svd(value_of(x), full_matrices=full_matrices, compute_uv=compute_uv,
                               hermitian=hermitian)
        if not compute_uv:
            return tensor(result)
        return SVDResult(*(tensor(part) for part in result))
    return SVDResult(*_svd_op(x))


__all__ = ["EighResult", "SVDResult", "eigh", "eigvalsh", "svd", "svdvals"]
