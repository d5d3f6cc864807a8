"""eigh as SciPy gives it: the eigenvalues (ascending) and B-orthonormal eigenvectors of the
symmetric problem A·v = λ·B·v (B = I by default), reading one triangle of A and of B.

One rule covers both problems: with C = Vᵀ·Ȧ·V and D = Vᵀ·Ḃ·V, λ̇ = diag(C) − λ∘diag(D) and
V̇ = V·(F∘(C − D·Λ) − ½·I∘D), F_ij = 1/(λ_j − λ_i) off the diagonal; D = 0 for the standard one.
A subset of the eigenvectors moves along all the others: its rules use the whole eigenbasis.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg

from chainrule.ops import reductions, shape
from chainrule.ops.contraction import matmul
from chainrule.ops.elementwise import comparison, piecewise
from chainrule.primitive import is_tensor, multiple_outputs, primitive, value_of
from chainrule.scipy.linalg.triangular import symmetric_from_triangle, triangle_adjoint
from chainrule.scipy.real_inputs import refuse_complex


def _diagonal_matrix(values):
    return shape.expand_dims(values, -2) * np.eye(values.shape[-1], dtype=values.dtype)


def _inverse_gaps(values, basis_values, own):
    # G_jk = 1/(λ_k − μ_j) over the eigenvalues μ of the basis, 0 at λ_k's own; NaN where
    # another eigenvalue equals λ_k (the vectors' derivative is undefined there), with a
    # warning that says so. The ties are found by a comparison, an op like any other.
    gaps = piecewise.where(own, 1, shape.expand_dims(values, -2)
                           - shape.expand_dims(basis_values, -1))
    tied = comparison.equal(gaps, 0)
    if np.any(value_of(tied)):
        warnings.warn("eigh: repeated eigenvalues, where the derivative of the eigenvectors is "
                      "undefined; the gradient is NaN", RuntimeWarning, stacklevel=3)
    inverse = piecewise.where(own, 0, 1 / piecewise.where(tied, 1, gaps))
    return piecewise.where(tied, np.nan, inverse)


def _basis(a, b, values, vectors, params):
    """(W, μ, own): every eigenvector and eigenvalue, and where each of ``values`` stands among
    them. A subset's vectors move along the others too, so a subset asks SciPy for them all."""
    if params["subset_by_index"] is None and params["subset_by_value"] is None:
        return vectors, values, np.eye(values.shape[-1], dtype=bool)
    whole = {**params, "subset_by_index": None, "subset_by_value": None}
    basis_values, basis = _eigh_op(a, b, **whole)
    distance = np.abs(np.asarray(value_of(basis_values))[..., :, None]
                      - np.asarray(value_of(values))[..., None, :])
    nearest = np.argmin(distance, axis=-2)[..., None, :]
    return basis, basis_values, np.arange(distance.shape[-2])[:, None] == nearest


def _eigh_vjp(wrt_b, grad_outs, outs, a, b, **params):
    # Ā = V·diag(w̄)·Vᵀ + W·(G∘K)·Vᵀ and B̄ = −V·(diag(w̄∘λ) + ½·I∘Vᵀ·V̄)·Vᵀ − W·((G∘K)·Λ)·Vᵀ
    # with K = Wᵀ·V̄ (W = V for the whole spectrum), gathered into the triangle read. The
    # values' terms alone stay defined at repeated eigenvalues: G is formed only when the
    # vectors received a gradient.
    (grad_values, grad_vectors), (values, vectors) = grad_outs, outs
    scale = -shape.expand_dims(values, -2) if wrt_b else 1
    own = 0 if grad_values is None else _diagonal_matrix(grad_values) * scale
    grad = 0
    if grad_vectors is not None:
        basis, basis_values, mask = _basis(a, b, values, vectors, params)
        coupling = _inverse_gaps(values, basis_values, mask) * matmul(basis.mT, grad_vectors)
        grad = matmul(matmul(basis, coupling * scale), vectors.mT)
        if wrt_b:
            own = own - 0.5 * _diagonal_matrix(reductions.sum(vectors * grad_vectors, axis=-2))
    if grad_values is not None or (wrt_b and grad_vectors is not None):
        grad = grad + matmul(matmul(vectors, own), vectors.mT)
    return triangle_adjoint((grad + grad.mT) * 0.5, params["lower"])


