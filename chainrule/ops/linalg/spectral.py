"""Spectral decompositions: eigh for symmetric (complex: Hermitian) matrices and the reduced svd,
with eigvalsh and svdvals for the values alone, for real and complex matrices.

eigh and svd are each one primitive with several outputs, computed once; each rule forms the
vectors' term only when the vectors received a gradient, so the values' gradient (V·diag(w̄)·Vᵀ)
stays defined at repeated values, where only the vectors' derivative breaks down.

Complex matrices follow docs/complex.md (a VJP is the transpose of its JVP under Re(X̄·Ẋ)).
With A = V·diag(λ)·Vᴴ the JVP is the real one with ᵀ read as ᴴ; its transpose is the real VJP
with conjugated factors: conj(V)·(diag(λ̄) + F ∘ Vᵀ·V̄)·Vᵀ for eigh (its left factor
conjugated), conj(U)·(…)·conj(Vh) for svd. The values are real, so their tangent is
Re diag(Vᴴ·Ȧ·V). An eigenvector's phase (a singular vector pair's joint phase) is arbitrary:
the rules fix it by Im(vᴴ·v̇) = 0 (for svd, by Im(vᴴ·v̇) = 0 and Im(uᴴ·u̇) = Im(uᴴ·Ȧ·v)/s),
which gives phase-free functions their derivative.
"""

from __future__ import annotations

import warnings
from collections import namedtuple

import numpy as np

from chainrule.backends import constant_like, is_lazy
from chainrule.ops.linalg.matrices import (
    conjugate_transpose, hermitian_part, matrix_shape, square_shape, symmetric_from_triangle,
)
from chainrule.ops import reductions, shape
from chainrule.ops.elementwise import comparison, complex_parts, piecewise
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
    identity = constant_like(np.eye(values.shape[-1], dtype=values.dtype), values)
    tied = comparison.equal(gaps + identity, 0)
    if not is_lazy(tied) and np.any(value_of(tied)):  # a lazy array is not computed to warn
        warnings.warn(f"{op}: repeated values, where the derivative of the vectors is undefined; "
                      "the gradient is NaN", RuntimeWarning, stacklevel=2)
    return piecewise.where(tied, np.nan, 1 / (piecewise.where(tied, 1, gaps) + identity) - identity)


def _conj(x):
    # conj on complex values only: real rules keep their ops (and their speed).
    return complex_parts.conj(x) if complex_parts.is_complex(x) else x


def _real(x, like):
    # The real part where ``like`` is complex: the tangent of a real output (eigenvalues,
    # singular values) of a complex matrix.
    return complex_parts.real(x) if complex_parts.is_complex(like) else x


def _diagonal_projection(vectors, x_dot, other):
    # Re diag(Vᴴ·Ȧ·W), column by column, without forming the whole product.
    return _real(reductions.sum(_conj(vectors) * matmul(x_dot, other), axis=-2), x_dot)


# --- eigh ---------------------------------------------------------------------------------------


def _eigh_vjp(grad_outs, outs, x, UPLO):  # noqa: N803 -- NumPy's argument name
    # Ā = herm(conj(V)·(diag(w̄) + F ∘ Vᵀ·V̄)·Vᵀ) (conj(V) = V when real); the values' term
    # alone stays defined at repeated eigenvalues, so F is formed only when the vectors
    # received a gradient.
    (grad_values, grad_vectors), (values, vectors) = grad_outs, outs
    inner = 0
    if grad_values is not None:
        inner = _diagonal(grad_values)
    if grad_vectors is not None:
        inner = inner + _inverse_gaps(values, "eigh") * matmul(vectors.mT, grad_vectors)
    return hermitian_part(matmul(matmul(_conj(vectors), inner), vectors.mT))


def _eigh_jvp(x_dot, outs, x, UPLO):  # noqa: N803
    # ẇ = Re diag(Vᴴ·Ȧ·V), V̇ = V·(F ∘ Vᴴ·herm(Ȧ)·V).
    values, vectors = outs
    projected = matmul(matmul(conjugate_transpose(vectors), hermitian_part(x_dot)), vectors)
    values_dot = _diagonal_projection(vectors, x_dot, vectors)
    return values_dot, matmul(vectors, _inverse_gaps(values, "eigh") * projected)


# The op sees the symmetric matrix that UPLO's triangle names (see eigh) and hands UPLO on to
# LAPACK, which reads that same triangle: the values are NumPy's to the bit.
_eigh_op = multiple_outputs(
    "eigh", lambda x, UPLO: tuple(np.linalg.eigh(x, UPLO=UPLO)), ("eigenvalues", "eigenvectors"),
    vjp=_eigh_vjp, jvp=_eigh_jvp, supports_complex=True,
)


