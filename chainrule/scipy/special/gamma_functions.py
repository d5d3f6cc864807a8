"""The gamma family: log|Γ|, Γ, the digamma ψ and its derivatives ψ⁽ⁿ⁾, the multivariate
log-gamma, and the beta function B(a, b) and log|B|.

Values are SciPy's; each derivative is the next function of the family (gammaln′ = ψ,
ψ⁽ⁿ⁾′ = ψ⁽ⁿ⁺¹⁾), so every order is available.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray
from scipy import special as scipy_special

from chainrule.ops import joining, reductions
from chainrule.primitive import elementwise, elementwise_binary, primitive, value_of


def _next_order(seed, out, n, x):
    return seed * _polygamma_op(n + 1, x)


# n, the order of the derivative, is an input without a derivative (an integer or an array of
# them), so that the op reads as SciPy's and SymPy's polygamma(n, x).
_polygamma_op = primitive(
    "polygamma", scipy_special.polygamma, vjp=(None, _next_order), jvp=(None, _next_order),
    inputs=("n", "x"), symbolic="polygamma(n, x)",
)


def polygamma(n, x):
    """ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function, as ``scipy.special.polygamma``.

    Differentiable in ``x`` (its derivative is ψ⁽ⁿ⁺¹⁾); ``n``, a non-negative integer or an
    array of them, is a constant.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> x = cr.tensor(2.0, requires_grad=True)
        >>> special.polygamma(1, x).backward()
        >>> round(float(x.grad), 6)   # ψ⁽²⁾(2) = −2ζ(3) + 2
        -0.404114
    """
    return _polygamma_op(value_of(n), x)


digamma = elementwise(
    "digamma", scipy_special.psi, lambda x, out: _polygamma_op(1, x),
    symbolic="polygamma(0, x)",
    doc="""ψ(x) = d/dx log Γ(x), as ``scipy.special.digamma`` (also ``psi``); ψ′ = ψ⁽¹⁾.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.digamma(cr.tensor([1.0, 2.0]))
        tensor([-0.57721566,  0.42278434])
    """,
)
psi = digamma

gammaln = elementwise(
    "gammaln", scipy_special.gammaln, lambda x, out: digamma(x), symbolic="loggamma(x)",
    doc="""log|Γ(x)|, as ``scipy.special.gammaln``, without overflow; its derivative is ψ(x).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> x = cr.tensor([1.0, 200.0], requires_grad=True)
        >>> special.gammaln(x).detach()
        tensor([  0.        , 857.93366983])
        >>> special.gammaln(x).sum().backward()
        >>> x.grad
        tensor([-0.57721566,  5.29581528])
    """,
)

gamma = elementwise(
    "gamma", scipy_special.gamma, lambda x, out: out * digamma(x), symbolic="gamma(x)",
    reads_out=True,
    doc="""Γ(x), as ``scipy.special.gamma``; Γ′(x) = Γ(x)·ψ(x).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.gamma(cr.tensor([0.5, 5.0]))
        tensor([ 1.77245385, 24.        ])
    """,
)


def multigammaln(a, d):
    """log Γ_d(a) = d(d − 1)/4·log π + Σⱼ log Γ(a − (j − 1)/2), as ``scipy.special.multigammaln``.

    Composed of :func:`gammaln`, summed in SciPy's order, so the values are SciPy's. ``d`` is a
    positive integer (not differentiable).

    Raises:
        ValueError: ``d`` is not an integer, or some a ≤ (d − 1)/2, as SciPy.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.multigammaln(cr.tensor(23.5), 10)
        tensor(457.17667478)
    """
    d = asarray(d)[()]
    if not np.isscalar(d) or np.floor(d) != d:
        raise ValueError("d should be a positive integer (dimension)")
    if np.any(asarray(value_of(a)) <= 0.5 * (d - 1)):
        raise ValueError(f"condition a ({value_of(a)}) > 0.5 * (d-1) ({0.5 * (d - 1)}) not met")
    shifted = joining.stack([a - (j - 1.0) / 2 for j in range(1, int(d) + 1)])
    return reductions.sum(gammaln(shifted), axis=0) + (d * (d - 1) * 0.25) * np.log(np.pi)


def _beta_share(a, b):
    return digamma(a) - digamma(a + b)


beta = elementwise_binary(
    "beta", scipy_special.beta,
    lambda a, b, out: out * _beta_share(a, b), lambda a, b, out: out * _beta_share(b, a),
    inputs=("a", "b"), symbolic="beta(a, b)", reads_out=True,
    doc="""B(a, b) = Γ(a)Γ(b)/Γ(a + b), as ``scipy.special.beta``; ∂B/∂a = B·(ψ(a) − ψ(a + b)).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.beta(cr.tensor(2.0), cr.tensor([3.0, 0.5]))
        tensor([0.08333333, 1.33333333])
    """,
)

betaln = elementwise_binary(
    "betaln", scipy_special.betaln,
    lambda a, b, out: _beta_share(a, b), lambda a, b, out: _beta_share(b, a),
    inputs=("a", "b"), symbolic="log(Abs(beta(a, b)))",
    doc="""log|B(a, b)|, as ``scipy.special.betaln``; ∂/∂a = ψ(a) − ψ(a + b).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.betaln(cr.tensor(2.0), cr.tensor([3.0, 1000.0]))
        tensor([ -2.48490665, -13.81651006])
    """,
)


__all__ = ["gammaln", "gamma", "digamma", "psi", "polygamma", "multigammaln", "beta", "betaln"]
