"""What the linalg ops share about matrices: shape checks for (..., m, n) stacks, the
symmetric (for complex, Hermitian) part, the conjugate transpose, the symmetric or Hermitian
matrix that one triangle names, and the refusal of complex input where a rule is written for
real matrices only."""

from __future__ import annotations

import numpy as np

from chainrule.backends import constant_like
from chainrule.ops import shape
from chainrule.ops.elementwise import complex_parts, piecewise
from chainrule.tensor import is_tensor


def matrix_shape(x, op):
    """The shape of ``x``, which must be a matrix or a stack of them, shape (..., m, n)."""
    x_shape = shape.shape_of(x)
    if len(x_shape) < 2:
        raise ValueError(f"{op} needs a matrix or a stack of matrices (shape (..., m, n)), got "
                         f"shape {x_shape}")
    return x_shape


def square_shape(x, op):
    """The shape of ``x``, which must be a stack of square matrices, shape (..., n, n)."""
    x_shape = matrix_shape(x, op)
    if x_shape[-1] != x_shape[-2]:
        raise ValueError(f"{op} needs square matrices in the last two axes, got shape {x_shape}")
    return x_shape


def symmetric_part(x):
    """(X + Xᵀ) / 2 over the last two axes."""
    return (x + x.mT) * 0.5


def conjugate_transpose(x):
    """Xᴴ over the last two axes: Xᵀ for a real X, with no extra op."""
    return complex_parts.conj(x).mT if complex_parts.is_complex(x) else x.mT


def hermitian_part(x):
    """(X + Xᴴ) / 2 over the last two axes: the symmetric part of a real X.

    As a map of complex matrices it is R-linear and its own transpose under Re(X̄·Ẋ)
    (docs/complex.md), so the rules of eigh and cholesky apply it to tangents and cotangents
    alike."""
    if not complex_parts.is_complex(x):
        return symmetric_part(x)
    return (x + conjugate_transpose(x)) * 0.5


def as_matrix_stack(values):
    """``values`` (..., k) with two size-1 axes added: (..., 1, 1), to scale each matrix."""
    return shape.expand_dims(values, (-2, -1))


def triangle_mask(n, lower=True, diagonal=True):
    """The (n, n) boolean mask of the lower (or upper) triangle, with or without the diagonal."""
    offset = 0 if diagonal else 1
    mask = np.tri(n, k=-offset, dtype=bool)
    return mask if lower else mask.T


def symmetric_from_triangle(x, UPLO, op):  # noqa: N803 -- NumPy's argument name
    """The symmetric matrix that the triangle UPLO ('L' or 'U') of ``x`` names; for a complex
    ``x`` the Hermitian one, whose other triangle is the conjugate mirror image, as LAPACK reads.

    eigh, eigvalsh, cholesky and pinv(hermitian=True) read one triangle only: composing them
    with this makes the gradient flow into that triangle alone, for symmetric (Hermitian) and
    other x alike.
    """
    triangle = UPLO.upper() if isinstance(UPLO, str) else UPLO
    if triangle not in ("L", "U"):
        raise ValueError(f"{op}: UPLO must be 'L' or 'U', got {UPLO!r}")
    mask = constant_like(triangle_mask(shape.shape_of(x)[-1], lower=triangle == "L"), x)
    mirror = shape.swapaxes(x, -1, -2)
    if complex_parts.is_complex(x):
        mirror = complex_parts.conj(mirror)
    return piecewise.where(mask, x, mirror), triangle


def refuse_complex(op, *xs):
    """A TypeError naming ``op`` for a complex tensor that needs a derivative: its rules are
    written for real matrices."""
    for x in xs:
        if is_tensor(x) and x.dtype.kind == "c" and (x.requires_grad or x.tangents):
            raise TypeError(f"{op}: chainrule differentiates {op} of real matrices only, and a "
                            "complex tensor that needs a derivative was passed; pass .detach() "
                            "for the value alone")


__all__ = [
    "as_matrix_stack", "conjugate_transpose", "hermitian_part", "matrix_shape", "refuse_complex",
    "square_shape", "symmetric_from_triangle", "symmetric_part", "triangle_mask",
]