def _diagonal(values):
    return _row(values) * constant_like(np.eye(values.shape[-1], dtype=values.dtype), values)


def _eigenvalues_vjp(grad_out, out, x, UPLO):  # noqa: N803
    _, vectors = _eigh_op(x, UPLO=UPLO)
    # conj(V)·diag(w̄)·Vᵀ, the transpose of Re diag(Vᴴ·Ȧ·V); for complex V its Hermitian part,
    # which is the same matrix with the rounding off its diagonal's imaginary part (which LAPACK
    # does not read).
    grad_x = matmul(_conj(vectors) * _row(grad_out), vectors.mT)
    return hermitian_part(grad_x) if complex_parts.is_complex(vectors) else grad_x


def _eigenvalues_jvp(x_dot, out, x, UPLO):  # noqa: N803
    _, vectors = _eigh_op(x, UPLO=UPLO)
    return _diagonal_projection(vectors, x_dot, vectors)


# The values alone are a primitive of their own: NumPy's eigvalsh skips the vectors.
_eigenvalues_op = primitive(
    "eigvalsh", lambda x, UPLO: np.linalg.eigvalsh(x, UPLO=UPLO),
    vjp=_eigenvalues_vjp, jvp=_eigenvalues_jvp, supports_complex=True,
)


def eigvalsh(x, UPLO="L"):  # noqa: N803 -- NumPy's argument name
    """The eigenvalues (ascending, real) of symmetric or complex Hermitian matrices, as
    ``numpy.linalg.eigvalsh``.

    Only the triangle UPLO ('L', the default, or 'U') of A is read, as in NumPy: the value is
    that of the symmetric (Hermitian) matrix S it names, and the gradient is that of this
    function of A. It flows into that triangle alone: V·diag(grad)·Vᵀ = G there, with
    G_ij + G_ji off the diagonal (a non-symmetric A included); for complex A it is
    conj(V)·diag(grad)·Vᵀ = G, with G_ij + conj(G_ji), and a real diagonal (docs/complex.md).
    It is defined at repeated eigenvalues too.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.eigvalsh(cr.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    square_shape(x, "eigvalsh")
    symmetric, UPLO = symmetric_from_triangle(x, UPLO, "eigvalsh")  # noqa: N806
    return _eigenvalues_op(symmetric, UPLO=UPLO)


def eigh(x, UPLO="L"):  # noqa: N803 -- NumPy's argument name
    """(eigenvalues, eigenvectors) of symmetric or complex Hermitian matrices, as
    ``numpy.linalg.eigh``.

    Only the triangle UPLO ('L', the default, or 'U') of A is read, as in NumPy, and the
    gradient flows into that triangle alone (an entry off the diagonal stands for itself and
    its mirror image, for complex A its conjugate mirror image), for a non-symmetric A too.
    The eigenvectors' derivative needs distinct eigenvalues; at a repeated one it is NaN, with
    a RuntimeWarning. Each eigenvector's sign (for complex A, its phase) is arbitrary, so
    differentiate what does not depend on it (v·vᴴ, V·diag·Vᴴ, |v|²).

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
    # Ā = U'·[diag(S̄) + (J + Jᴴ)·S + S·(K + Kᴴ) + diag(i·Im(UᵀŪ)ᵢᵢ/sᵢ)]·Vᵀ
    #     + (I − U'Uᵀ)·Ū·S⁻¹·Vᵀ + U'·S⁻¹·((I − V'Vᵀ)·V̄)ᴴ,
    # with U' = conj(U), V' = conj(V) (U, V when real, where the diag(i·…) term is 0),
    # J = F ∘ Uᵀ·Ū, K = F ∘ Vᵀ·V̄ and F_ij = 1/(s_j² − s_i²): the transpose of _svd_jvp. The
    # projections vanish when U (or V) is square, and are skipped there so that a zero singular
    # value does no harm. F is formed only when U or V received a gradient: S's term is defined
    # at repeated values. For real matrices the ops are the real rule's, in its order, so that
    # its results stay the same to the bit.
    rows, cols = x.shape[-2:]
    u_bar, s_bar, vh_bar = grad_outs
    u, s, vh = outs
    u_conj, vh_conj = _conj(u), _conj(vh)
    v = vh_conj.mT  # V = Vhᴴ
    inner = 0 if s_bar is None else _row(s_bar) * constant_like(
        np.eye(s.shape[-1], dtype=s.dtype), s)
    if u_bar is None and vh_bar is None:
        return matmul(matmul(u_conj, inner), vh_conj)
    u_bar = u_bar if u_bar is not None else 0 * u
    v_bar = conjugate_transpose(vh_bar) if vh_bar is not None else 0 * v
    gaps = _inverse_gaps(s * s, "svd")
    j, k = gaps * matmul(u.mT, u_bar), gaps * matmul(v.mT, v_bar)
    inner = inner + (j + conjugate_transpose(j)) * _row(s) + _column(s) * (
        k + conjugate_transpose(k))
    if complex_parts.is_complex(x):
        phase = complex_parts.imag(reductions.sum(u * u_bar, axis=-2)) / s
        inner = inner + _row(phase * 1j) * np.eye(s.shape[-1])
    grad_x = matmul(matmul(u_conj, inner), vh_conj)
    if rows > s.shape[-1]:
        grad_x = grad_x + matmul(
            (u_bar - matmul(u_conj, matmul(u.mT, u_bar))) / _row(s), vh_conj)
    if cols > s.shape[-1]:
        grad_x = grad_x + matmul(u_conj / _row(s), conjugate_transpose(
            v_bar - matmul(_conj(v), matmul(vh_conj, v_bar))))
    return grad_x


