"""The Moore–Penrose pseudo-inverse A⁺ and least squares, as numpy.linalg.pinv and lstsq.

Both are primitives so that their values are NumPy's (LAPACK's SVD and gelsd) to the bit; their
rules share the derivative of A⁺, which exists where the rank of A does not change.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from chainrule.ops import reductions, shape
from chainrule.ops.contraction import matmul
from chainrule.ops.elementwise import complex_parts
from chainrule.ops.linalg.matrices import (
    conjugate_transpose, hermitian_part, matrix_shape, symmetric_from_triangle,
)
from chainrule.primitive import multiple_outputs, primitive

LstsqResult = namedtuple("LstsqResult", ["x", "residuals", "rank", "singular_values"])

# NumPy's default relative cutoff of pinv when neither rcond nor rtol is given.
_PINV_DEFAULT_RCOND = 1e-15


def _pinv_tangent(a_dot, p, a):
    # d(A⁺) = −A⁺·dA·A⁺ + A⁺·A⁺ᴴ·dAᴴ·(I − A·A⁺) + (I − A⁺·A)·dAᴴ·A⁺ᴴ·A⁺ (Golub & Pereyra
    # 1973; ᴴ is ᵀ for real A), exact wherever the rank of A stays the same; the projections
    # are applied as products, I is never formed.
    left = matmul(matmul(p, conjugate_transpose(p)), conjugate_transpose(a_dot))
    right = matmul(matmul(conjugate_transpose(a_dot), conjugate_transpose(p)), p)
    return (-matmul(matmul(p, a_dot), p) + left - matmul(matmul(left, a), p)
            + right - matmul(p, matmul(a, right)))


def _pinv_adjoint(grad_out, p, a):
    # The transpose of the map above under Re(Ḡ·Ṗ) (docs/complex.md): −A⁺ᵀ·Ḡ·A⁺ᵀ for its
    # C-linear term, and conj of (I − A·A⁺)·Ḡᵀ·A⁺·A⁺ᴴ + A⁺ᴴ·A⁺·Ḡᵀ·(I − A⁺·A) for the two
    # terms in dAᴴ, as a map M₁·dAᴴ·M₂ has the transpose Ḡ ↦ conj(M₂·Ḡᵀ·M₁).
    left = matmul(matmul(grad_out.mT, p), conjugate_transpose(p))
    right = matmul(matmul(conjugate_transpose(p), p), grad_out.mT)
    linear = -matmul(matmul(p.mT, grad_out), p.mT)
    if not complex_parts.is_complex(linear):
        return (linear + left - matmul(a, matmul(p, left))
                + right - matmul(matmul(right, p), a))
    return linear + complex_parts.conj(
        left - matmul(a, matmul(p, left)) + right - matmul(matmul(right, p), a))


def _pinv(a, rcond, hermitian):
    return np.linalg.pinv(a, rcond=rcond, hermitian=hermitian)


_pinv_op = primitive(
    "pinv", _pinv,
    vjp=lambda grad_out, out, a, rcond, hermitian: _pinv_adjoint(grad_out, out, a),
    jvp=lambda a_dot, out, a, rcond, hermitian: _pinv_tangent(a_dot, out, a),
    reads_out=True, supports_complex=True,
)


def pinv(a, rcond=None, hermitian=False, *, rtol=np._NoValue):
    """A⁺, the Moore–Penrose pseudo-inverse of each matrix, as ``numpy.linalg.pinv``.

    Singular values at most ``rcond`` (or ``rtol``: one of the two) times the largest are
    taken as zero; neither gives NumPy's 1e-15, ``rtol=None`` gives max(m, n)·eps. With
    ``hermitian=True`` only the lower triangle is read (NumPy's eigh; for a complex A the
    upper one is its conjugate mirror image), and the gradient flows into it alone. Complex A
    is differentiated too (docs/complex.md), with the conjugate transposes of A⁺'s relations.

    The derivative (Golub & Pereyra) is exact for full-rank matrices and wherever the rank
    stays constant, the singular values under the cutoff being zero (up to rounding). Where
    the rank changes (a singular value crosses the cutoff) A⁺ jumps and has no derivative;
    the rule then gives that of the rank A has at the point, which finite differences across
    the jump do not reproduce. A cutoff that drops singular values well above rounding (a
    large rcond, as a regularization) makes A⁺ that of the truncated A_k: the rule then
    gives d(A_k⁺) along dA as if dA_k = dA, leaving out how dA turns the kept singular
    vectors toward the dropped ones (of order s_dropped/s_kept).

    Raises:
        ValueError: when both rcond and rtol are given, or a is not a stack of matrices.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.pinv(cr.tensor([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]]))
        tensor([[1. , 0. , 0. ],
                [0. , 0.5, 0. ]])
    """
    rows, cols = matrix_shape(a, "pinv")[-2:]
    if rcond is None:
        if rtol is np._NoValue:
            rcond = _PINV_DEFAULT_RCOND
        elif rtol is None:
            rcond = max(rows, cols) * np.finfo(_real_dtype(a)).eps
        else:
            rcond = rtol
    elif rtol is not np._NoValue:
        raise ValueError("pinv: give rcond or rtol, not both")
    if hermitian:
        a, _ = symmetric_from_triangle(a, "L", "pinv")
        if complex_parts.is_complex(a):
            # LAPACK's eigh does not read the imaginary part of the diagonal: drop it (exactly;
            # the other entries stay bit for bit), so that it gets no gradient either.
            a = hermitian_part(a)
    return _pinv_op(a, rcond=rcond, hermitian=bool(hermitian))


def _real_dtype(a):
    dtype = np.result_type(a.dtype, np.float32) if hasattr(a, "dtype") else np.float64
    return np.finfo(dtype).dtype


# --- lstsq --------------------------------------------------------------------------------------


def _lstsq(a, b, rcond):
    return tuple(np.linalg.lstsq(a, b, rcond=rcond))


def _pinv_of(a, rcond):
    # lstsq's x is A⁺·b with lstsq's own cutoff: rcond·max s, where None means max(m, n)·eps
    # of the float64 that LAPACK computes in.
    if rcond is None:
        rcond = np.finfo(np.float64).eps * max(a.shape)
    return _pinv_op(a, rcond=rcond, hermitian=False)


def _as_columns(v):
    return v if v.ndim == 2 else shape.expand_dims(v, -1)


def _conj_errors(a, b, x):
    # conj(e) for e = b − A·x (e itself when real).
    errors = _as_columns(b) - matmul(a, _as_columns(x))
    return complex_parts.conj(errors) if complex_parts.is_complex(errors) else errors


def _residual_weights(grad_residuals, a, b, x):
    # At the least-squares solution Aᴴ·e = 0 for e = b − A·x, so the residuals ‖e_j‖² change
    # by 2·Re(e_jᴴ·(db_j − dA·x_j)): x's own change drops out. The transpose of that map under
    # Re(ḡ·ṙ), with ḡ real: columns 2·conj(e)·diag(ḡ).
    return 2 * _conj_errors(a, b, x) * grad_residuals


def _has_residuals(residuals):
    return residuals.shape[-1] != 0


def _lstsq_vjp_a(grad_outs, outs, a, b, rcond):
    grad_x, grad_residuals = grad_outs[0], grad_outs[1]
    x, residuals = outs[0], outs[1]
    grad_a = 0
    if grad_x is not None:
        grad_a = _pinv_adjoint(matmul(_as_columns(grad_x), _as_columns(b).mT), _pinv_of(a, rcond),
                               a)
    if grad_residuals is not None and _has_residuals(residuals):
        grad_a = grad_a - matmul(_residual_weights(grad_residuals, a, b, x), _as_columns(x).mT)
    return grad_a


def _lstsq_vjp_b(grad_outs, outs, a, b, rcond):
    grad_x, grad_residuals = grad_outs[0], grad_outs[1]
    x, residuals = outs[0], outs[1]
    grad_b = 0
    if grad_x is not None:
        grad_b = matmul(_pinv_of(a, rcond).mT, grad_x)
    if grad_residuals is not None and _has_residuals(residuals):
        weighted = _residual_weights(grad_residuals, a, b, x)
        grad_b = grad_b + (weighted if b.ndim == 2 else shape.squeeze(weighted, -1))
    return grad_b


def _residuals_tangent(change, outs, a, b):
    # dr_j = 2·Re(e_jᴴ·(change)_j), change = db − dA·x; an empty residual has an empty tangent.
    x, residuals = outs[0], outs[1]
    if not _has_residuals(residuals):
        return np.zeros(residuals.shape, residuals.dtype)
    out = 2 * reductions.sum(_conj_errors(a, b, x) * _as_columns(change), axis=0)
    return complex_parts.real(out) if complex_parts.is_complex(out) else out


def _lstsq_jvp_a(a_dot, outs, a, b, rcond):
    x = outs[0]
    x_dot = matmul(_pinv_tangent(a_dot, _pinv_of(a, rcond), a), b)
    return x_dot, _residuals_tangent(-matmul(a_dot, x), outs, a, b), None, None


def _lstsq_jvp_b(b_dot, outs, a, b, rcond):
    x_dot = matmul(_pinv_of(a, rcond), b_dot)
    return x_dot, _residuals_tangent(b_dot, outs, a, b), None, None


_lstsq_op = multiple_outputs(
    "lstsq", _lstsq, ("x", "residuals", "rank", "singular_values"),
    vjp=(_lstsq_vjp_a, _lstsq_vjp_b), jvp=(_lstsq_jvp_a, _lstsq_jvp_b), inputs=("a", "b"),
    no_derivative=("rank", "singular_values"), supports_complex=True,
)


def lstsq(a, b, rcond=None):
    """(x, residuals, rank, s): the x minimizing ‖b − a·x‖₂, as ``numpy.linalg.lstsq``.

    a is (m, n) and b is (m,) or (m, k). x is differentiable in a and b: x = A⁺·b, with the
    derivative of A⁺ (see :func:`pinv`), so a rank that changes has none. The residuals
    ‖b − a·x‖² per column are there, and differentiable, when a has full column rank n < m
    (an empty array otherwise, as in NumPy). The rank (a 0-d integer tensor where NumPy gives
    an int: ``int(rank)``) and the singular values of a are NumPy's values without a
    derivative (``svdvals(a)`` has one). Singular values at most
    ``rcond`` times the largest count as zero; None means max(m, n)·eps. Complex a and b are
    differentiated too (docs/complex.md); the residuals ‖e‖² are real and move by
    2·Re(eᴴ·(db − dA·x)).

    Raises:
        numpy.linalg.LinAlgError: for shapes that do not fit, as NumPy.

    Example:
        >>> import chainrule as cr
        >>> a = cr.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
        >>> x, residuals, rank, s = cr.linalg.lstsq(a, cr.tensor([2.0, 3.0, 4.0]))
        >>> x, int(rank)
        (tensor([2., 1.]), 2)
    """
    return LstsqResult(*_lstsq_op(a, b, rcond=rcond))


__all__ = ["LstsqResult", "lstsq", "pinv"]
