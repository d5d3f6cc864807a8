"""Matrix functions and the Sylvester equation: expm, sqrtm and solve_sylvester (A·X + X·B = Q).

expm's derivative is its Fréchet derivative L(A, E), the top-right block of
expm([[A, E], [0, A]]); SciPy computes it without the doubled matrix (expm_frechet), so it is a
primitive of its own, for speed. sqrtm's derivative solves a Sylvester equation.
"""

from __future__ import annotations

import scipy.linalg

from chainrule.ops import joining
from chainrule.ops.contraction import matmul
from chainrule.primitive import primitive
from chainrule.scipy.real_inputs import needs_derivative, refuse_complex


def _blocks(top_left, top_right, bottom_left, bottom_right):
    """The block matrix [[top_left, top_right], [bottom_left, bottom_right]] (last two axes)."""
    return joining.concatenate([
        joining.concatenate([top_left, top_right], axis=-1),
        joining.concatenate([bottom_left, bottom_right], axis=-1),
    ], axis=-2)


def _frechet_vjp_a(grad_out, out, a, e):
    # A ↦ L(A, E) is the top-right block of L([[A, E], [0, A]], diag(Ȧ, Ȧ)); its adjoint is
    # the sum of the diagonal blocks of L([[Aᵀ, 0], [Eᵀ, Aᵀ]], [[0, grad_out], [0, 0]]).
    n = a.shape[-1]
    zero = 0 * a
    doubled = _expm_frechet_op(_blocks(a.mT, zero, e.mT, a.mT), _blocks(zero, grad_out, zero, zero))
    return doubled[..., :n, :n] + doubled[..., n:, n:]


def _frechet_jvp_a(a_dot, out, a, e):
    n = a.shape[-1]
    zero = 0 * a
    doubled = _expm_frechet_op(_blocks(a, e, zero, a), _blocks(a_dot, zero, zero, a_dot))
    return doubled[..., :n, n:]


_expm_frechet_op = primitive(
    "expm_frechet",
    lambda a, e: scipy.linalg.expm_frechet(a, e, compute_expm=False),
    vjp=(_frechet_vjp_a, lambda grad_out, out, a, e: _expm_frechet_op(a.mT, grad_out)),
    jvp=(_frechet_jvp_a, lambda e_dot, out, a, e: _expm_frechet_op(a, e_dot)),
    inputs=("A", "E"),
)

_expm_op = primitive(
    "expm", scipy.linalg.expm,
    vjp=lambda grad_out, out, a: _expm_frechet_op(a.mT, grad_out),
    jvp=lambda a_dot, out, a: _expm_frechet_op(a, a_dot),
    inputs=("A",),
)


def expm(A):  # noqa: N803 -- SciPy's argument name
    """The matrix exponential e^A = Σ Aᵏ/k!, as ``scipy.linalg.expm``; A may be (..., n, n).

    The derivative is the Fréchet derivative L(A, Ȧ) (SciPy's ``expm_frechet``), and the
    gradient L(Aᵀ, grad), to any order.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import expm
        >>> expm(cr.tensor([[0.0, 1.0], [0.0, 0.0]]))
        tensor([[1., 1.],
                [0., 1.]])
    """
    refuse_complex("expm", A)
    return _expm_op(A)


def _sylvester_vjps():
    # A·X + X·B = Q: with Z solving Aᵀ·Z + Z·Bᵀ = grad_out, Q̄ = Z, Ā = −Z·Xᵀ and B̄ = −Xᵀ·Z.
    def adjoint(grad_out, a, b):
        return _solve_sylvester_op(a.mT, b.mT, grad_out)

    return (lambda grad_out, out, a, b, q: -matmul(adjoint(grad_out, a, b), out.mT),
            lambda grad_out, out, a, b, q: -matmul(out.mT, adjoint(grad_out, a, b)),
            lambda grad_out, out, a, b, q: adjoint(grad_out, a, b))


_solve_sylvester_op = primitive(
    "solve_sylvester", scipy.linalg.solve_sylvester,
    vjp=_sylvester_vjps(),
    # A·Ẋ + Ẋ·B = Q̇ − Ȧ·X − X·Ḃ
    jvp=(lambda a_dot, out, a, b, q: _solve_sylvester_op(a, b, -matmul(a_dot, out)),
         lambda b_dot, out, a, b, q: _solve_sylvester_op(a, b, -matmul(out, b_dot)),
         lambda q_dot, out, a, b, q: _solve_sylvester_op(a, b, q_dot)),
    inputs=("a", "b", "q"), reads_out=True,
)


def solve_sylvester(a, b, q):
    """X with A·X + X·B = Q, as ``scipy.linalg.solve_sylvester``.

    Differentiable in A, B and Q; every derivative is another Sylvester equation (with Aᵀ and
    Bᵀ for the gradients). It needs A and −B to share no eigenvalue, as the solution does.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import solve_sylvester
        >>> solve_sylvester(cr.tensor([[1.0]]), cr.tensor([[2.0]]), cr.tensor([[6.0]]))
        tensor([[2.]])
    """
    refuse_complex("solve_sylvester", a, b, q)
    return _solve_sylvester_op(a, b, q)


def _sqrtm(a, real):
    out = scipy.linalg.sqrtm(a)
    if real and out.dtype.kind == "c":
        raise ValueError("sqrtm: this matrix's square root is complex (a negative real "
                        "eigenvalue), and chainrule differentiates real square roots only; pass "
                        ".detach() (or a NumPy array) for SciPy's value")
    return out


_sqrtm_op = primitive(
    "sqrtm", _sqrtm,
    # X·Ẋ + Ẋ·X = Ȧ; the gradient solves Xᵀ·Z + Z·Xᵀ = grad_out.
    vjp=lambda grad_out, out, a, real: _solve_sylvester_op(out.mT, out.mT, grad_out),
    jvp=lambda a_dot, out, a, real: _solve_sylvester_op(out, out, a_dot),
    inputs=("A",), reads_inputs=False, reads_out=True,
)


def sqrtm(A):  # noqa: N803 -- SciPy's argument name
    """The principal square root X of A (X·X = A), as ``scipy.linalg.sqrtm``.

    The derivative solves the Sylvester equation X·Ẋ + Ẋ·X = Ȧ, which needs X and −X to share
    no eigenvalue (A invertible, none on the negative real axis). SciPy's deprecated ``disp``
    and ``blocksize`` are not taken.

    Raises:
        TypeError: for a complex tensor that needs a derivative.
        ValueError: for a real tensor whose square root is complex, that needs
            a derivative.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy.linalg import sqrtm
        >>> sqrtm(cr.tensor([[4.0, 0.0], [0.0, 9.0]]))
        tensor([[2., 0.],
                [0., 3.]])
    """
    refuse_complex("sqrtm", A)
    return _sqrtm_op(A, real=needs_derivative(A))


__all__ = ["expm", "solve_sylvester", "sqrtm"]
