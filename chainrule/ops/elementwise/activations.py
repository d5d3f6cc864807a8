"""Smooth activation functions: sigmoid, elu, gelu and softplus, all overflow-safe.

sigmoid is declared with the exponentials (logaddexp's partials are sigmoids); relu and
leaky_relu, which have kinks, live with the other piecewise ops.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.ops.elementwise import comparison, exponential, piecewise
from chainrule.ops.elementwise.exponential import sigmoid
from chainrule.primitive import primitive


def _elu(x, alpha):
    # expm1 sees min(x, 0): the branch that where() discards never overflows for large x.
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))[()]


def _elu_derivative(x, alpha):
    # alpha·eˣ from x itself rather than out + alpha, which cancels for x ≪ 0.
    negative_part = piecewise.where(x > 0, 0, x)
    return piecewise.where(x > 0, 1, alpha * exponential.exp(negative_part))


_elu_op = primitive(
    "elu", _elu,
    vjp=lambda grad_out, out, x, alpha: grad_out * _elu_derivative(x, alpha),
    jvp=lambda x_dot, out, x, alpha: x_dot * _elu_derivative(x, alpha),
    symbolic="Piecewise((x, x > 0), (alpha*(exp(x) - 1), True))",
)


def elu(x, alpha=1.0):
    """x for x > 0, else alpha·(eˣ − 1); the derivative at 0 is alpha (as in PyTorch).

    Args:
        x: the input.
        alpha: the value elu tends to, negated, as x → −∞.

    Example:
        >>> import chainrule as cr
        >>> cr.elu(cr.tensor([-1000.0, 0.0, 2.0]))
        tensor([-1.,  0.,  2.])
    """
    return _elu_op(x, alpha=float(alpha))


_SQRT_HALF = math.sqrt(0.5)
_SQRT_TWO_OVER_PI = math.sqrt(2 / math.pi)
_GELU_FLAT = 50


def gelu(x, approximate="none"):
    """x·Φ(x), with Φ the standard normal CDF: PyTorch's exact form by default.

    With ``approximate="tanh"``: x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))/2.
    Both are written through ops that stay accurate where Φ(x) is tiny (x ≪ 0): Φ(x) =
    erfc(−x/√2)/2, and (1 + tanh u)/2 = σ(2u), so no 1 + (−1 + ε) cancels. Finite with a
    finite slope for any finite x, and gelu(−inf) = 0 with slope 0.

    Args:
        x: the input.
        approximate: ``"none"`` (the erf form) or ``"tanh"``.

    Raises:
        ValueError: for any other ``approximate``.

    Example:
        >>> import chainrule as cr
        >>> cr.gelu(cr.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.15865525,  0.        ,  0.84134475])
    """
    # Beyond ±50, Φ(x) and its approximation are exactly 0 or 1 in any float: x is held at −50
    # below, so that gelu(−inf) is −50·0 = 0, not −inf·0 = NaN, with slope 0; the cubic of the
    # tanh form sees x held within ±50 too, so x³ never overflows. The guards are wheres on
    # comparisons, which a formula reads at its point: as x itself.
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu's approximate must be 'none' or 'tanh', not {approximate!r}")
    x = piecewise.where(comparison.less(x, -_GELU_FLAT), -_GELU_FLAT, x)
    if approximate == "none":
        return 0.5 * x * exponential.erfc(-x * _SQRT_HALF)
    bounded = piecewise.where(comparison.greater(x, _GELU_FLAT), _GELU_FLAT, x)
    inner = _SQRT_TWO_OVER_PI * (bounded + 0.044715 * (bounded * bounded * bounded))
    return x * sigmoid(2 * inner)


def _softplus(x, beta):
    # log(1 + e^z) = log1p(e^(−|z|)) + max(z, 0): exact, and e^(−|z|) ≤ 1 never overflows.
    z = x * beta
    return (np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0)) / beta


_softplus_op = primitive(
    "softplus", _softplus,
    vjp=lambda grad_out, out, x, beta: grad_out * sigmoid(x * beta),
    jvp=lambda x_dot, out, x, beta: x_dot * sigmoid(x * beta),
    symbolic="log(1 + exp(beta*x))/beta",
)


def softplus(x, beta=1.0):
    """log(1 + e^(beta·x))/beta, a smooth relu, computed without overflow for any x.

    Exact everywhere: unlike PyTorch's ``threshold``, there is no switch to x for large
    beta·x, and no jump there.

    Args:
        x: the input.
        beta: the sharpness (any nonzero number; larger is closer to relu).

    Raises:
        ValueError: if beta is 0.

    Example:
        >>> import chainrule as cr
        >>> cr.softplus(cr.tensor([-1000.0, 0.0, 3.0]))
        tensor([0.        , 0.69314718, 3.04858735])
    """
    beta = float(beta)
    if beta == 0:
        raise ValueError("softplus needs a nonzero beta (it divides by beta)")
    return _softplus_op(x, beta=beta)


__all__ = ["sigmoid", "elu", "gelu", "softplus"]
