"""The Hurwitz zeta function ζ(x, q) = Σₖ (k + q)⁻ˣ and its derivatives in x, the log-moments
Mₘ(x, q) = Σₖ lnᵐ(k + q)·(k + q)⁻ˣ = (−1)ᵐ ∂ᵐζ/∂xᵐ, summed by Euler–Maclaurin where x > 1, q > 0.

ζ's values are SciPy's; Mₘ (m ≥ 1) has no SciPy function and is computed here. The family is
closed under both derivatives (∂Mₘ/∂x = −Mₘ₊₁, ∂Mₘ/∂q = m·Mₘ₋₁(x + 1, q) − x·Mₘ(x + 1, q)),
so every order is available.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special as scipy_special

from chainrule.primitive import primitive

# Euler–Maclaurin: Σₖ₌₀^∞ f(k) = Σₖ₌₀^{N−1} f(k) + ∫_N^∞ f + f(N)/2 − Σⱼ B₂ⱼ/(2j)!·f⁽²ʲ⁻¹⁾(N).
# With N = 10 terms summed directly and 8 corrections the remainder, about
# 2·(x)₁₇·lnᵐ(u)/((2π)¹⁸·u^(x + 17)) for u = N + q, is below 1e-17 of the sum for any x > 1.
_DIRECT_TERMS = 10
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _log_moment(order, x, q):
    # Mₘ(x, q) in float64, NaN where the series does not converge (x ≤ 1) or lnᵐ(k + q) is not
    # real (q ≤ 0).
    with np.errstate(all="ignore"):
        x, q = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(q, np.float64))
        total = sum(_term(order, x, q + k) for k in range(_DIRECT_TERMS))
        u = q + _DIRECT_TERMS
        log_u = np.log(u)
        total = total + _tail_integral(order, x, u, log_u) + _term(order, x, u) / 2
        total = total - _derivative_corrections(order, x, u, log_u)
        return np.where((x > 1) & (q > 0), total, np.nan)


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
    dtype = np.result_type(np.asarray(x).dtype, np.asarray(q).dtype, np.float32)
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
    return seed * -_log_moment_op(1, x, 1.0 if q is None else q)


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
    summed by Euler–Maclaurin to about 1e-15, where the series converges: x > 1 and q > 0.
    Elsewhere (Riemann's ζ continued to x < 1, or q < 0) the derivative in x is NaN.

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
