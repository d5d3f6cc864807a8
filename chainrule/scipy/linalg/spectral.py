"""eigh as SciPy gives it: the eigenvalues (ascending) and eigenvectors of the symmetric
problems A·v = λ·B·v (B = I by default), A·B·v = λ·v and B·A·v = λ·v, reading one triangle of A
and of B.

One rule covers them all: A'·Y = B·Y·Λ with Yᵀ·B·Y = I (A' = A, or B·A·B for types 2 and 3,
whose vectors are Y and B·Y). With C = Yᵀ·Ȧ'·Y and D = Yᵀ·Ḃ·Y, λ̇ = diag(C) − λ∘diag(D) and
Ẏ = Y·(F∘(C − D·Λ) − ½·I∘D), F_ij = 1/(λ_j − λ_i) off the diagonal; D = 0 for the standard
problem. A subset of the eigenvectors moves along all the others: its rules use every one.
"""

from __future__ import annotations

import warnings

import numpy as np

from chainrule.backends import asarray
import scipy.linalg

from chainrule.ops import reductions, shape
from chainrule.ops.contraction import matmul
from chainrule.ops.elementwise import comparison, piecewise
from chainrule.ops.linalg.inverse import solve
from chainrule.modes import refuse_escape
from chainrule.primitive import is_tensor, multiple_outputs, primitive, value_of
from chainrule.scipy.linalg.triangular import gathered, symmetric_from_triangle
from chainrule.scipy.real_inputs import refuse_complex


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


def _type_one(a, b, vectors, params):
    """(A', B, Y, A): SciPy's problem as A'·Y = B·Y·Λ, Yᵀ·B·Y = I, from the triangles read. Type
    2 (A·B·x = λ·x) is A' = B·A·B with Y = X; type 3 (B·A·x = λ·x) the same with X = B·Y."""
    a_sym = symmetric_from_triangle(a, params["lower"])
    if b is None:
        return a_sym, None, vectors, a_sym
    b_sym = symmetric_from_triangle(b, params["lower"])
    if params["type"] == 1:
        return a_sym, b_sym, vectors, a_sym
    y = vectors if params["type"] == 2 else solve(b_sym, vectors)
    return matmul(matmul(b_sym, a_sym), b_sym), b_sym, y, a_sym


def _basis(a, b, b_sym, values, y, params):
    """(W, μ, own): every eigenvector (as Y) and eigenvalue, and where each of ``values`` stands
    among them. A subset's vectors move along the others too: a subset asks SciPy for all."""
    if params["subset_by_index"] is None and params["subset_by_value"] is None:
        return y, values, np.eye(values.shape[-1], dtype=bool)
    whole = {**params, "subset_by_index": None, "subset_by_value": None}
    basis_values, basis = _eigh_op(a, b, **whole)
    if b is not None and params["type"] == 3:
        basis = solve(b_sym, basis)
    distance = np.abs(asarray(value_of(basis_values))[..., :, None]
                      - asarray(value_of(values))[..., None, :])
    nearest = np.argmin(distance, axis=-2)[..., None, :]
    return basis, basis_values, np.arange(distance.shape[-2])[:, None] == nearest


def _pulled(wrt_b, grad_values, grad_y, values, y, basis):
    # The type-1 gradient: Ā' = Y·diag(w̄)·Yᵀ + W·(G∘K)·Yᵀ, and
    # B̄ = −Y·diag(w̄∘λ + ½·diag(Yᵀ·Ȳ))·Yᵀ − W·((G∘K)·Λ)·Yᵀ, with K = Wᵀ·Ȳ (W = Y for the whole
    # spectrum). The values' terms alone stay defined at repeated eigenvalues: G is formed
    # only when the vectors received a gradient.
    scale = -values if wrt_b else 1
    own = 0 if grad_values is None else grad_values * scale  # the diagonal between Y and Yᵀ
    grad = 0
    if grad_y is not None:
        basis, basis_values, mask = basis()
        coupling = _inverse_gaps(values, basis_values, mask) * matmul(basis.mT, grad_y)
        if wrt_b:
            coupling = coupling * shape.expand_dims(scale, -2)
        grad = matmul(matmul(basis, coupling), y.mT)
        if wrt_b:
            own = own - 0.5 * reductions.sum(y * grad_y, axis=-2)
    if grad_values is not None or (wrt_b and grad_y is not None):
        grad = grad + matmul(y * shape.expand_dims(own, -2), y.mT)
    return grad


def _eigh_vjp(wrt_b, grad_outs, outs, a, b, **params):
    # Types 2 and 3 pass Ā' on through A' = B·A·B; type 3's X = B·Y gives Ȳ = B·X̄, B̄ += X̄·Yᵀ.
    (grad_values, grad_vectors), (values, vectors) = grad_outs, outs
    _, b_sym, y, a_sym = _type_one(a, b, vectors, params)
    through_b = b is not None and params["type"] != 1
    grad_y = grad_vectors
    if grad_vectors is not None and through_b and params["type"] == 3:
        grad_y = matmul(b_sym, grad_vectors)
    basis = lambda: _basis(a, b, b_sym, values, y, params)  # noqa: E731 -- formed on demand
    if not wrt_b or through_b:
        grad_a_one = _pulled(False, grad_values, grad_y, values, y, basis)
    if not wrt_b:
        grad = matmul(matmul(b_sym, grad_a_one), b_sym) if through_b else grad_a_one
    else:
        grad = _pulled(True, grad_values, grad_y, values, y, basis)
        if through_b:
            grad = grad + matmul(matmul(grad_a_one, b_sym), a_sym) + matmul(
                matmul(a_sym, b_sym), grad_a_one)
            if params["type"] == 3 and grad_vectors is not None:
                grad = grad + matmul(grad_vectors, y.mT)
    return gathered(grad, params["lower"])


