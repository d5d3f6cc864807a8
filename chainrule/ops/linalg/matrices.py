"""What the linalg ops share about matrices: shape checks for (..., m, n) stacks, and the
symmetric part, which is the gradient w.r.t. a matrix that is taken to be symmetric."""

from __future__ import annotations

from chainrule.ops import shape


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


def as_matrix_stack(values):
    """``values`` (..., k) with two size-1 axes added: (..., 1, 1), to scale each matrix."""
    return shape.expand_dims(values, (-2, -1))


__all__ = ["as_matrix_stack", "matrix_shape", "square_shape", "symmetric_part"]
