"""The continuous families: norm, t, gamma, beta, expon, laplace, logistic, cauchy and uniform,
each a location-scale family under SciPy's names, in the standardized point z = (x − loc)/scale.

Log-space forms are used wherever SciPy has them (log Φ for the normal tails, log-sigmoids for
the logistic, arctan2 for the Cauchy tails), so the far tails stay finite and accurate.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule import ops
from chainrule.scipy import special
from chainrule.scipy.stats.distribution import Continuous, log1mexp
from chainrule.scipy.stats.distribution_functions import (
    betainc, betaincc, gammainc, gammaincc, stdtr, student_t_logpdf,
)

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
_LOG_2 = math.log(2.0)
_LOG_PI = math.log(math.pi)


def _split(condition, z, fill):
    # z where the condition holds and a harmless fill elsewhere: the branch of a where that is
    # not taken then has a finite derivative (0 · inf would be NaN).
    return ops.where(condition, z, fill)


def _normal_logpdf(z):
    return z * z * -0.5 - _LOG_SQRT_2PI


class _Norm(Continuous):
    """The normal distribution, as ``scipy.stats.norm``: methods (x, loc=0, scale=1).

    logcdf and logsf are log Φ, finite far into the tails.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> x = cr.tensor([-40.0, 0.0], requires_grad=True)
        >>> out = stats.norm.logcdf(x)
        >>> [round(float(v), 6) for v in out]
        [-804.608442, -0.693147]
        >>> out.sum().backward()
        >>> [round(float(v), 6) for v in x.grad]
        [40.024969, 0.797885]
    """

    name = "norm"

    def _logpdf(self, z):
        return _normal_logpdf(z)

    def _cdf(self, z):
        return special.ndtr(z)

    def _sf(self, z):
        return special.ndtr(-z)

    def _logcdf(self, z):
        return special.log_ndtr(z)

    def _logsf(self, z):
        return special.log_ndtr(-z)


class _T(Continuous):
    """Student's t distribution, as ``scipy.stats.t``: methods (x, df, loc=0, scale=1).

    The log density's log Γ((df + 1)/2) − log Γ(df/2) is taken from its asymptotic series for
    large df (no cancellation of two large log-gammas); df = inf is the normal. cdf and sf are
    differentiable in x, loc and scale, and once in df (a second derivative in df raises
    NotImplementedError).

    Example:
        >>> from chainrule.scipy import stats
        >>> round(float(stats.t.logpdf(0.5, 1e12)), 10) == round(float(stats.norm.logpdf(0.5)), 10)
        True
    """

    name = "t"
    shapes = ("df",)

    def _logpdf(self, z, df):
        infinite = ops.isinf(df)
        finite_df = ops.where(infinite, 1.0, df)
        return ops.where(infinite, _normal_logpdf(z), student_t_logpdf(z, finite_df))

    def _cdf(self, z, df):
        infinite = ops.isinf(df)
        return ops.where(infinite, special.ndtr(z), stdtr(ops.where(infinite, 1.0, df), z))

    def _sf(self, z, df):
        return self._cdf(-z, df)


class _Gamma(Continuous):
    """The gamma distribution, as ``scipy.stats.gamma``: methods (x, a, loc=0, scale=1).

    cdf and sf (the regularized incomplete gamma functions) are differentiable in x, loc and
    scale, and once in the shape a (a second derivative in a raises NotImplementedError).

    Example:
        >>> from chainrule.scipy import stats
        >>> round(float(stats.gamma.logpdf(2.0, 3.0, scale=0.5)), 10)
        -1.2274112778
    """

    name = "gamma"
    shapes = ("a",)
    support = (0.0, np.inf)

    def _logpdf(self, z, a):
        return special.xlogy(a - 1, z) - z - special.gammaln(a)

    def _cdf(self, z, a):
        return gammainc(a, z)

    def _sf(self, z, a):
        return gammaincc(a, z)


class _Beta(Continuous):
    """The beta distribution, as ``scipy.stats.beta``: methods (x, a, b, loc=0, scale=1).

    cdf and sf (the regularized incomplete beta function) are differentiable in x, loc and
    scale, and once in a and b (a second derivative in them raises NotImplementedError).

    Example:
        >>> from chainrule.scipy import stats
        >>> round(float(stats.beta.pdf(0.5, 2.0, 2.0)), 10)
        1.5
    """

    name = "beta"
    shapes = ("a", "b")
    support = (0.0, 1.0)

    def _logpdf(self, z, a, b):
        return special.xlog1py(b - 1, -z) + special.xlogy(a - 1, z) - special.betaln(a, b)

    def _cdf(self, z, a, b):
        return betainc(a, b, z)

    def _sf(self, z, a, b):
        return betaincc(a, b, z)


class _Expon(Continuous):
    """The exponential distribution, as ``scipy.stats.expon``: methods (x, loc=0, scale=1).

    Example:
        >>> from chainrule.scipy import stats
        >>> float(stats.expon.logsf(3.0, scale=2.0))
        -1.5
    """

    name = "expon"
    support = (0.0, np.inf)

    def _logpdf(self, z):
        return -z

    def _cdf(self, z):
        return -ops.expm1(-z)

    def _sf(self, z):
        return ops.exp(-z)

    def _logsf(self, z):
        return -z

    def _logcdf(self, z):
        return log1mexp(-z)


class _Laplace(Continuous):
    """The Laplace distribution, as ``scipy.stats.laplace``: methods (x, loc=0, scale=1).

    At x = loc, where |x − loc| has a kink, the derivative in x and loc is 0 (the sign of 0).

    Example:
        >>> from chainrule.scipy import stats
        >>> round(float(stats.laplace.logcdf(-50.0)), 10)
        -50.6931471806
    """

    name = "laplace"

    def _logpdf(self, z):
        return -ops.abs(z) - _LOG_2

    def _cdf(self, z):
        right = ops.greater(z, 0.0)
        return ops.where(right, 1 - 0.5 * ops.exp(-_split(right, z, 0.0)),
                         0.5 * ops.exp(_split(right, 0.0, z)))

    def _sf(self, z):
        return self._cdf(-z)

    def _logcdf(self, z):
        right = ops.greater(z, 0.0)
        return ops.where(right, ops.log1p(-0.5 * ops.exp(-_split(right, z, 0.0))),
                         _split(right, 0.0, z) - _LOG_2)

    def _logsf(self, z):
        return self._logcdf(-z)


class _Logistic(Continuous):
    """The logistic distribution, as ``scipy.stats.logistic``: methods (x, loc=0, scale=1).

    Example:
        >>> from chainrule.scipy import stats
        >>> round(float(stats.logistic.logsf(800.0)), 6)
        -800.0
    """

    name = "logistic"

    def _logpdf(self, z):
        # log σ(z) + log σ(−z): SciPy's −|z| − 2·log1p(e^−|z|) without the kink of |z| at 0,
        # which would make the second derivative there wrong.
        return special.log_expit(z) + special.log_expit(-z)

    def _cdf(self, z):
        return special.expit(z)

    def _sf(self, z):
        return special.expit(-z)

    def _logcdf(self, z):
        return special.log_expit(z)

    def _logsf(self, z):
        return special.log_expit(-z)


class _Cauchy(Continuous):
    """The Cauchy distribution, as ``scipy.stats.cauchy``: methods (x, loc=0, scale=1).

    cdf and sf are arctan2(1, ∓z)/π, accurate in both tails (no 1/2 + arctan(z)/π cancellation).

    Example:
        >>> from chainrule.scipy import stats
        >>> float(stats.cauchy.cdf(-1e20))
        3.1830988618379067e-21
    """

    name = "cauchy"

    def _logpdf(self, z):
        # log(1 + z²) as 2·log|z| + log1p(1/z²) beyond |z| = 1, where z² could overflow.
        far = ops.greater(ops.abs(z), 1.0)
        near_z = _split(ops.logical_not(far), z, 0.0)
        far_z = ops.abs(_split(far, z, 2.0))
        return -_LOG_PI - ops.where(far, 2 * ops.log(far_z) + ops.log1p((1 / far_z) * (1 / far_z)),
                                    ops.log1p(near_z * near_z))

    def _cdf(self, z):
        return ops.arctan2(1.0, -z) / math.pi

    def _sf(self, z):
        return ops.arctan2(1.0, z) / math.pi


class _Uniform(Continuous):
    """The uniform distribution on [loc, loc + scale], as ``scipy.stats.uniform``: methods
    (x, loc=0, scale=1).

    Example:
        >>> from chainrule.scipy import stats
        >>> float(stats.uniform.cdf(1.5, loc=1.0, scale=2.0))
        0.25
    """

    name = "uniform"
    support = (0.0, 1.0)

    def _logpdf(self, z):
        return z * 0.0

    def _cdf(self, z):
        return z

    def _sf(self, z):
        return 1 - z

    def _logsf(self, z):
        return ops.log1p(-z)


norm = _Norm()
t = _T()
gamma = _Gamma()
beta = _Beta()
expon = _Expon()
laplace = _Laplace()
logistic = _Logistic()
cauchy = _Cauchy()
uniform = _Uniform()

__all__ = ["norm", "t", "gamma", "beta", "expon", "laplace", "logistic", "cauchy", "uniform"]
