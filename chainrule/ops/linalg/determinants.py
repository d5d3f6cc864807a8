"""Determinants: det, and slogdet for the logarithm where det itself would overflow.

The gradient of det is the cofactor matrix det(A)·A⁻ᵀ, computed from the SVD so that it stays
finite at singular matrices, where det(A)·A⁻ᵀ would be 0·∞.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from chainrule.ops.linalg.inverse import inv
from chainrule.ops.linalg.matrices import as_matrix_stack, square_shape
from chainrule.ops import reductions
from chainrule.ops.elementwise import complex_parts
from chainrule.ops.contraction import matmul
from chainrule.primitive import multiple_outputs, primitive

SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])


def _products_of_others(s):
    # ∏_{j≠i} s_j for each i, from prefix and suffix products: no division, exact at zeros.
    ones = np.ones_like(s[..., :1])
    before = np.cumprod(np.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, s[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return before * after


def _cofactor(x):
    # A = U·S·Vᴴ gives cofactor(A) = det(A)·A⁻ᵀ = det(U)·det(Vᴴ)·Ū·diag(∏_{j≠i} s_j)·V̄ᴴ
    # (the conjugates are no-ops on real matrices).
    if x.shape[-1] == 0:
        return np.zeros(x.shape, dtype=np.result_type(x.dtype, np.float32))
    u, s, vh = np.linalg.svd(x)
    orientation = np.linalg.det(u) * np.linalg.det(vh)
    others = _products_of_others(s)[..., None, :]
    return orientation[..., None, None] * ((np.conj(u) * others) @ np.conj(vh))


def _cofactor_vjp(grad_out, out, x):
    # For invertible A, cofactor(A) = det(A)·A⁻ᵀ = C and dC = tr(A⁻¹dA)·C − A⁻ᵀ·dAᵀ·C, whose
    # adjoint is ⟨grad_out, C⟩·A⁻ᵀ − C·grad_outᵀ·A⁻ᵀ. Only second derivatives of det use it.
    inverse_t = inv(x).mT
    weight = reductions.sum(grad_out * out, axis=(-2, -1), keepdims=True)
    return weight * inverse_t - matmul(matmul(out, grad_out.mT), inverse_t)


def _cofactor_jvp(x_dot, out, x):
    inverse_t = inv(x).mT
    weight = reductions.sum(inverse_t * x_dot, axis=(-2, -1), keepdims=True)
    return weight * out - matmul(matmul(inverse_t, x_dot.mT), out)


_cofactor_op = primitive(
    "cofactor", _cofactor, vjp=_cofactor_vjp, jvp=_cofactor_jvp,
    reads_out=True, supports_complex=True,
)

_det_op = primitive(
    "det", np.linalg.det,
    vjp=lambda grad_out, out, x: as_matrix_stack(grad_out) * _cofactor_op(x),
    jvp=lambda x_dot, out, x: reductions.sum(_cofactor_op(x) * x_dot, axis=(-2, -1)),
    supports_complex=True,
)


def det(x):
    """det(A) of each square matrix in the last two axes, as ``numpy.linalg.det``.

    The gradient is the cofactor matrix det(A)·A⁻ᵀ, computed from the SVD, so it is finite at
    singular matrices too. Second derivatives use A⁻¹ and need an invertible matrix.

    Example:
        >>> import chainrule as cr
        >>> a = cr.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
        >>> cr.linalg.det(a).backward()
        >>> a.grad
        tensor([[ 3., -1.],
                [-1.,  2.]])
    """
    square_shape(x, "det")
    return _det_op(x)


def _inverse_t(x):
    # log|det A| → −∞ at a singular A and its gradient A⁻ᵀ does not exist there (det's cofactor
    # stays finite, but A⁻ᵀ = cofactor/det blows up): an error that says so, not "Singular matrix".
    try:
        return inv(x).mT
    except np.linalg.LinAlgError:
        raise np.linalg.LinAlgError(
            "slogdet: log|det A| has no derivative at a singular matrix (det A = 0, "
            "log|det A| = -inf): its gradient A⁻ᵀ does not exist there"
        ) from None


# The sign carries no derivative; log|det A| has gradient A⁻ᵀ.
_slogdet_op = multiple_outputs(
    "slogdet", lambda x: tuple(np.linalg.slogdet(x)), ("sign", "logabsdet"),
    vjp=lambda grad_outs, outs, x: as_matrix_stack(grad_outs[1]) * _inverse_t(x),
    jvp=lambda x_dot, outs, x: (None, reductions.sum(_inverse_t(x) * x_dot, axis=(-2, -1))),
    no_derivative=("sign",),
)


# i as a NumPy scalar: Python's 1j times a 0-d float64 value would give a Python complex, which
# has no shape.
_I = np.complex128(1j)


def _complex_slogdet_jvp(x_dot, outs, x):
    # t = tr(A⁻¹·Ȧ) = d log det A: log|det A| moves by Re t and the phase of det A by Im t, so
    # sign = e^{i·phase} moves by i·sign·Im t.
    sign, _ = outs
    trace = reductions.sum(_inverse_t(x) * x_dot, axis=(-2, -1))
    return _I * sign * complex_parts.imag(trace), complex_parts.real(trace)


def _complex_slogdet_vjp(grad_outs, outs, x):
    # The transpose of the JVP under Re(z̄·ż): Ā = c·A⁻ᵀ with c = l̄ + i·Im(s̄·sign).
    (grad_sign, grad_log), (sign, _) = grad_outs, outs
    weight = 0
    if grad_log is not None:
        weight = grad_log
    if grad_sign is not None:
        weight = weight + _I * complex_parts.imag(grad_sign * sign)
    return as_matrix_stack(weight) * _inverse_t(x)


# A complex determinant's sign det/|det A| is a phase that moves with A, where a real one is
# piecewise constant: an op of its own, whose sign has a derivative, keeps the real op's rules
# (and speed) as they are.
_complex_slogdet_op = multiple_outputs(
    "slogdet_complex", lambda x: tuple(np.linalg.slogdet(x)), ("sign", "logabsdet"),
    vjp=_complex_slogdet_vjp, jvp=_complex_slogdet_jvp, supports_complex=True,
)


def slogdet(x):
    """(sign, log|det A|) as ``numpy.linalg.slogdet``: det = sign·exp(logabsdet), no overflow.

    The sign of a real A has no derivative; log|det A| has gradient A⁻ᵀ, and so needs an
    invertible A: at a singular one (log|det A| = −inf) the derivative raises
    ``numpy.linalg.LinAlgError`` saying so. For a complex A the sign is det/|det A| (complex,
    on the unit circle) and does have one: with t = tr(A⁻¹·Ȧ), log|det A| moves by Re t and
    the sign by i·sign·Im t (docs/complex.md).

    Example:
        >>> import chainrule as cr
        >>> sign, logabsdet = cr.linalg.slogdet(cr.tensor([[-2.0, 0.0], [0.0, 3.0]]))
        >>> sign, round(float(logabsdet), 4)
        (tensor(-1.), 1.7918)
    """
    square_shape(x, "slogdet")
    if complex_parts.is_complex(x):
        return SlogdetResult(*_complex_slogdet_op(x))
    return SlogdetResult(*_slogdet_op(x))


__all__ = ["SlogdetResult", "det", "slogdet"]
