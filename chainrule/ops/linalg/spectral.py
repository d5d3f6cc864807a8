"""Spectral decompositions: eigh for symmetric matrices and the reduced svd, with eigvalsh and
svdvals for the values alone.

The engine records one output per primitive. Values and vectors are separate primitives, so the
values' gradient (V·diag(w̄)·Vᵀ) stays defined at repeated eigenvalues, where only the vectors'
derivative breaks down. svd's U and V are one primitive, packed as [U; V] along the row axis:
one factorization gives both and each one's derivative needs the other.
"""

from __future__ import annotations

import warnings
from collections import namedtuple

import numpy as np

from chainrule.ops.linalg.matrices import matrix_shape, square_shape, symmetric_part
from chainrule.ops import joining, reductions, shape
from chainrule.ops.elementwise import piecewise
from chainrule.ops.contraction import matmul
from chainrule.primitive import primitive
from chainrule.tracing import traced, tracing

EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])


def _row(values):
    return shape.expand_dims(values, -2)


def _column(values):
    return shape.expand_dims(values, -1)


def _tied(gaps, identity):
    return (gaps + identity) == 0


def _inverse_gaps(values, op):
    # F_ij = 1/(λ_j − λ_i) off the diagonal, 0 on it. A repeated λ leaves the vectors' derivative
    # undefined: those entries are NaN (never 1/0, so NumPy stays quiet) and a warning says why.
    gaps = _row(values) - _column(values)
    identity = np.eye(values.shape[-1], dtype=values.dtype)
    tied = traced(_tied, "tied", getattr(gaps, "_data", gaps), identity)
    if tied.any():
        warnings.warn(f"{op}: repeated values, where the derivative of the vectors is undefined; "
                      "the gradient is NaN", RuntimeWarning, stacklevel=2)
    elif tracing.tape is None:  # a trace holds both cases (its replays cannot warn)
        return 1 / (gaps + identity) - identity
    return piecewise.where(tied, np.nan, 1 / (piecewise.where(tied, 1, gaps) + identity) - identity)


# --- eigh ---------------------------------------------------------------------------------------


def _eigenvalues_vjp(grad_out, out, x):
    vectors = _eigenvectors_op(x)
    return matmul(vectors * _row(grad_out), vectors.mT)


def _eigenvalues_jvp(x_dot, out, x):
    vectors = _eigenvectors_op(x)
    return reductions.sum(vectors * matmul(x_dot, vectors), axis=-2)


_eigenvalues_op = primitive(
    "eigvalsh", np.linalg.eigvalsh, vjp=_eigenvalues_vjp, jvp=_eigenvalues_jvp,
)


def _eigenvectors_vjp(grad_out, out, x):
    # Ā = sym(V·(F ∘ Vᵀ·V̄)·Vᵀ), the adjoint of V̇ = V·(F ∘ Vᵀ·sym(Ȧ)·V).
    inner = _inverse_gaps(_eigenvalues_op(x), "eigh") * matmul(out.mT, grad_out)
    return symmetric_part(matmul(matmul(out, inner), out.mT))


def _eigenvectors_jvp(x_dot, out, x):
    projected = matmul(matmul(out.mT, symmetric_part(x_dot)), out)
    return matmul(out, _inverse_gaps(_eigenvalues_op(x), "eigh") * projected)


_eigenvectors_op = primitive(
    "eigh_vectors", lambda x: np.linalg.eigh(x)[1],
    vjp=_eigenvectors_vjp, jvp=_eigenvectors_jvp,
    reads_out=True,
)


