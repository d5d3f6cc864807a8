"""The eigendecomposition of general square matrices, real or complex: eig (values and unit
eigenvectors) and eigvals, as ``numpy.linalg``; complex eigenvalues follow docs/complex.md.

With A = V·diag(λ)·V⁻¹ and M = V⁻¹·Ȧ·V: λ̇ = diag(M), and V̇ = V·(F ∘ M) with
F_ij = 1/(λ_j − λ_i) (0 on the diagonal), less v·Re(vᴴ·v̇) per column, which keeps each
column's norm 1 as NumPy returns it. The phase of each eigenvector is arbitrary (NumPy's is
LAPACK's), so only functions that do not depend on it have a derivative; the rules fix it by
Im(vᴴ·v̇) = Im((F ∘ M)_jj) = 0.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from chainrule.backends import constant_like
from chainrule.ops import indexing, reductions
from chainrule.ops.contraction import matmul
from chainrule.ops.elementwise import complex_parts
from chainrule.ops.linalg import spectral
from chainrule.ops.linalg.inverse import inv
from chainrule.ops.linalg.matrices import square_shape
from chainrule.primitive import multiple_outputs, primitive, value_of

EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"])


def _diagonal_of(matrix):
    return reductions.sum(matrix * constant_like(np.eye(matrix.shape[-1]), matrix), axis=-2)


def _as_diagonal(values):
    return values[..., None, :] * constant_like(np.eye(values.shape[-1]), values)


def _inverse_gaps(values):
    # F, with NaN and a RuntimeWarning at repeated eigenvalues: eigh's, which holds for complex
    # values too.
    return spectral._inverse_gaps(values, "eig")


def _eig_jvp(x_dot, outs, x):
    values, vectors = outs
    projected = matmul(matmul(inv(vectors), x_dot), vectors)
    vectors_dot = matmul(vectors, _inverse_gaps(values) * projected)
    along = complex_parts.real(reductions.sum(
        complex_parts.conj(vectors) * vectors_dot, axis=-2, keepdims=True))
    return _diagonal_of(projected), vectors_dot - vectors * along


def _eig_vjp(grad_outs, outs, x):
    # The transpose of the JVP under Re(v̄·v̇): Ā = V⁻ᵀ·(diag(λ̄) + F ∘ Vᵀ·V̄₀)·Vᵀ, with
    # V̄₀ = V̄ − conj(V)·Re(Σᵢ V̄ᵢⱼ·Vᵢⱼ) from the norm-keeping term. Like eigh's, it forms F only
    # when the vectors received a gradient: the values' gradient stays defined at repeated ones.
    (grad_values, grad_vectors), (values, vectors) = grad_outs, outs
    inner = 0
    if grad_values is not None:
        inner = _as_diagonal(grad_values)
    if grad_vectors is not None:
        along = complex_parts.real(reductions.sum(grad_vectors * vectors, axis=-2, keepdims=True))
        kept = grad_vectors - complex_parts.conj(vectors) * along
        inner = inner + _inverse_gaps(values) * matmul(vectors.mT, kept)
    return matmul(matmul(inv(vectors).mT, inner), vectors.mT)


_eig_op = multiple_outputs(
    "eig", lambda x: tuple(np.linalg.eig(x)), ("eigenvalues", "eigenvectors"),
    vjp=_eig_vjp, jvp=_eig_jvp, supports_complex=True,
)


def _matching_vectors(x, values):
    # eig's vectors, their columns in the order of ``values`` (eigvals' own computation, whose
    # order LAPACK need not repeat exactly).
    eig_values, vectors = _eig_op(x)
    found, wanted = value_of(eig_values), value_of(values)
    if np.array_equal(found, wanted):
        return vectors
    order = np.argmin(np.abs(wanted[..., :, None] - found[..., None, :]), axis=-1)
    batch = np.indices(order.shape[:-1])
    index = (*(b[..., None, None] for b in batch), np.arange(order.shape[-1])[:, None],
             order[..., None, :])
    return indexing.getitem(vectors, index)


def _eigvals_vjp(grad_out, out, x):
    vectors = _matching_vectors(x, out)
    return matmul(matmul(inv(vectors).mT, _as_diagonal(grad_out)), vectors.mT)


def _eigvals_jvp(x_dot, out, x):
    vectors = _matching_vectors(x, out)
    return _diagonal_of(matmul(matmul(inv(vectors), x_dot), vectors))


# The values alone are a primitive of their own: NumPy's eigvals skips the vectors.
_eigvals_op = primitive(
    "eigvals", np.linalg.eigvals, vjp=_eigvals_vjp, jvp=_eigvals_jvp, reads_out=True,
    supports_complex=True,
)


def eig(a):
    """(eigenvalues, eigenvectors) of general square matrices, as ``numpy.linalg.eig``.

    The values and the unit-norm vectors (the columns) are complex unless every eigenvalue
    of a real matrix is real, as in NumPy. The vectors' derivative needs distinct
    eigenvalues: at a repeated one it is NaN, with a RuntimeWarning (the values' gradient
    stays defined). Each vector's phase (for real vectors, its sign) is arbitrary, so only
    functions that do not depend on it have a derivative: \\|vᵢⱼ\\|, vᵢⱼ/vₖⱼ, V·diag(λ)·V⁻¹.

    Example:
        >>> import chainrule as cr
        >>> values, vectors = cr.linalg.eig(cr.tensor([[2.0, 1.0], [0.0, 3.0]]))
        >>> values
        tensor([2., 3.])
    """
    square_shape(a, "eig")
    return EigResult(*_eig_op(a))


def eigvals(a):
    """The eigenvalues of general square matrices, as ``numpy.linalg.eigvals``.

    The gradient V⁻ᵀ·diag(λ̄)·Vᵀ is defined at repeated eigenvalues only where V stays
    invertible.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.eigvals(cr.tensor([[0.0, -1.0], [1.0, 0.0]]))
        tensor([0.+1.j, 0.-1.j])
    """
    square_shape(a, "eigvals")
    return _eigvals_op(a)


__all__ = ["EigResult", "eig", "eigvals"]
