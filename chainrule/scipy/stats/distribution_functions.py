"""The distribution functions behind the stats CDFs that chainrule.scipy.special lacks:
regularized incomplete gamma and beta functions and Student's t distribution function.

Values are SciPy's. Each is differentiable in its point (x, or t for stdtr); the derivative in
a shape parameter (a, b, df) has no closed form, and asking for it raises TypeError naming the
function (a shape is never silently treated as a constant). They are primitives because their
values are SciPy's series and continued fractions, which no composite of chainrule ops gives.
"""

from __future__ import annotations

import math

from scipy import special as scipy_special

from chainrule import ops
from chainrule.primitive import primitive
from chainrule.scipy import special

_LOG_PI = math.log(math.pi)
# log Γ(a + ½) − log Γ(a) − ½·log a ~ −1/(8a) + 1/(192a³) − 1/(640a⁵) + 17/(14336a⁷)
# − 31/(18432a⁹) for large a (from the Bernoulli polynomials at ½); the next term is below 1e-17
# of the result from a = 30 on.
_HALF_STEP_SERIES = (-1 / 8, 1 / 192, -1 / 640, 17 / 14336, -31 / 18432)
_HALF_STEP_FROM = 30.0


def log_gamma_half_step(a):
    """log Γ(a + ½) − log Γ(a), without the cancellation of two large gammaln at large a."""
    large = ops.greater(a, _HALF_STEP_FROM)
    near = ops.where(large, 1.0, a)
    far = ops.where(large, a, _HALF_STEP_FROM)
    u = 1 / (far * far)
    series = _HALF_STEP_SERIES[-1]
    for c in _HALF_STEP_SERIES[-2::-1]:
        series = series * u + c
    asymptotic = 0.5 * ops.log(far) + series / far
    return ops.where(large, asymptotic, special.gammaln(near + 0.5) - special.gammaln(near))


def student_t_logpdf(t, df):
    """log of Student's t density with ``df`` degrees of freedom at ``t``."""
    return (log_gamma_half_step(df * 0.5) - 0.5 * (ops.log(df) + _LOG_PI)
            - (df + 1) * 0.5 * ops.log1p(t * t / df))


def _shape_refused(function, shapes):
    def no_derivative(*args, **params):
        raise TypeError(
            f"scipy.special.{function} is not differentiable in {shapes} in chainrule: the "
            "derivative in a shape parameter has no closed form (only the one in the point is "
            f"declared). Pass {shapes} as constants (plain arrays, or .detach() them)"
        )

    return no_derivative


def _in_point(density):
    # One rule serves both modes: the contribution is the seed (grad_out or x_dot) times the
    # derivative, a density, in the point.
    def rule(seed, out, *inputs):
        return seed * density(*inputs)

    return rule


def _gamma_density(a, x):
    return ops.exp(special.xlogy(a - 1, x) - x - special.gammaln(a))


def _beta_density(a, b, x):
    return ops.exp(special.xlogy(a - 1, x) + special.xlog1py(b - 1, -x) - special.betaln(a, b))


def _declare(name, density, shapes, symbolic, doc):
    refused = _shape_refused(name, " and ".join(shapes))
    rules = (refused,) * len(shapes) + (_in_point(density),)
    point = "t" if name == "stdtr" else "x"
    return primitive(name, getattr(scipy_special, name), vjp=rules, jvp=rules,
                     inputs=(*shapes, point), symbolic=symbolic, doc=doc)


_EXAMPLE = """

    Example:
        >>> from chainrule.scipy.stats import distribution_functions as f
        >>> round(float(f.{call}), 12)
        {value}
    """

gammainc = _declare(
    "gammainc", _gamma_density, ("a",), "lowergamma(a, x)/gamma(a)",
    """P(a, x), the regularized lower incomplete gamma function, as ``scipy.special.gammainc``;
    ∂P/∂x = x^(a−1)·e^(−x)/Γ(a). Not differentiable in ``a`` (TypeError)."""
    + _EXAMPLE.format(call="gammainc(1.0, 2.0)", value="0.864664716763"),
)
gammaincc = _declare(
    "gammaincc", lambda a, x: -_gamma_density(a, x), ("a",), "uppergamma(a, x)/gamma(a)",
    """Q(a, x) = 1 − P(a, x), as ``scipy.special.gammaincc`` (accurate where Q is tiny);
    ∂Q/∂x = −x^(a−1)·e^(−x)/Γ(a). Not differentiable in ``a`` (TypeError)."""
    + _EXAMPLE.format(call="gammaincc(1.0, 2.0)", value="0.135335283237"),
)
betainc = _declare(
    "betainc", _beta_density, ("a", "b"), None,
    """I_x(a, b), the regularized incomplete beta function, as ``scipy.special.betainc``;
    ∂I/∂x = x^(a−1)·(1 − x)^(b−1)/B(a, b). Not differentiable in ``a``, ``b`` (TypeError)."""
    + _EXAMPLE.format(call="betainc(2.0, 1.0, 0.5)", value="0.25"),
)
betaincc = _declare(
    "betaincc", lambda a, b, x: -_beta_density(a, b, x), ("a", "b"), None,
    """1 − I_x(a, b), as ``scipy.special.betaincc`` (accurate where it is tiny); its derivative
    in x is −x^(a−1)·(1 − x)^(b−1)/B(a, b). Not differentiable in ``a``, ``b`` (TypeError)."""
    + _EXAMPLE.format(call="betaincc(2.0, 1.0, 0.5)", value="0.75"),
)
stdtr = _declare(
    "stdtr", lambda df, t: ops.exp(student_t_logpdf(t, df)), ("df",), None,
    """Student's t distribution function with ``df`` degrees of freedom at ``t``, as
    ``scipy.special.stdtr``; its derivative in t is the t density. Not differentiable in ``df``
    (TypeError)."""
    + _EXAMPLE.format(call="stdtr(3.0, 0.0)", value="0.5"),
)

__all__ = ["gammainc", "gammaincc", "betainc", "betaincc", "stdtr"]