def _pushed(wrt_b, m_dot, values, y, basis, vectors_too):
    # The type-1 tangent for Ṁ = Ȧ' (or Ḃ): λ̇ = diag(Yᵀ·Ṁ·Y) (or −λ∘that), Ẏ = W·(G∘Wᵀ·Ṁ·Y)
    # (or −W·((G∘Wᵀ·Ṁ·Y)·Λ) − ½·Y·diag(Yᵀ·Ṁ·Y)).
    moved = matmul(m_dot, y)
    diagonal = reductions.sum(y * moved, axis=-2)
    values_dot = -values * diagonal if wrt_b else diagonal
    if not vectors_too:
        return values_dot, None
    basis, basis_values, mask = basis()
    coupling = _inverse_gaps(values, basis_values, mask) * matmul(basis.mT, moved)
    if not wrt_b:
        return values_dot, matmul(basis, coupling)
    row = shape.expand_dims(values, -2)
    return values_dot, -matmul(basis, coupling * row) - 0.5 * y * shape.expand_dims(diagonal, -2)


def _eigh_jvp(wrt_b, x_dot, outs, a, b, vectors_too=True, **params):
    values, vectors = outs
    _, b_sym, y, a_sym = _type_one(a, b, vectors, params)
    through_b = b is not None and params["type"] != 1
    m_dot = symmetric_from_triangle(x_dot, params["lower"])
    basis = lambda: _basis(a, b, b_sym, values, y, params)  # noqa: E731 -- formed on demand
    if not wrt_b:
        a_dot_one = matmul(matmul(b_sym, m_dot), b_sym) if through_b else m_dot
        values_dot, y_dot = _pushed(False, a_dot_one, values, y, basis, vectors_too)
    else:
        values_dot, y_dot = _pushed(True, m_dot, values, y, basis, vectors_too)
        if through_b:  # Ȧ' = Ḃ·A·B + B·A·Ḃ
            product = matmul(matmul(m_dot, a_sym), b_sym)
            more = _pushed(False, product + product.mT, values, y, basis, vectors_too)
            values_dot = values_dot + more[0]
            y_dot = None if y_dot is None else y_dot + more[1]
    if y_dot is not None and through_b and params["type"] == 3:
        y_dot = matmul(b_sym, y_dot) + (matmul(m_dot, y) if wrt_b else 0)
    return values_dot, y_dot


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
    outs = _eigh_op(a, b, **params)
    return _eigh_vjp(wrt_b, (grad_out, None), outs, a, b, **params)


def _eigenvalues_jvp(wrt_b, x_dot, out, a, b, **params):
    outs = _eigh_op(a, b, **params)
    return _eigh_jvp(wrt_b, x_dot, outs, a, b, vectors_too=False, **params)[0]


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

    A (and B) are symmetric, B positive definite; B = I when not given. ``type=2`` solves
    A·B·v = λ·v and ``type=3`` B·A·v = λ·v, as in SciPy. SciPy reads one
    triangle of each (lower by default, upper with ``lower=False``): the gradient flows into
    that triangle alone (an off-diagonal entry there stands for both a_ij and a_ji). The
    eigenvectors are normalized as SciPy's (vᵀ·B·v = 1, or vᵀ·B⁻¹·v = 1 for type 3); each
    one's sign is arbitrary, so differentiate what does
    not depend on it (v·vᵀ, V·diag·Vᵀ, |v|). Their derivative needs distinct eigenvalues: at
    a repeated one it is NaN, with a RuntimeWarning; the eigenvalues' derivative is defined
    there too.

    Args:
        subset_by_index, subset_by_value: some eigenpairs only, as in SciPy. Their values
            differentiate alone; their vectors move along all the others, so their derivative
            asks SciPy for the whole spectrum.
        driver, check_finite: handed to SciPy. overwrite_a, overwrite_b: accepted for SciPy's
            signature; chainrule never writes into its inputs.

    Raises:
        TypeError: for a complex tensor.
        ValueError: for a type other than 1, 2 or 3.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import eigh
        >>> w, v = eigh(cr.tensor([[2.0, 1.0], [1.0, 2.0]]))
        >>> w
        tensor([1., 3.])
    """
    refuse_complex("eigh", a, b)
    if type not in (1, 2, 3):
        raise ValueError(f"eigh: type must be 1, 2 or 3, got {type!r}")
    params = dict(lower=bool(lower), type=type, check_finite=check_finite,
                  subset_by_index=subset_by_index, subset_by_value=subset_by_value,
                  driver=driver)
    if subset_by_value is not None:
        # How many eigenvalues fall in the interval depends on the values: a jit trace would
        # fix the count of this one call.
        for matrix in (a, b):
            if is_tensor(matrix):
                refuse_escape(matrix.node, "eigh(subset_by_value=...) (its size depends on the "
                              "values)")
    if eigvals_only:
        return _eigenvalues_op(a, b, **params)
    return _eigh_op(a, b, **params)


__all__ = ["eigh"]