def _eigh_jvp(wrt_b, x_dot, outs, a, b, **params):
    # With M = A (or B): λ̇ = diag(Vᵀ·Ṁ·V) (or −λ∘that), V̇ = W·(G∘Wᵀ·Ṁ·V) (or
    # −W·((G∘Wᵀ·Ṁ·V)·Λ) − ½·V·diag(Vᵀ·Ṁ·V)).
    values, vectors = outs
    moved = matmul(symmetric_from_triangle(x_dot, params["lower"]), vectors)
    diagonal = reductions.sum(vectors * moved, axis=-2)
    basis, basis_values, mask = _basis(a, b, values, vectors, params)
    coupling = _inverse_gaps(values, basis_values, mask) * matmul(basis.mT, moved)
    if not wrt_b:
        return diagonal, matmul(basis, coupling)
    row = shape.expand_dims(values, -2)
    return -values * diagonal, (-matmul(basis, coupling * row)
                                - 0.5 * vectors * shape.expand_dims(diagonal, -2))


def _eigh(a, b, **params):
    return tuple(scipy.linalg.eigh(a, b, **params))


_eigh_op = multiple_outputs(
    "scipy_eigh", _eigh, ("eigenvalues", "eigenvectors"),
    vjp=(lambda *args, **params: _eigh_vjp(False, *args, **params),
         lambda *args, **params: _eigh_vjp(True, *args, **params)),
    jvp=(lambda *args, **params: _eigh_jvp(False, *args, **params),
         lambda *args, **params: _eigh_jvp(True, *args, **params)),
    inputs=("a", "b"),
)


def _eigenvalues_vjp(wrt_b, grad_out, out, a, b, **params):
    values, vectors = _eigh_op(a, b, **params)
    return _eigh_vjp(wrt_b, (grad_out, None), (values, vectors), a, b, **params)


def _eigenvalues_jvp(wrt_b, x_dot, out, a, b, **params):
    _, vectors = _eigh_op(a, b, **params)
    diagonal = reductions.sum(vectors * matmul(symmetric_from_triangle(x_dot, params["lower"]),
                                               vectors), axis=-2)
    return -out * diagonal if wrt_b else diagonal


# The values alone are a primitive of their own: SciPy skips the vectors for them, and its
# values can then differ from those computed with the vectors in the last bits.
_eigenvalues_op = primitive(
    "scipy_eigvalsh",
    lambda a, b, **params: scipy.linalg.eigh(a, b, eigvals_only=True, **params),
    vjp=(lambda *args, **params: _eigenvalues_vjp(False, *args, **params),
         lambda *args, **params: _eigenvalues_vjp(True, *args, **params)),
    jvp=(lambda *args, **params: _eigenvalues_jvp(False, *args, **params),
         lambda *args, **params: _eigenvalues_jvp(True, *args, **params)),
    inputs=("a", "b"),
)


def eigh(a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
         type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """(w, v): eigenvalues (ascending) and eigenvectors of A·v = λ·B·v, as
    ``scipy.linalg.eigh``; w alone with ``eigvals_only=True``.

    A (and B) are symmetric, B positive definite; B = I when not given. SciPy reads one
    triangle of each (lower by default, upper with ``lower=False``): the gradient flows into
    that triangle alone (an off-diagonal entry there stands for both a_ij and a_ji). The
    eigenvectors are B-orthonormal; each one's sign is arbitrary, so differentiate what does
    not depend on it (v·vᵀ, V·diag·Vᵀ, |v|). Their derivative needs distinct eigenvalues: at
    a repeated one it is NaN, with a RuntimeWarning; the eigenvalues' derivative is defined
    there too.

    Args:
        type: 1 (A·v = λ·B·v) is differentiated; 2 and 3 are refused for tensors.
        subset_by_index, subset_by_value: some eigenpairs only, as in SciPy. Their values
            differentiate alone; their vectors move along all the others, so their derivative
            asks SciPy for the whole spectrum.
        driver, check_finite: handed to SciPy. overwrite_a, overwrite_b: accepted for SciPy's
            signature; chainrule never writes into its inputs.

    Raises:
        TypeError: for a complex tensor.
        ValueError: for type 2 or 3 with tensors.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import eigh
        >>> w, v = eigh(cr.tensor([[2.0, 1.0], [1.0, 2.0]]))
        >>> w
        tensor([1., 3.])
    """
    refuse_complex("eigh", a, b)
    if type != 1 and (is_tensor(a) or is_tensor(b)):
        raise ValueError(f"eigh: chainrule differentiates type=1 (A·v = λ·B·v) only, got "
                         f"type={type!r}")
    params = dict(lower=bool(lower), type=type, check_finite=check_finite,
                  subset_by_index=subset_by_index, subset_by_value=subset_by_value,
                  driver=driver)
    if eigvals_only:
        return _eigenvalues_op(a, b, **params)
    return _eigh_op(a, b, **params)


__all__ = ["eigh"]
