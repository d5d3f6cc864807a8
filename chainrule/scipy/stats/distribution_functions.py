"""The distribution functions behind the stats CDFs that chainrule.scipy.special lacks:
regularized incomplete gamma and beta functions and Student's t distribution function.

Values are SciPy's. Each is differentiable in its point (x, or t for stdtr), where the
derivative is a density, and in its shape parameters (a, b, df), where it has no closed form:
there the rule calls a helper primitive that sums the function's series or continued fraction
differentiated term by term (shape_derivatives.py). The helpers are differentiable in the point
(closed forms: the density's own derivative in the shape); their derivative in a shape, the
functions' second derivative in it, raises NotImplementedError. They are primitives because
their values are SciPy's series and continued fractions, which no composite of chainrule ops
gives.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.backends import asarray
from scipy import special as scipy_special

from chainrule import ops
from chainrule.primitive import primitive
from chainrule.scipy import special
from chainrule.scipy.stats import shape_derivatives

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


def _student_t_density(df, t):
    return ops.exp(student_t_logpdf(t, df))


def _second_order_refused(function, shape):
    def no_derivative(*args, **params):
        raise NotImplementedError(
            f"the second derivative of scipy.special.{function} in {shape} is not implemented "
            f"in chainrule (its first derivative in {shape} is, in both modes; the derivative "
            "in the point of that first derivative is too)"
        )

    return no_derivative


def _in_float64(slope):
    # The helpers compute in float64 and return the inputs' floating dtype (float32 stays).
    def forward(*inputs):
        dtype = np.result_type(*(asarray(v).dtype for v in inputs), np.float32)
        return asarray(slope(*inputs)).astype(dtype, copy=False)[()]

    return forward


def _gamma_slope_in_x(seed, out, a, x):
    # ∂²P/∂a∂x = ∂/∂a of the density = density·(ln x − ψ(a)); 0 at x = 0 as the density is.
    positive = ops.greater(x, 0)
    log_x = ops.log(ops.where(positive, x, 1.0))
    return seed * ops.where(positive, _gamma_density(a, x) * (log_x - special.digamma(a)), 0.0)


# ∂P(a, x)/∂a (a primitive: no composite of ops sums the differentiated series).
_gammainc_slope = primitive(
    "gammainc_shape_derivative", _in_float64(shape_derivatives.gammainc_slope),
    vjp=(_second_order_refused("gammainc", "a"), _gamma_slope_in_x),
    jvp=(_second_order_refused("gammainc", "a"), _gamma_slope_in_x), inputs=("a", "x"),
)


def _beta_slope_forward(wrt, a, b, x):
    return _in_float64(lambda a, b, x: shape_derivatives.betainc_slope(
        a, b, x, in_a=int(wrt) == 0))(a, b, x)


def _beta_slope_in_x(seed, out, wrt, a, b, x):
    # ∂/∂a of the density: density·(ln x − ψ(a) + ψ(a + b)); ∂/∂b: ln(1 − x) − ψ(b) + ψ(a + b)
    inside = ops.logical_and(ops.greater(x, 0), ops.less(x, 1))
    x_inside = ops.where(inside, x, 0.5)
    if int(wrt) == 0:
        log_slope = ops.log(x_inside) - special.digamma(a)
    else:
        log_slope = ops.log1p(-x_inside) - special.digamma(b)
    log_slope = log_slope + special.digamma(a + b)
    return seed * ops.where(inside, _beta_density(a, b, x_inside) * log_slope, 0.0)


# ∂I_x(a, b)/∂a (wrt = 0) or ∂b (wrt = 1); wrt is an input without a derivative, as polygamma's n.
_betainc_slope = primitive(
    "betainc_shape_derivative", _beta_slope_forward,
    vjp=(None, _second_order_refused("betainc", "a"), _second_order_refused("betainc", "b"),
         _beta_slope_in_x),
    jvp=(None, _second_order_refused("betainc", "a"), _second_order_refused("betainc", "b"),
         _beta_slope_in_x),
    inputs=("wrt", "a", "b", "x"),
)


def _student_t_slope_in_t(seed, out, df, t):
    # ∂/∂df of the t density: density·∂(log density)/∂df, with
    # ∂ log f/∂df = ½(ψ((df + 1)/2) − ψ(df/2) − 1/df − log1p(t²/df) + (df + 1)t²/(df(df + t²)))
    square = t * t
    log_slope = 0.5 * (special.digamma((df + 1) * 0.5) - special.digamma(df * 0.5) - 1 / df
                       - ops.log1p(square / df) + (df + 1) * square / (df * (df + square)))
    return seed * _student_t_density(df, t) * log_slope


# ∂stdtr(df, t)/∂df: through the incomplete beta function's fraction, or near the normal its
# series in 1/df.
_stdtr_slope = primitive(
    "stdtr_shape_derivative", _in_float64(shape_derivatives.stdtr_slope),
    vjp=(_second_order_refused("stdtr", "df"), _student_t_slope_in_t),
    jvp=(_second_order_refused("stdtr", "df"), _student_t_slope_in_t), inputs=("df", "t"),
)


def _in_shape(slope, sign=1):
    def rule(seed, out, *inputs):
        return seed * (sign * slope(*inputs))

    return rule


def _declare(name, shape_rules, density, shapes, symbolic, doc):
    rules = (*shape_rules, _in_point(density))
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
    "gammainc", (_in_shape(_gammainc_slope),), _gamma_density, ("a",),
    "lowergamma(a, x)/gamma(a)",
    """P(a, x), the regularized lower incomplete gamma function, as ``scipy.special.gammainc``;
    ∂P/∂x = x^(a−1)·e^(−x)/Γ(a), and ∂P/∂a by P's series (x ≤ a + 1) or Q's continued fraction
    differentiated term by term (about 1e-13 relative; 0 at x = 0). A second derivative in
    ``a`` raises NotImplementedError."""
    + _EXAMPLE.format(call="gammainc(1.0, 2.0)", value="0.864664716763"),
)
gammaincc = _declare(
    "gammaincc", (_in_shape(_gammainc_slope, -1),), lambda a, x: -_gamma_density(a, x),
    ("a",), "uppergamma(a, x)/gamma(a)",
    """Q(a, x) = 1 − P(a, x), as ``scipy.special.gammaincc`` (accurate where Q is tiny);
    ∂Q/∂x = −x^(a−1)·e^(−x)/Γ(a) and ∂Q/∂a = −∂P/∂a (see gammainc). A second derivative in
    ``a`` raises NotImplementedError."""
    + _EXAMPLE.format(call="gammaincc(1.0, 2.0)", value="0.135335283237"),
)


def _beta_shape_rules(sign=1):
    return (_in_shape(lambda a, b, x: _betainc_slope(0, a, b, x), sign),
            _in_shape(lambda a, b, x: _betainc_slope(1, a, b, x), sign))


betainc = _declare(
    "betainc", _beta_shape_rules(), _beta_density, ("a", "b"), None,
    """I_x(a, b), the regularized incomplete beta function, as ``scipy.special.betainc``;
    ∂I/∂x = x^(a−1)·(1 − x)^(b−1)/B(a, b), and ∂I/∂a, ∂I/∂b by I's continued fraction
    differentiated term by term, on the side of the mean that x is on (about 1e-13 relative;
    0 at x = 0 and 1). A second derivative in ``a`` or ``b`` raises NotImplementedError."""
    + _EXAMPLE.format(call="betainc(2.0, 1.0, 0.5)", value="0.25"),
)
betaincc = _declare(
    "betaincc", _beta_shape_rules(-1), lambda a, b, x: -_beta_density(a, b, x), ("a", "b"),
    None,
    """1 − I_x(a, b), as ``scipy.special.betaincc`` (accurate where it is tiny); its
    derivatives are betainc's negated. A second derivative in ``a`` or ``b`` raises
    NotImplementedError."""
    + _EXAMPLE.format(call="betaincc(2.0, 1.0, 0.5)", value="0.75"),
)
stdtr = _declare(
    "stdtr", (_in_shape(_stdtr_slope),), _student_t_density, ("df",), None,
    """Student's t distribution function with ``df`` degrees of freedom at ``t``, as
    ``scipy.special.stdtr``; its derivative in t is the t density, the one in df comes from
    betainc's in a (stdtr = ½·I_(df/(df + t²))(df/2, ½) for t < 0), and near the normal
    (df ≥ 300, t⁴ ≤ df/10) from a series in 1/df: about 3e-11 relative or better up to
    df = 1e4, 5e-10 at 1e5. A second derivative in ``df`` raises NotImplementedError."""
    + _EXAMPLE.format(call="stdtr(3.0, 0.0)", value="0.5"),
)

__all__ = ["gammainc", "gammaincc", "betainc", "betaincc", "stdtr"]