def eigvalsh(x):
    """The eigenvalues (ascending) of symmetric matrices, as ``numpy.linalg.eigvalsh``.

    The gradient V·diag(grad)·Vᵀ is symmetric (A is taken to be symmetric; NumPy reads only
    its lower triangle) and defined at repeated eigenvalues too.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.eigvalsh(cr.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    square_shape(x, "eigvalsh")
    return _eigenvalues_op(x)


def eigh(x):
    """(eigenvalues, eigenvectors) of symmetric matrices, as ``numpy.linalg.eigh``.

    A is taken to be symmetric: gradients are symmetric. The eigenvectors' derivative needs
    distinct eigenvalues; at a repeated one it is NaN, with a RuntimeWarning. Each eigenvector's
    sign is arbitrary, so differentiate what does not depend on it (v·vᵀ, V·diag·Vᵀ, |v|).

    Example:
        >>> import chainrule as cr
        >>> values, vectors = cr.linalg.eigh(cr.tensor([[2.0, 0.0], [0.0, 1.0]]))
        >>> values
        tensor([1., 2.])
    """
    square_shape(x, "eigh")
    return EighResult(_eigenvalues_op(x), _eigenvectors_op(x))


# --- svd ----------------------------------------------------------------------------------------


def _split(packed, rows):
    return packed[..., :rows, :], packed[..., rows:, :]


def _singular_values_vjp(grad_out, out, x):
    u, v = _split(_singular_vectors_op(x), x.shape[-2])
    return matmul(u * _row(grad_out), v.mT)


def _singular_values_jvp(x_dot, out, x):
    u, v = _split(_singular_vectors_op(x), x.shape[-2])
    return reductions.sum(u * matmul(x_dot, v), axis=-2)


_singular_values_op = primitive(
    "svdvals", lambda x: np.linalg.svd(x, compute_uv=False),
    vjp=_singular_values_vjp, jvp=_singular_values_jvp,
)


def _singular_vectors(x):
    u, _, vh = np.linalg.svd(x, full_matrices=False)
    return np.concatenate([u, vh.mT], axis=-2)


def _singular_vectors_vjp(grad_out, out, x):
    # Ā = U·[(J + Jᵀ)·S + S·(K + Kᵀ)]·Vᵀ + (I − UUᵀ)·Ū·S⁻¹·Vᵀ + U·S⁻¹·V̄ᵀ·(I − VVᵀ), with
    # J = F ∘ Uᵀ·Ū, K = F ∘ Vᵀ·V̄ and F_ij = 1/(s_j² − s_i²); the projections vanish when U
    # (or V) is square, and are skipped there so that a zero singular value does no harm.
    rows, cols = x.shape[-2:]
    (u, v), (u_bar, v_bar) = _split(out, rows), _split(grad_out, rows)
    s = _singular_values_op(x)
    gaps = _inverse_gaps(s * s, "svd")
    j, k = gaps * matmul(u.mT, u_bar), gaps * matmul(v.mT, v_bar)
    grad_x = matmul(matmul(u, (j + j.mT) * _row(s) + _column(s) * (k + k.mT)), v.mT)
    if rows > s.shape[-1]:
        grad_x = grad_x + matmul((u_bar - matmul(u, matmul(u.mT, u_bar))) / _row(s), v.mT)
    if cols > s.shape[-1]:
        grad_x = grad_x + matmul(u / _row(s), (v_bar - matmul(v, matmul(v.mT, v_bar))).mT)
    return grad_x


def _singular_vectors_jvp(x_dot, out, x):
    # With P = Uᵀ·Ȧ·V: U̇ = U·(F ∘ (P·S + S·Pᵀ)) + (I − UUᵀ)·Ȧ·V·S⁻¹, and V̇ likewise.
    rows, cols = x.shape[-2:]
    u, v = _split(out, rows)
    s = _singular_values_op(x)
    gaps = _inverse_gaps(s * s, "svd")
    p = matmul(matmul(u.mT, x_dot), v)
    u_dot = matmul(u, gaps * (p * _row(s) + _column(s) * p.mT))
    v_dot = matmul(v, gaps * (_column(s) * p + p.mT * _row(s)))
    if rows > s.shape[-1]:
        u_dot = u_dot + (matmul(x_dot, v) - matmul(u, p)) / _row(s)
    if cols > s.shape[-1]:
        v_dot = v_dot + (matmul(x_dot.mT, u) - matmul(v, p.mT)) / _row(s)
    return joining.concatenate([u_dot, v_dot], axis=-2)


_singular_vectors_op = primitive(
    "svd_vectors", _singular_vectors, vjp=_singular_vectors_vjp, jvp=_singular_vectors_jvp,
    reads_out=True,
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


def svd(x, full_matrices=False, compute_uv=True):
    """The reduced SVD (U, S, Vh) with A = U·diag(S)·Vh, as ``numpy.linalg.svd``.

    The derivative of U and Vh needs distinct singular values (NaN with a RuntimeWarning
    otherwise) and, for a non-square A, nonzero ones. The signs of singular vector pairs are
    arbitrary: differentiate what does not depend on them (U·diag·Vh, u·uᵀ, S).

    Args:
        full_matrices: only False (or a square A): the extra columns of the full U or V are
            not unique, so they have no derivative.
        compute_uv: False gives S alone, as ``svdvals``.

    Example:
        >>> import chainrule as cr
        >>> u, s, vh = cr.linalg.svd(cr.tensor([[3.0, 0.0], [0.0, -4.0]]))
        >>> s
        tensor([4., 3.])
    """
    rows, cols = matrix_shape(x, "svd")[-2:]
    if not compute_uv:
        return _singular_values_op(x)
    if full_matrices and rows != cols:
        raise ValueError("svd(full_matrices=True) of a non-square matrix: the extra singular "
                         "vectors are not unique and have no derivative; use full_matrices=False")
    u, v = _split(_singular_vectors_op(x), rows)
    return SVDResult(u, _singular_values_op(x), shape.swapaxes(v, -1, -2))


__all__ = ["EighResult", "SVDResult", "eigh", "eigvalsh", "svd", "svdvals"]
