"""How far a matrix is from singular: the condition number cond (differentiable, composed of
svdvals, inv and norm) and the rank matrix_rank (an integer: its value only)."""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray
from chainrule.ops.elementwise import comparison, piecewise
from chainrule.ops.linalg import spectral
from chainrule.ops.linalg.inverse import inv
from chainrule.ops.linalg.matrices import matrix_shape, square_shape
from chainrule.ops.linalg.norms import norm
from chainrule.primitive import nondifferentiable, value_of
from chainrule.modes import refuse_escape
from chainrule.tensor import is_tensor, tensor


def cond(x, p=None):
    """κ(A) = ‖A‖·‖A⁻¹‖ in the norm ``p``, as ``numpy.linalg.cond``.

    p None, 2 or -2 takes it from the singular values (s_max/s_min, or its inverse for -2),
    any matrix norm of :func:`norm` otherwise ('fro', 'nuc', 1, -1, inf, -inf; A square).
    The derivative is that of those pieces. A singular matrix has κ = inf, as in NumPy, and
    no derivative there: with p None/±2 the gradient is NaN, with another p the value is
    NumPy's, a constant.

    Raises:
        numpy.linalg.LinAlgError: for an empty matrix, where κ is not defined.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.cond(cr.tensor([[2.0, 0.0], [0.0, 0.5]]))
        tensor(4.)
    """
    x = x if is_tensor(x) else asarray(x)
    x_shape = matrix_shape(x, "cond")
    if 0 in x_shape[-2:]:
        raise np.linalg.LinAlgError("cond is not defined on empty arrays")
    with np.errstate(all="ignore"):
        if p is None or p in (2, -2):
            values = spectral.svdvals(x)
            largest, smallest = values[..., 0], values[..., -1]
            out = smallest / largest if p == -2 else largest / smallest
        else:
            square_shape(x, "cond")
            try:
                inverse = inv(x)
            except np.linalg.LinAlgError:
                return _singular_cond(x, p)
            out = norm(x, p, axis=(-2, -1)) * norm(inverse, p, axis=(-2, -1))
    # As NumPy: a NaN from a singular matrix is inf, one from a NaN in A stays NaN.
    singular = comparison.logical_and(
        comparison.isnan(out),
        comparison.logical_not(comparison.any(comparison.isnan(x), axis=(-2, -1))))
    return piecewise.where(singular, np.inf, out)


def _singular_cond(x, p):
    # A⁻¹ does not exist: κ is NumPy's value (inf where A is singular), with no derivative.
    if not is_tensor(x):
        return np.linalg.cond(x, p)
    refuse_escape(x.node, "cond of a singular matrix, a value only,")
    out = np.linalg.cond(value_of(x), p)
    return tensor(out, dtype=out.dtype)


_matrix_rank_op = nondifferentiable(
    "matrix_rank",
    lambda a, tol, hermitian, rtol: np.linalg.matrix_rank(a, tol, hermitian, rtol=rtol),
    inputs=("A",),
)


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):  # noqa: N803 -- NumPy's name
    """The rank of each matrix (the count of singular values above the tolerance), as
    ``numpy.linalg.matrix_rank``: an integer, so its value only (no derivative).

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.matrix_rank(cr.tensor([[1.0, 2.0], [2.0, 4.0]]))
        tensor(1)
    """
    return _matrix_rank_op(A, tol=tol, hermitian=hermitian, rtol=rtol)


__all__ = ["cond", "matrix_rank"]
