"""The Hurwitz zeta function ζ(x, q) = Σₖ (k + q)⁻ˣ and its derivatives in x, the log-moments
Mₘ(x, q) = Σₖ lnᵐ(k + q)·(k + q)⁻ˣ = (−1)ᵐ ∂ᵐζ/∂xᵐ, by Euler–Maclaurin (which also continues
them below x = 1, down to −1/4), and Riemann's ζ′ further down by the reflection formula.

ζ's values are SciPy's; Mₘ (m ≥ 1) has no SciPy function and is computed here. The family is
closed under both derivatives (∂Mₘ/∂x = −Mₘ₊₁, ∂Mₘ/∂q = m·Mₘ₋₁(x + 1, q) − x·Mₘ(x + 1, q)),
so every order is available.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.backends import asarray
from scipy import special as scipy_special

from chainrule.ops.elementwise import comparison, exponential, piecewise, trigonometric
from chainrule.primitive import primitive
from chainrule.scipy.special.gamma_functions import digamma, gamma

_LOG_2PI = math.log(2 * math.pi)

# Euler–Maclaurin: Σₖ₌₀^∞ f(k) = Σₖ₌₀^{N−1} f(k) + ∫_N^∞ f + f(N)/2 − Σⱼ B₂ⱼ/(2j)!·f⁽²ʲ⁻¹⁾(N).
# With N = 10 terms summed directly and 8 corrections the remainder, about
# 2·(x)₁₇·lnᵐ(u)/((2π)¹⁸·u^(x + 17)) for u = N + q, is below 1e-17 of the sum for any x > 1.
# The same expression (the integral in closed form) is the analytic continuation for x < 1;
# it stays within about 1e-14 of mpmath's values down to x = −1/4, and loses digits below.
_LOWEST = -0.25
_DIRECT_TERMS = 10
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _log_moment(order, x, q):
    # Mₘ(x, q) in float64; NaN at the pole x = 1, below x = −1/4 (where the sum loses its
    # digits) and where lnᵐ(k + q) is not real (q ≤ 0).
    with np.errstate(all="ignore"):
        x, q = np.broadcast_arrays(asarray(x, np.float64), asarray(q, np.float64))
        total = sum(_term(order, x, q + k) for k in range(_DIRECT_TERMS))
        u = q + _DIRECT_TERMS
        log_u = np.log(u)
        total = total + _tail_integral(order, x, u, log_u) + _term(order, x, u) / 2
        total = total - _derivative_corrections(order, x, u, log_u)
        return np.where((x >= _LOWEST) & (x != 1) & (q > 0), total, np.nan)


def _term(order, x, v):
    return np.log(v) ** order * v**-x


def _tail_integral(order, x, u, log_u):
    # ∫_u^∞ lnᵐ(v)·v⁻ˣ dv = u^(1 − x)·Σᵢ m!/(m − i)!·ln^(m − i)(u)/(x − 1)^(i + 1).
    parts = (
        math.factorial(order) // math.factorial(order - i) * log_u ** (order - i)
        / (x - 1) ** (i + 1)
        for i in range(order + 1)
    )
    return u ** (1 - x) * sum(parts)


def _derivative_corrections(order, x, u, log_u):
    # f⁽ⁿ⁾(u) = u^(−x − n)·Pₙ(ln u) for f = lnᵐ(u)·u⁻ˣ, with P₀ = Lᵐ and
    # Pₙ₊₁ = dPₙ/dL − (x + n)·Pₙ: the coefficients of each Pₙ, lowest degree first.
    coefficients = [np.zeros_like(x) for _ in range(order)] + [np.ones_like(x)]
    total = np.zeros_like(x)
    for n in range(2 * len(_BERNOULLI)):
        if n % 2 == 1:
            j = (n + 1) // 2
            value = np.polynomial.polynomial.polyval(log_u, coefficients, tensor=False)
            total = total + _BERNOULLI[j - 1] / math.factorial(2 * j) * value * u ** (-x - n)
        slope = [(a + 1) * c for a, c in enumerate(coefficients[1:])] + [np.zeros_like(x)]
        coefficients = [s - (x + n) * c for s, c in zip(slope, coefficients)]
    return total


def _zeta_log_moment(order, x, q):
    dtype = np.result_type(asarray(x).dtype, asarray(q).dtype, np.float32)
    return _log_moment(int(order), x, q).astype(dtype, copy=False)[()]


def _moment(order, x, q):
    # M₀ is ζ itself, SciPy's; the higher moments are the primitive below.
    return _zeta_op(x, q) if order == 0 else _log_moment_op(order, x, q)


def _moment_in_x(seed, out, order, x, q):
    return seed * -_moment(order + 1, x, q)


def _moment_in_q(seed, out, order, x, q):
    lower = order * _moment(order - 1, x + 1, q) if order > 0 else 0
    return seed * (lower - x * _moment(order, x + 1, q))


# A primitive because no composite of chainrule's ops sums the series: M₁ is ∂ζ/∂x up to sign,
# which SciPy does not provide. The order m is an input without a derivative, as polygamma's n.
_log_moment_op = primitive(
    "zeta_log_moment", _zeta_log_moment,
    vjp=(None, _moment_in_x, _moment_in_q), jvp=(None, _moment_in_x, _moment_in_q),
    inputs=("m", "x", "q"),
)


def _zeta_in_x(seed, out, x, q):
    if q is None:
        return seed * _riemann_slope(x)
    # SciPy's Hurwitz ζ is NaN for x < 1 (it sums the series only): so is its derivative.
    converges = comparison.greater(x, 1)
    slope = -_log_moment_op(1, piecewise.where(converges, x, 2.0), q)
    return seed * piecewise.where(converges, slope, np.nan)


def _riemann_slope(x):
    # ζ′(x) = −M₁(x, 1) down to x = −1/4. Below, from ζ(x) = χ(x)·ζ(1 − x) with
    # χ(x) = 2ˣπ^(x − 1)·sin(πx/2)·Γ(1 − x): ζ′(x) = ζ(x)·(ln 2π − ψ(1 − x))
    # + (2π)ˣ·Γ(1 − x)·ζ(1 − x)·cos(πx/2)/2 + χ(x)·M₁(1 − x, 1), where the cotangent of
    # (ln χ)′ is multiplied out so that the trivial zeros x = −2k give no 0·inf. (Near 0 its
    # terms cancel, around the pole of ζ(1 − x): hence the series down to −1/4.) Each branch
    # sees safe values only.
    negative = comparison.less(x, _LOWEST)
    direct = -_log_moment_op(1, piecewise.where(negative, 0.5, x), 1.0)
    s = piecewise.where(negative, x, -1.0)
    reflected_arg = 1 - s
    scale = exponential.exp(s * _LOG_2PI) * gamma(reflected_arg)
    chi = scale * trigonometric.sin(s * (math.pi / 2)) / math.pi
    reflected = (
        _zeta_op(s, None) * (_LOG_2PI - digamma(reflected_arg))
        + scale * _zeta_op(reflected_arg, None) * trigonometric.cos(s * (math.pi / 2)) / 2
        + chi * _log_moment_op(1, reflected_arg, 1.0)
    )
    return piecewise.where(negative, reflected, direct)


def _zeta_in_q(seed, out, x, q):
    return seed * (-x * _zeta_op(x + 1, q))


_zeta_op = primitive(
    "zeta", scipy_special.zeta,
    vjp=(_zeta_in_x, _zeta_in_q), jvp=(_zeta_in_x, _zeta_in_q),
    inputs=("x", "q"), symbolic="zeta(x, q)",
)


def zeta(x, q=None):
    """The Hurwitz zeta function ζ(x, q) = Σₖ (k + q)⁻ˣ (Riemann's ζ(x) = ζ(x, 1) when ``q`` is
    None), as ``scipy.special.zeta``.

    Differentiable in both arguments: ∂ζ/∂q = −x·ζ(x + 1, q), and ∂ζ/∂x = −Σₖ ln(k + q)·(k + q)⁻ˣ,
    summed by Euler–Maclaurin to about 1e-14 for x > 1, q > 0; Riemann's ζ′ also below x = 1
    (continued, and by the reflection formula below −1/4). Where SciPy's ζ(x, q) is NaN (x < 1
    with q given) and for q < 0 (ln(k + q) is not real) the derivative in x is NaN.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> x, q = cr.tensor(2.0, requires_grad=True), cr.tensor(1.0, requires_grad=True)
        >>> special.zeta(x, q).backward()
        >>> round(float(x.grad), 12), round(float(q.grad), 12)   # ζ′(2), −2·ζ(3)
        (-0.937548254316, -2.404113806319)
    """
    return _zeta_op(x, q)


__all__ = ["zeta"]