def _svd_jvp(x_dot, outs, x):
    # With P = Uᴴ·Ȧ·V: Ṡ = Re diag(P), U̇ = U·(F ∘ (P·S + S·Pᴴ) + diag(i·Im Pᵢᵢ/sᵢ))
    # + (I − UUᴴ)·Ȧ·V·S⁻¹, V̇ = V·(F ∘ (S·P + Pᴴ·S)) + (I − VVᴴ)·Ȧᴴ·U·S⁻¹; the diag(i·…) term,
    # 0 for real matrices, fixes the pair's joint phase. For real matrices the ops are the real
    # rule's, in its order, so that its results stay the same to the bit.
    rows, cols = x.shape[-2:]
    u, s, vh = outs
    v = conjugate_transpose(vh)
    gaps = _inverse_gaps(s * s, "svd")
    p = matmul(matmul(conjugate_transpose(u), x_dot), v)
    s_dot = _diagonal_projection(u, x_dot, v)
    u_inner = gaps * (p * _row(s) + _column(s) * conjugate_transpose(p))
    if complex_parts.is_complex(x):
        diagonal = reductions.sum(_conj(u) * matmul(x_dot, v), axis=-2)
        u_inner = u_inner + _row(complex_parts.imag(diagonal) * 1j / s) * np.eye(s.shape[-1])
    u_dot = matmul(u, u_inner)
    v_dot = matmul(v, gaps * (_column(s) * p + conjugate_transpose(p) * _row(s)))
    if rows > s.shape[-1]:
        u_dot = u_dot + (matmul(x_dot, v) - matmul(u, p)) / _row(s)
    if cols > s.shape[-1]:
        v_dot = v_dot + (matmul(conjugate_transpose(x_dot), u)
                         - matmul(v, conjugate_transpose(p))) / _row(s)
    return u_dot, s_dot, conjugate_transpose(v_dot)


_svd_op = multiple_outputs(
    "svd", _svd, ("U", "S", "Vh"), vjp=_svd_vjp, jvp=_svd_jvp, supports_complex=True,
)


def _singular_values_vjp(grad_out, out, x):
    u, _, vh = _svd_op(x)
    return matmul(_conj(u) * _row(grad_out), _conj(vh))  # conj(U·diag(grad)·Vᴴ)


def _singular_values_jvp(x_dot, out, x):
    u, _, vh = _svd_op(x)
    return _diagonal_projection(u, x_dot, conjugate_transpose(vh))


# The values alone are a primitive of their own: NumPy skips U and V for them.
_singular_values_op = primitive(
    "svdvals", lambda x: np.linalg.svd(x, compute_uv=False),
    vjp=_singular_values_vjp, jvp=_singular_values_jvp, supports_complex=True,
)


def svdvals(x):
    """The singular values (descending), as ``numpy.linalg.svdvals``; gradient U·diag(grad)·Vh
    (for complex A, its conjugate: docs/complex.md).

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
    otherwise) and, for a non-square or complex A, nonzero ones. The signs of singular vector
    pairs (for complex A, their joint phases) are arbitrary: differentiate what does not
    depend on them (U·diag·Vh, u·uᴴ, |u|², S).

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
